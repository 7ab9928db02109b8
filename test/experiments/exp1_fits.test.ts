import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exp1FitTable, fitExp1Curves, powerLawFinding } from '../../src/experiments/exp1_fits.js';
import type { TrialSummary } from '../../src/trials/trial.js';

const SIZES = [100, 300, 1000, 3000, 10000, 30000];

/** A finished trial with the given test action match and loss. */
function summary(method: string, size: number, seed: number, actionMatch: number, loss: number): TrialSummary {
  return {
    id: `n${size}_${method}_s${seed}`,
    experiment: 'exp1',
    method,
    envId: 'CartPole-v1',
    seed,
    trainSet: { size, rows: size },
    model: '4→64→32→2 relu',
    budgetMode: 'steps',
    steps: 1,
    samplesSeen: size,
    flops: size,
    wallSeconds: 1,
    final: { testLoss: loss, testMacroF1: actionMatch, testMacroF1Greedy: actionMatch, testActionMatch: actionMatch },
    paramsSha256: '',
    backend: 'cpu',
  };
}

/** DL: error 0.002 + 20·n^−0.9 with ±3% seed noise; GA: a flat 16% error with seed noise. */
function trials(dlError: (n: number) => number = (n) => 0.002 + 20 * n ** -0.9): TrialSummary[] {
  const out: TrialSummary[] = [];
  SIZES.forEach((n, i) => {
    for (const seed of [0, 1, 2]) {
      const jitter = 1 + 0.03 * Math.sin(7 * seed + 3 * i);
      out.push(summary('dl_adam', n, seed, 1 - dlError(n) * jitter, 0.01 + 5 * n ** -0.7 * jitter));
      out.push(summary('ga_tournament', n, seed, 0.84 + 0.01 * Math.sin(5 * seed + 11 * i), 0.66));
    }
  });
  return out;
}

const label = (id: string): string => (id === 'dl_adam' ? 'DL (Adam)' : 'GA (tournament)');

describe('experiment 1 report: saturating power-law fits of the size curves', () => {
  it("recovers DL's exponent and floor from seed-noisy curves, with intervals around them", () => {
    const fits = fitExp1Curves(trials(), label);
    const dl = fits.find((f) => f.method === 'DL (Adam)' && f.metric === 'testError')!;
    assert.ok(dl.fit !== null && dl.verdict.credible, dl.verdict.reasons.join('; '));
    assert.ok(Math.abs(dl.fit.alpha.estimate - 0.9) < 0.05, `α ${dl.fit.alpha.estimate}`);
    assert.ok(dl.fit.alpha.lo <= dl.fit.alpha.estimate && dl.fit.alpha.estimate <= dl.fit.alpha.hi);
    assert.equal(dl.fit.over, 'seeds');
    assert.equal(dl.band.length, 40);
  });

  it('judges a flat, noisy GA curve not credible rather than reporting a law', () => {
    const fits = fitExp1Curves(trials(), label);
    for (const f of fits.filter((c) => c.method === 'GA (tournament)')) {
      assert.equal(f.verdict.credible, false, `${f.metric}`);
    }
    assert.match(exp1FitTable(fits), /\| GA \(tournament\) \| test error \(1 − action match\) \| .* \| NOT credible: /);
  });

  it('says the power-law claim holds when the fit is credible and forecasts the largest size', () => {
    const text = powerLawFinding(fitExp1Curves(trials(), label), 'DL (Adam)');
    assert.match(text, /α = 0\.9\d* \[/);
    assert.match(text, /holds in this run\.$/);
  });

  it("says the power-law claim is not supported when DL's error turns up with more data", () => {
    const upturn = (n: number): number => (n >= 10000 ? 0.05 : 0.002 + 20 * n ** -0.9);
    const text = powerLawFinding(fitExp1Curves(trials(upturn), label), 'DL (Adam)');
    assert.match(text, /is NOT supported by this run\.$/);
    assert.match(text, /non-monotone/);
  });
});

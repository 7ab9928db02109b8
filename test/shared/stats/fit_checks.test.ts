import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bootstrapSaturatingFit,
  credibility,
  fitSaturatingPowerLaw,
  forecastValidation,
  percentile,
} from '../../../src/shared/stats/index.js';
import { assertClose, scipyOracle, seededRandom } from './scipy.js';

const SIZES = [100, 300, 1000, 3000, 10000, 30000];
const law = (x: number): number => 0.03 + 2 * x ** -0.5;

/** Three seeds' curves around one law, with 5% multiplicative noise. */
function seedCurves(n = 3, noise = 0.1): { x: number[]; y: number[] }[] {
  const rnd = seededRandom(5);
  return Array.from({ length: n }, () => ({
    x: [...SIZES],
    y: SIZES.map((x) => law(x) * Math.exp(noise * (rnd() - 0.5))),
  }));
}

test('bootstrapSaturatingFit gives the same intervals for the same seed and other ones for another seed', () => {
  const groups = seedCurves();
  const a = bootstrapSaturatingFit(groups, { resamples: 100, seed: 3 });
  const b = bootstrapSaturatingFit(groups, { resamples: 100, seed: 3 });
  const c = bootstrapSaturatingFit(groups, { resamples: 100, seed: 4 });
  assert.deepEqual(a.alpha, b.alpha);
  assert.deepEqual(a.eInf, b.eInf);
  assert.notDeepEqual(a.alpha, c.alpha);
  assert.equal(a.over, 'seeds');
});

test('bootstrap intervals contain the fit to all seeds and the law the seeds were drawn from', () => {
  const boot = bootstrapSaturatingFit(seedCurves(5), { resamples: 300, seed: 1 });
  for (const [name, truth] of [
    ['alpha', 0.5],
    ['eInf', 0.03],
  ] as const) {
    const iv = boot[name];
    assert.ok(iv.lo <= iv.estimate && iv.estimate <= iv.hi, `${name}: ${iv.lo} ≤ ${iv.estimate} ≤ ${iv.hi}`);
    assert.ok(iv.lo <= truth && truth <= iv.hi, `${name}: ${truth} in [${iv.lo}, ${iv.hi}]`);
  }
  assert.equal(boot.failed, 0);
});

test('with a single seed the bootstrap resamples points and says so', () => {
  const boot = bootstrapSaturatingFit(seedCurves(1), { resamples: 50, seed: 2 });
  assert.equal(boot.over, 'points');
  assert.ok(boot.alpha.hi > boot.alpha.lo);
});

test('percentile interpolates like numpy.percentile', (t) => {
  const rnd = seededRandom(9);
  const v = Array.from({ length: 37 }, () => rnd()).sort((p, q) => p - q);
  const qs = [0, 0.025, 0.5, 0.975, 1];
  const o = scipyOracle<number[]>('print(json.dumps([float(np.percentile(data["v"], 100 * q)) for q in data["q"]]))', {
    v,
    q: qs,
  });
  if (o.skip) return t.skip(o.skip);
  qs.forEach((q, i) => assertClose(percentile(v, q), o.value![i], 1e-14, 0, `q=${q}`));
});

test('forecastValidation predicts the held-out largest size of a clean law exactly', () => {
  const y = SIZES.map(law);
  const fc = forecastValidation(SIZES, y);
  assert.ok(fc.ok);
  assert.equal(fc.heldOutX, 30000);
  assert.equal(fc.fit.n, SIZES.length - 1);
  assertClose(fc.predicted, law(30000), 1e-8, 0, 'prediction');
  assert.ok(Math.abs(fc.relativeError) < 1e-8);
});

test('forecastValidation reports a large error when the largest size leaves the trend', () => {
  const y = SIZES.map(law);
  y[y.length - 1] = 0.2; // an upturn at the largest size
  const fc = forecastValidation(SIZES, y);
  assert.ok(fc.ok);
  assertClose(fc.actual, 0.2, 1e-15, 0, 'actual');
  assert.ok(fc.relativeError < -0.5, `relative error ${fc.relativeError}`);
});

test('forecastValidation declines when fewer than three sizes would remain', () => {
  const fc = forecastValidation([10, 100, 1000], [0.3, 0.2, 0.1]);
  assert.equal(fc.ok, false);
  if (!fc.ok) assert.match(fc.reason, /only 2 distinct sizes/);
});

test('credibility: three sizes are too few for a law', () => {
  const x = [100, 1000, 10000];
  const v = credibility(fitSaturatingPowerLaw(x, x.map(law)));
  assert.equal(v.credible, false);
  assert.match(v.reasons.join(' '), /only 3 distinct sizes/);
});

test('credibility: an α pinned on its upper bound is not a law', () => {
  // A cliff between the two smallest sizes and flat afterwards: α runs to the top of its range.
  const v = credibility(fitSaturatingPowerLaw(SIZES, [0.5, 0.1, 0.1, 0.1, 0.1, 0.1], { alphaBounds: [0, 3] }));
  assert.equal(v.credible, false);
  assert.match(v.reasons.join(' '), /upper bound/);
});

test('credibility: an α interval spanning an order of magnitude is not a law', () => {
  // Nearly flat curves whose seed noise dwarfs the trend: the bootstrap cannot pin α down.
  const rnd = seededRandom(11);
  const groups = Array.from({ length: 4 }, () => ({
    x: [...SIZES],
    y: SIZES.map((x) => (0.2 + 0.02 * x ** -0.3) * Math.exp(0.2 * (rnd() - 0.5))),
  }));
  const boot = bootstrapSaturatingFit(groups, { resamples: 200, seed: 0 });
  const v = credibility(boot.fit, { bootstrap: boot, monotoneTolerance: 1 });
  assert.equal(v.credible, false, JSON.stringify(boot.alpha));
  assert.match(v.reasons.join(' '), /interval of α/);
});

test('credibility: a clean law with tight intervals is credible', () => {
  const boot = bootstrapSaturatingFit(seedCurves(4, 0.02), { resamples: 200, seed: 0 });
  const v = credibility(boot.fit, { bootstrap: boot });
  assert.deepEqual(v, { credible: true, reasons: [] });
});

test('credibility: a flat curve is not a law, whatever α the solver returns', () => {
  const v = credibility(
    fitSaturatingPowerLaw(
      SIZES,
      SIZES.map(() => 0.66),
    ),
  );
  assert.equal(v.credible, false);
  assert.match(v.reasons.join(' '), /flat: the fitted error falls by only 0\.0%/);
});

/** A trial as the scaling study runs it: evaluations log-spaced over its budget, with rollouts at every point. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generateExpertDataset } from '../../src/shared/data/generate.js';
import { trialData } from '../../src/trials/data.js';
import { EXP2_METHODS } from '../../src/trials/methods.js';
import { TrialDirectory } from '../../src/trials/results.js';
import { logEvalTarget, runTrial, type TrialFolder, type TrialSpec } from '../../src/trials/trial.js';

const root = mkdtempSync(join(tmpdir(), 'evoscale-curve-'));
after(() => rmSync(root, { recursive: true, force: true }));
const ds = generateExpertDataset({ envId: 'CartPole-v1', steps: 3000, seed: 4 });

function spec(extra: Partial<TrialSpec>): TrialSpec {
  return {
    experiment: 'scaling',
    id: 'curve',
    envId: 'CartPole-v1',
    dataset: 'cartpole',
    trainSet: { size: 500, rows: 500 },
    split: { kind: 'exp1', seed: 2, testSize: 1000 },
    method: EXP2_METHODS.sgd,
    model: { inputs: 4, hidden: [8], outputs: 2, activation: 'tanh' },
    seed: 3,
    budget: { steps: 100 },
    evalPoints: 5,
    evalEpisodes: 0,
    checkpointEvery: 2,
    ...extra,
  };
}

describe('a compute-curve trial', () => {
  it('evaluates at log-spaced steps ending at the budget: 100 × 10^(−2(5−k)/4) for 5 points over 2 decades', () => {
    const s = spec({ evalLogDecades: 2 });
    const dir: TrialFolder = new TrialDirectory(join(root, 'log'));
    runTrial(s, trialData(s, ds), dir);
    assert.deepEqual(
      dir.metrics().map((r) => r.step),
      [0, 1, 3, 10, 32, 100],
    );
  });

  it('puts no two early points on the same step: point k is at step k or later', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((k) => logEvalTarget(k, 6, 6, 1000, true)),
      [1, 2, 3, 4, 63, 1000],
    );
    assert.equal(logEvalTarget(7, 6, 6, 1000, true), Number.POSITIVE_INFINITY);
  });

  it('records the greedy return at every point, the last one equal to the final evaluation on the same episodes', () => {
    const s = spec({ evalLogDecades: 2, curveEpisodes: 2, evalEpisodes: 2 });
    const dir: TrialFolder = new TrialDirectory(join(root, 'ret'));
    const summary = runTrial(s, trialData(s, ds), dir);
    const m = dir.metrics();
    assert.ok(m.every((r) => typeof r.meanReturn === 'number' && r.meanReturn >= 1));
    assert.equal(m.at(-1)?.meanReturn, summary.final.meanReturn);
  });

  it('trains the same network whether or not it is evaluated log-spaced or plays episodes', () => {
    const a = spec({});
    const b = spec({ evalLogDecades: 2, curveEpisodes: 1 });
    const sa = runTrial(a, trialData(a, ds), new TrialDirectory(join(root, 'a')));
    const sb = runTrial(b, trialData(b, ds), new TrialDirectory(join(root, 'b')));
    assert.equal(sa.paramsSha256, sb.paramsSha256);
  });
});

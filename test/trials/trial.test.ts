import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generateExpertDataset } from '../../src/shared/data/generate.js';
import { expMlp, EXP1_MLP } from '../../src/shared/model/mlp.js';
import { trialData } from '../../src/trials/data.js';
import { EXP1_METHODS, EXP2_METHODS } from '../../src/trials/methods.js';
import { readTorchModel } from '../../src/data/model_files.js';
import { TrialDirectory } from '../../src/trials/results.js';
import { runTrial, type TrialFolder, type TrialSpec } from '../../src/trials/trial.js';

const root = mkdtempSync(join(tmpdir(), 'evoscale-trial-'));
after(() => rmSync(root, { recursive: true, force: true }));
const ds = generateExpertDataset({ envId: 'CartPole-v1', steps: 4000, seed: 3 });

function spec2(method: string, steps: number): TrialSpec {
  return {
    experiment: 'exp2',
    id: `t_${method}`,
    envId: 'CartPole-v1',
    dataset: 'cartpole',
    trainSet: { fraction: 0.5, rows: 0 },
    split: { kind: 'exp2', seed: 1, testFraction: 0.1 },
    method: EXP2_METHODS[method],
    model: expMlp(4, 2),
    seed: 5,
    budget: { steps },
    evalPoints: 8,
    evalEpisodes: 0,
    checkpointEvery: 1,
  };
}

describe('a trial', () => {
  it('writes config, metrics at every runtime point, summary and final params', () => {
    const spec = spec2('ga_adaptive_ce', 40);
    const dir: TrialFolder = new TrialDirectory(join(root, 'a'));
    const s = runTrial(spec, trialData(spec, ds), dir);
    const m = dir.metrics();
    assert.deepEqual(
      m.map((r) => Math.round(r.runtimePct)),
      [0, 13, 25, 38, 50, 63, 75, 88, 100],
    );
    assert.ok(m.every((r) => Number.isFinite(r.testLoss) && Number.isFinite(r.testMacroF1) && r.flops >= 0));
    assert.equal(s.steps, 40);
    assert.equal(dir.readFinalParams()?.length, 4 * 50 + 50 + 50 * 2 + 2);
    // Beside it, the same weights as PyTorch loads them.
    assert.deepEqual(readTorchModel(dir.dir).params, dir.readFinalParams());
    assert.deepEqual(dir.config(), JSON.parse(JSON.stringify(spec)));
    assert.equal(s.fitnessHistory?.length, 40);
    assert.equal(s.fitnessHistoryEvery, 1);
    // The plan cannot know how many rows half of the dataset is; the summary records the rows that trained.
    assert.deepEqual(s.trainSet, { fraction: 0.5, rows: trialData(spec, ds).train.n });
    assert.ok(s.trainSet.rows > 0);
  });

  it('is a pure function of spec and data: the same run twice gives the same parameters', () => {
    const spec = spec2('sgd', 300);
    const a = runTrial(spec, trialData(spec, ds), new TrialDirectory(join(root, 'b1')));
    const b = runTrial(spec, trialData(spec, ds), new TrialDirectory(join(root, 'b2')));
    assert.equal(a.paramsSha256, b.paramsSha256);
  });

  for (const method of ['sgd', 'es_adaptive_f1']) {
    it(`${method}: a crash mid-run loses nothing — resuming from the checkpoint ends bit-identical to an uninterrupted run`, () => {
      const spec = spec2(method, method === 'sgd' ? 400 : 200);
      const whole = runTrial(spec, trialData(spec, ds), new TrialDirectory(join(root, `w_${method}`)));
      const dir: TrialFolder = new TrialDirectory(join(root, `c_${method}`));
      let calls = 0;
      assert.throws(
        () =>
          runTrial(spec, trialData(spec, ds), dir, {
            onProgress: () => {
              if (++calls === 2) throw new Error('simulated crash');
            },
          }),
        /simulated crash/,
      );
      assert.equal(dir.isComplete(), false);
      const resumed = runTrial(spec, trialData(spec, ds), dir, { resume: true });
      assert.equal(resumed.paramsSha256, whole.paramsSha256);
      assert.deepEqual(resumed.fitnessHistory, whole.fitnessHistory);
      const steps = dir.metrics().map((r) => r.step);
      assert.deepEqual(
        steps,
        [...new Set(steps)].sort((x, y) => x - y),
        'no duplicated or out-of-order records after resume',
      );
    });
  }

  it("keeps a long run's fitness history bounded (thinned), and a resume from a thinned checkpoint ends identical", () => {
    // At 10 000 entries the history halves (every 2nd generation kept), at 20 000 generations again (every 4th): a
    // run of millions of generations must still fit the summary and checkpoint a remote worker sends back in one
    // bounded frame. The crash below comes after a checkpoint kept at stride 2, before the second halving.
    const spec = spec2('ga_fixed_ce', 20_100);
    const whole = runTrial(spec, trialData(spec, ds), new TrialDirectory(join(root, 'long_w')));
    assert.equal(whole.fitnessHistoryEvery, 4);
    assert.equal(whole.fitnessHistory?.length, 5_025);
    const dir: TrialFolder = new TrialDirectory(join(root, 'long_c'));
    let calls = 0;
    assert.throws(
      () =>
        runTrial(spec, trialData(spec, ds), dir, {
          // Progress comes every 64 generations: this is generation 17 920, after the checkpoint at 17 588.
          onProgress: () => {
            if (++calls === 280) throw new Error('simulated crash');
          },
        }),
      /simulated crash/,
    );
    const resumed = runTrial(spec, trialData(spec, ds), dir, { resume: true });
    assert.equal(resumed.paramsSha256, whole.paramsSha256);
    assert.deepEqual(resumed.fitnessHistory, whole.fitnessHistory);
    assert.equal(resumed.fitnessHistoryEvery, 4);
  });

  it('experiment 1 trials report greedy-play return and FLOPs as the proposal counts them', () => {
    const spec: TrialSpec = {
      experiment: 'exp1',
      id: 'e1',
      envId: 'CartPole-v1',
      dataset: 'cartpole',
      trainSet: { size: 300, rows: 300 },
      split: { kind: 'exp1', seed: 0, testSize: 500 },
      method: EXP1_METHODS.dl_adam,
      model: EXP1_MLP,
      seed: 0,
      budget: { steps: 2 * 5 },
      evalPoints: 2,
      evalEpisodes: 3,
      checkpointEvery: 1,
    };
    const s = runTrial(spec, trialData(spec, ds), new TrialDirectory(join(root, 'e1')));
    assert.equal(s.final.returns?.length, 3);
    assert.equal(s.samplesSeen, 2 * 300);
    assert.equal(s.flops, 2 * 300 * 3 * 2 * (4 * 64 + 64 * 32 + 32 * 2));
  });
});

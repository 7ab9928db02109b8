import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generateExpertDataset } from '../../src/shared/data/generate.js';
import { expMlp, EXP1_MLP } from '../../src/shared/model/mlp.js';
import type { NeRunSpec } from '../../src/shared/protocol/index.js';
import { writeDatasetFile } from '../../src/data/load.js';
import { trialData } from '../../src/trials/data.js';
import { EXP1_METHODS, EXP2_METHODS, type NeMethod } from '../../src/trials/methods.js';
import { TrialDirectory } from '../../src/trials/results.js';
import { engineThreadsPerTrial } from '../../src/trials/trial_worker.js';
import { runTrial, type TrialSpec } from '../../src/trials/trial.js';
import { runNe } from '../../src/coordinator/ne_run.js';

const root = mkdtempSync(join(tmpdir(), 'evoscale-trial-engine-'));
after(() => rmSync(root, { recursive: true, force: true }));
const ds = generateExpertDataset({ envId: 'CartPole-v1', steps: 3000, seed: 4 });

function exp2Spec(method: string, steps: number, dataset = 'cartpole'): TrialSpec {
  return {
    experiment: 'exp2',
    id: `t_${method}`,
    envId: 'CartPole-v1',
    dataset,
    trainSet: { fraction: 0.5, rows: 0 },
    split: { kind: 'exp2', seed: 2, testFraction: 0.1 },
    method: EXP2_METHODS[method],
    model: expMlp(4, 2),
    seed: 7,
    budget: { steps },
    evalPoints: 4,
    evalEpisodes: 0,
    checkpointEvery: 2,
  };
}

function exp1Spec(steps: number): TrialSpec {
  return {
    experiment: 'exp1',
    id: 't_ga_tournament',
    envId: 'CartPole-v1',
    dataset: 'cartpole',
    trainSet: { size: 300, rows: 300 },
    split: { kind: 'exp1', seed: 1, testSize: 500 },
    method: EXP1_METHODS.ga_tournament,
    model: EXP1_MLP,
    seed: 3,
    budget: { steps },
    evalPoints: 4,
    evalEpisodes: 0,
    checkpointEvery: 2,
  };
}

let dirs = 0;
const run = (spec: TrialSpec, threads: number) =>
  runTrial(spec, trialData(spec, ds), new TrialDirectory(join(root, `d${dirs++}`)), { threads });

describe("an experiment trial's neuroevolution on the engine", () => {
  for (const [name, spec] of [
    ['exp2 ga_adaptive_ce (mini-batches, adaptive σ)', exp2Spec('ga_adaptive_ce', 30)],
    ['exp2 es_fixed_f1 (macro-F1 sampling)', exp2Spec('es_fixed_f1', 30)],
    ['exp1 ga_tournament (whole training set, elite)', exp1Spec(15)],
  ] as const) {
    it(`${name}: 1 thread and 3 threads give the same parameters and fitness history`, () => {
      const one = run(spec, 1);
      const three = run(spec, 3);
      assert.equal(three.paramsSha256, one.paramsSha256);
      assert.deepEqual(three.fitnessHistory, one.fitnessHistory);
      assert.equal(one.fitnessHistory?.length, spec.budget.steps);
    });
  }

  it('gives the NE-run path (evoscale coordinator) the same final parameters for the same run', async () => {
    const file = join(root, 'cartpole.jsonl');
    await writeDatasetFile(ds, file);
    const spec = exp2Spec('es_adaptive_ce', 25, file);
    const method = spec.method as NeMethod;
    const trial = run(spec, 2);
    const neSpec: NeRunSpec = {
      runId: 'same-as-trial',
      experiment: 'ne',
      algorithm: method.algorithm as NeRunSpec['algorithm'],
      populationSize: method.populationSize,
      mutation: method.mutation,
      model: spec.model,
      task: {
        kind: 'dataset',
        dataset: file,
        split: { kind: 'exp2', seed: 2, testFraction: 0.1, fraction: 0.5 },
        fitness: method.fitness as NeRunSpec['task'] extends { fitness: infer F } ? F : never,
        batchSize: method.batchSize,
        trials: method.trials,
      },
      generations: 25,
      seed: spec.seed,
    };
    const ne = await runNe(neSpec, { placement: 'local' });
    assert.equal(ne.paramsSha256, trial.paramsSha256);
    assert.deepEqual(
      ne.fitnessHistory.best.map((v) => Math.fround(v)),
      trial.fitnessHistory,
    );
  });
});

describe('engine threads per trial', () => {
  it('splits spare threads over the trials that run at once, at least one each', () => {
    assert.equal(engineThreadsPerTrial(2, 1), 2);
    assert.equal(engineThreadsPerTrial(2, 9), 1);
    assert.equal(engineThreadsPerTrial(8, 3), 2);
    assert.equal(engineThreadsPerTrial(1, 1), 1);
    assert.equal(engineThreadsPerTrial(4, 0), 4);
  });

  it('a trial whose threads change from generation to generation ends as it does on one thread', () => {
    const spec = exp2Spec('ga_fixed_f1', 24);
    const one = run(spec, 1);
    let g = 0;
    const varying = runTrial(spec, trialData(spec, ds), new TrialDirectory(join(root, `d${dirs++}`)), {
      threads: () => [1, 2, 3][g++ % 3],
    });
    assert.ok(g >= 24, 'asked before every generation');
    assert.equal(varying.paramsSha256, one.paramsSha256);
    assert.deepEqual(varying.fitnessHistory, one.fitnessHistory);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  fitnessDirection,
  fitnessPrecision,
  validateRunSpec,
  type NeRunSpec,
} from '../../../src/shared/protocol/index.js';

const rollout: NeRunSpec = {
  runId: 'cartpole',
  experiment: 'ne',
  algorithm: 'tournament_ga',
  populationSize: 100,
  mutation: { mode: 'fixed_sigma', sigma: 0.01 },
  tournamentSize: 3,
  eliteCount: 1,
  model: { inputs: 4, hidden: [64, 32], outputs: 2, activation: 'relu' },
  task: { kind: 'rollout', envId: 'CartPole-v1', episodes: 5 },
  generations: 100,
  seed: 0,
};

const dataset: NeRunSpec = {
  ...rollout,
  runId: 'exp2-like',
  algorithm: 'simple_es',
  task: {
    kind: 'dataset',
    dataset: 'cartpole',
    datasetSteps: 5000,
    split: { kind: 'exp2', seed: 0, testFraction: 0.1, fraction: 0.9 },
    fitness: 'ce',
    batchSize: 32,
    trials: 10,
  },
};

describe('run specs', () => {
  it('accepts a rollout spec and a dataset spec as written', () => {
    assert.deepEqual(validateRunSpec(JSON.parse(JSON.stringify(rollout))), rollout);
    assert.deepEqual(validateRunSpec(JSON.parse(JSON.stringify(dataset))), dataset);
  });

  it('names the field to fix', () => {
    assert.throws(
      () => validateRunSpec({ ...rollout, generations: 0 }),
      /spec\.generations: expected a positive integer, got 0/,
    );
    assert.throws(() => validateRunSpec({ ...rollout, mutation: { mode: 'gaussian' } }), /spec\.mutation\.mode/);
    assert.throws(() => validateRunSpec({ ...rollout, seed: -1 }), /spec\.seed/);
    assert.throws(
      () => validateRunSpec({ ...dataset, task: { ...dataset.task, batchSize: 'half' } }),
      /spec\.task\.batchSize/,
    );
  });

  it('minimises cross-entropy and maximises everything else; returns travel as float64', () => {
    assert.equal(fitnessDirection(dataset), 'minimize');
    assert.equal(fitnessDirection(rollout), 'maximize');
    assert.equal(fitnessPrecision(rollout), 'float64');
    assert.equal(fitnessPrecision(dataset), 'float32');
  });
});

/** Small run specs for the runtime tests (seconds, not minutes, on two cores). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NeRunSpec } from '../../../src/shared/protocol/index.js';

/** CartPole policies scored by rollouts: enough work per generation to shard, little enough to stay fast. */
export function rolloutSpec(overrides: Partial<NeRunSpec> = {}): NeRunSpec {
  return {
    runId: 'cartpole-ga',
    experiment: 'ne',
    algorithm: 'simple_ga',
    populationSize: 48,
    mutation: { mode: 'adaptive_sigma', sigmaInit: 0.05, sigmaNoise: 0.05 },
    model: { inputs: 4, hidden: [8], outputs: 2, activation: 'tanh' },
    task: { kind: 'rollout', envId: 'CartPole-v1', episodes: 2, maxSteps: 200 },
    generations: 8,
    seed: 11,
    ...overrides,
  };
}

/** Experiment-2-style neuroevolution on a small built-in CartPole dataset (macro-F1 on mini-batches of 32). */
export function datasetSpec(overrides: Partial<NeRunSpec> = {}): NeRunSpec {
  return {
    runId: 'cartpole-es-f1',
    experiment: 'ne',
    algorithm: 'simple_es',
    populationSize: 40,
    mutation: { mode: 'adaptive_sigma' },
    model: { inputs: 4, hidden: [50], outputs: 2, activation: 'tanh' },
    task: {
      kind: 'dataset',
      dataset: 'cartpole',
      datasetSteps: 2000,
      split: { kind: 'exp2', seed: 0, testFraction: 0.1, fraction: 0.9 },
      fitness: 'macro_f1',
      batchSize: 32,
      trials: 10,
    },
    generations: 12,
    seed: 5,
    ...overrides,
  };
}

/** Writes a spec as JSON in `dir`; returns the path. */
export function writeSpec(dir: string, spec: NeRunSpec, name = 'run.json'): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(spec, null, 2));
  return path;
}

export interface RunSummaryFile {
  paramsSha256: string;
  generations: number;
  resumedFrom: number;
  generationsSharded: number;
  generationsLocal: number;
  fitnessHistory: { best: number[]; median: number[]; mean: number[] };
}

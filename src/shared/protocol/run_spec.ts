/**
 * The neuroevolution run spec: everything a worker needs to rebuild a run's initial state and evaluate any
 * shard of any generation (algorithm + config, model, fitness task, seed). It travels once per worker and run.
 */
import type { AlgorithmName, MutationOptions } from '../algorithms/types.js';
import type { MlpSpec } from '../model/mlp.js';
import { array, id, int, literal, num, object, optional, SchemaError, str, type Check } from './schema.js';

/** Fitness = mean return of the greedy policy over `episodes` episodes, seeded per (run seed, generation, episode). */
export interface RolloutTask {
  readonly kind: 'rollout';
  readonly envId: string;
  readonly episodes: number;
  /** Cuts episodes short of the env's own time limit (default: the env's limit). */
  readonly maxSteps?: number;
}

/** How the training rows are cut from the dataset (the experiments' splits). */
export type DatasetSplit =
  | { readonly kind: 'exp1'; readonly seed: number; readonly testSize: number; readonly size: number }
  | { readonly kind: 'exp2'; readonly seed: number; readonly testFraction: number; readonly fraction: number };

/** Fitness on labelled data: cross-entropy (minimised), action-match accuracy or sampled macro-F1. */
export interface DatasetTask {
  readonly kind: 'dataset';
  /** A built-in name, a .jsonl/.parquet path every worker can read, or hf:owner/name. */
  readonly dataset: string;
  /** Rows of a built-in dataset (default: the source's size). */
  readonly datasetSteps?: number;
  readonly split: DatasetSplit;
  readonly fitness: 'ce' | 'accuracy' | 'macro_f1';
  /** Samples per generation (mini-batch b = generation), or 'all' for the whole training set. */
  readonly batchSize: number | 'all';
  /** Sampling trials of macro-F1. */
  readonly trials: number;
}

export type NeTask = RolloutTask | DatasetTask;

export interface NeRunSpec {
  readonly runId: string;
  /** Groups runs under results/<experiment>/ (default 'ne'). */
  readonly experiment: string;
  readonly algorithm: AlgorithmName;
  readonly populationSize: number;
  readonly mutation: MutationOptions;
  readonly tournamentSize?: number;
  readonly eliteCount?: number;
  readonly model: MlpSpec;
  readonly task: NeTask;
  readonly generations: number;
  readonly seed: number;
}

const MAX_SEED = Number.MAX_SAFE_INTEGER;

const mutation: Check<MutationOptions> = (v, path) => {
  const mode = (v !== null && typeof v === 'object' ? (v as { mode?: unknown }).mode : undefined) as unknown;
  if (mode === 'fixed_sigma') {
    return object({
      mode: literal('fixed_sigma'),
      sigma: optional(num(0)),
      probability: optional(num(0, 1)),
    })(v, path);
  }
  if (mode === 'adaptive_sigma') {
    return object({
      mode: literal('adaptive_sigma'),
      sigmaInit: optional(num(0)),
      sigmaNoise: optional(num(0)),
    })(v, path);
  }
  throw new SchemaError(`${path}.mode`, '"fixed_sigma" or "adaptive_sigma"');
};

const model: Check<MlpSpec> = object({
  inputs: int(1, 1 << 16),
  hidden: array(int(1, 1 << 16), 64),
  outputs: int(1, 1 << 16),
  activation: literal('relu', 'tanh'),
});

const rolloutTask = object({
  kind: literal('rollout'),
  envId: str(100),
  episodes: int(1, 1 << 16),
  maxSteps: optional(int(1, 1 << 24)),
});

const split: Check<DatasetSplit> = (v, path) => {
  const kind = (v !== null && typeof v === 'object' ? (v as { kind?: unknown }).kind : undefined) as unknown;
  if (kind === 'exp1') {
    return object({
      kind: literal('exp1'),
      seed: int(0, MAX_SEED),
      testSize: int(1, 2 ** 31 - 1),
      size: int(1, 2 ** 31 - 1),
    })(v, path);
  }
  if (kind === 'exp2') {
    return object({ kind: literal('exp2'), seed: int(0, MAX_SEED), testFraction: num(0, 1), fraction: num(0, 1) })(
      v,
      path,
    );
  }
  throw new SchemaError(`${path}.kind`, '"exp1" or "exp2"');
};

const batchSize: Check<number | 'all'> = (v, path) => (v === 'all' ? 'all' : int(1, 1 << 24)(v, path));

const datasetTask = object({
  kind: literal('dataset'),
  dataset: str(4096),
  datasetSteps: optional(int(1, 2 ** 31 - 1)),
  split,
  fitness: literal('ce', 'accuracy', 'macro_f1'),
  batchSize,
  trials: int(1, 1 << 16),
});

const task: Check<NeTask> = (v, path) => {
  const kind = (v !== null && typeof v === 'object' ? (v as { kind?: unknown }).kind : undefined) as unknown;
  if (kind === 'rollout') return rolloutTask(v, path);
  if (kind === 'dataset') return datasetTask(v, path);
  throw new SchemaError(`${path}.kind`, '"rollout" or "dataset"');
};

/** Checks a run spec's shape and ranges (the algorithm re-validates its own settings when the run starts). */
export const runSpec: Check<NeRunSpec> = object({
  runId: id,
  experiment: id,
  algorithm: literal('tournament_ga', 'simple_ga', 'simple_es'),
  populationSize: int(2, 1 << 24),
  mutation,
  tournamentSize: optional(int(1, 1 << 24)),
  eliteCount: optional(int(0, 1 << 24)),
  model,
  task,
  generations: int(1, 2 ** 31 - 1),
  seed: int(0, MAX_SEED),
});

/** Validates a run spec from a file or a message; throws SchemaError naming the first bad field. */
export function validateRunSpec(value: unknown, where = 'spec'): NeRunSpec {
  return runSpec(value, where);
}

/** Which way the run's fitness points: cross-entropy is minimised, everything else maximised. */
export function fitnessDirection(spec: NeRunSpec): 'minimize' | 'maximize' {
  return spec.task.kind === 'dataset' && spec.task.fitness === 'ce' ? 'minimize' : 'maximize';
}

/** Whether fitness values are float32 (data fitness from the engine) or float64 (episode returns). */
export function fitnessPrecision(spec: NeRunSpec): 'float32' | 'float64' {
  return spec.task.kind === 'rollout' ? 'float64' : 'float32';
}

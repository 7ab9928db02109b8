/**
 * The neuroevolution run spec: everything a worker needs to rebuild a run's initial state and evaluate any
 * shard of any generation (algorithm + config, model, fitness task, seed). It travels once per worker and run.
 */
import type { AlgorithmName, MutationOptions } from '../algorithms/types.js';
import type { MlpSpec } from '../model/mlp.js';
import { Type, type TProperties } from '@sinclair/typebox';
import { checkSchema, ConfigError, formatPath } from '../config/check.js';
import { Id } from '../config/values.js';
import { SchemaError, type Check } from './schema.js';

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
const obj = <P extends TProperties>(props: P) => Type.Object(props, { additionalProperties: false });
const int = (minimum: number, maximum: number) => Type.Integer({ minimum, maximum });
const num = (minimum: number, maximum?: number) =>
  Type.Number(maximum === undefined ? { minimum } : { minimum, maximum });

export const MutationSchema = Type.Union([
  obj({
    mode: Type.Literal('fixed_sigma'),
    sigma: Type.Optional(num(0)),
    probability: Type.Optional(num(0, 1)),
  }),
  obj({
    mode: Type.Literal('adaptive_sigma'),
    sigmaInit: Type.Optional(num(0)),
    sigmaNoise: Type.Optional(num(0)),
  }),
]);

export const MlpSpecSchema = obj({
  inputs: int(1, 1 << 16),
  hidden: Type.Array(int(1, 1 << 16), { maxItems: 64 }),
  outputs: int(1, 1 << 16),
  activation: Type.Union([Type.Literal('relu'), Type.Literal('tanh')]),
});

const RolloutTaskSchema = obj({
  kind: Type.Literal('rollout'),
  envId: Type.String({ maxLength: 100 }),
  episodes: int(1, 1 << 16),
  maxSteps: Type.Optional(int(1, 1 << 24)),
});

const SplitSchema = Type.Union([
  obj({ kind: Type.Literal('exp1'), seed: int(0, MAX_SEED), testSize: int(1, 2 ** 31 - 1), size: int(1, 2 ** 31 - 1) }),
  obj({ kind: Type.Literal('exp2'), seed: int(0, MAX_SEED), testFraction: num(0, 1), fraction: num(0, 1) }),
]);

const DatasetTaskSchema = obj({
  kind: Type.Literal('dataset'),
  dataset: Type.String({ maxLength: 4096 }),
  datasetSteps: Type.Optional(int(1, 2 ** 31 - 1)),
  split: SplitSchema,
  fitness: Type.Union([Type.Literal('ce'), Type.Literal('accuracy'), Type.Literal('macro_f1')]),
  batchSize: Type.Union([Type.Literal('all'), int(1, 1 << 24)]),
  trials: int(1, 1 << 16),
});

const runSpecProperties = {
  runId: Id,
  experiment: Id,
  algorithm: Type.Union([Type.Literal('tournament_ga'), Type.Literal('simple_ga'), Type.Literal('simple_es')]),
  populationSize: int(2, 1 << 24),
  mutation: MutationSchema,
  tournamentSize: Type.Optional(int(1, 1 << 24)),
  eliteCount: Type.Optional(int(0, 1 << 24)),
  model: MlpSpecSchema,
  task: Type.Union([RolloutTaskSchema, DatasetTaskSchema]),
  generations: int(1, 2 ** 31 - 1),
  seed: int(0, MAX_SEED),
};

/** A run spec as it travels to workers (every field checked, unknown fields refused). */
export const NeRunSpecSchema = obj(runSpecProperties);

/** A run spec file: `experiment` may be left out (it defaults to 'ne') and `$schema` is allowed for editors. */
export const NeRunSpecFileSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String({ description: 'URL or path of this JSON Schema (for editors).' })),
    ...runSpecProperties,
    experiment: Type.Optional(Id),
  },
  {
    additionalProperties: false,
    title: 'evoscale neuroevolution run spec',
    description: 'A run for `evoscale coordinator --run <file>` (JSON or YAML).',
  },
);

/** Checks a run spec's shape and ranges (the algorithm re-validates its own settings when the run starts). */
export const runSpec: Check<NeRunSpec> = (v, path) => {
  try {
    const spec: NeRunSpec = checkSchema(NeRunSpecSchema, v);
    return spec;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const at = [path, formatPath(e.path)].filter((p) => p !== '').join('.');
    throw new SchemaError(at, e.problem.replace(/^expected /, ''), `${at}: ${e.problem}`);
  }
};

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

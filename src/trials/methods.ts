/**
 * The methods the experiments compare, as plain data: a method name resolves to an optimizer (SGD/Adam)
 * or a neuroevolution algorithm with its mutation mode and fitness.
 */
import { InvalidArgumentError } from '../shared/errors.js';
import type { AlgorithmName, MutationOptions } from '../shared/algorithms/index.js';
import type { FitnessKind } from '../worker/engine/types.js';
import type { OptimizerSpec } from '../worker/sgd/optimizers.js';

export interface SgdMethod {
  readonly kind: 'sgd';
  readonly name: string;
  readonly optimizer: OptimizerSpec;
  readonly batchSize: number;
}

export interface NeMethod {
  readonly kind: 'ne';
  readonly name: string;
  readonly algorithm: AlgorithmName;
  readonly populationSize: number;
  readonly mutation: MutationOptions;
  readonly fitness: FitnessKind;
  /** Samples per generation; 'all' evaluates the whole training set every generation (experiment 1). */
  readonly batchSize: number | 'all';
  /** Sampling trials of macro-F1 fitness. */
  readonly trials: number;
  readonly tournamentSize?: number;
  readonly eliteCount?: number;
  /**
   * 'independent': every agent starts as its own freshly initialised network (a GA's usual start);
   * 'copies': every agent starts as the same network (an ES searches around one point).
   */
  readonly initPopulation: 'independent' | 'copies';
}

export type Method = SgdMethod | NeMethod;

/** Experiment 1: Adam on mini-batches of 64, and the tournament GA on the whole training set. */
export const EXP1_METHODS: Readonly<Record<string, Method>> = {
  dl_adam: { kind: 'sgd', name: 'dl_adam', optimizer: { kind: 'adam', lr: 1e-3 }, batchSize: 64 },
  ga_tournament: {
    kind: 'ne',
    name: 'ga_tournament',
    algorithm: 'tournament_ga',
    populationSize: 100,
    mutation: { mode: 'fixed_sigma', sigma: 0.01, probability: 1 },
    fitness: 'accuracy',
    batchSize: 'all',
    trials: 1,
    tournamentSize: 3,
    eliteCount: 1,
    initPopulation: 'independent',
  },
};

function neMethod(algo: 'ga' | 'es', sigma: 'fixed' | 'adaptive', fit: 'ce' | 'f1'): NeMethod {
  return {
    kind: 'ne',
    name: `${algo}_${sigma}_${fit}`,
    algorithm: algo === 'ga' ? 'simple_ga' : 'simple_es',
    populationSize: 50,
    mutation:
      sigma === 'fixed'
        ? { mode: 'fixed_sigma', sigma: 1e-3, probability: 1 }
        : { mode: 'adaptive_sigma', sigmaInit: 1e-3, sigmaNoise: 1e-2 },
    fitness: fit === 'ce' ? 'ce' : 'macro_f1',
    batchSize: 32,
    trials: 10,
    initPopulation: algo === 'ga' ? 'independent' : 'copies',
  };
}

/** Experiment 2's nine methods: SGD and {simple_ga, simple_es} × {fixed, adaptive σ} × {CE, macro-F1}. */
export const EXP2_METHODS: Readonly<Record<string, Method>> = Object.fromEntries(
  [
    { kind: 'sgd', name: 'sgd', optimizer: { kind: 'sgd', lr: 1e-3 }, batchSize: 32 } as Method,
    ...(['ga', 'es'] as const).flatMap((a) =>
      (['fixed', 'adaptive'] as const).flatMap((s) => (['ce', 'f1'] as const).map((f) => neMethod(a, s, f))),
    ),
  ].map((m) => [m.name, m]),
);

/** Looks up methods by name, with an error listing the valid ones. */
export function resolveMethods(table: Readonly<Record<string, Method>>, names: readonly string[]): Method[] {
  return names.map((n) => {
    const m = Object.prototype.hasOwnProperty.call(table, n) ? table[n] : undefined;
    if (!m) throw new InvalidArgumentError(`unknown method '${n}'; choose from ${Object.keys(table).join(', ')}`);
    return m;
  });
}

/** True for methods whose objective is cross-entropy (the proposal's CE plot shows only these). */
export function optimisesCrossEntropy(m: Method): boolean {
  return m.kind === 'sgd' || m.fitness === 'ce';
}

/**
 * How many training rows score an NE agent each generation: 'text' is the proposal's text ("mini-batches of the
 * same size as DL methods", i.e. the SGD batch), 'code' its code's choice (`min(batch_size * 100, num_train)` in
 * old/2_dl_vs_ga_es/main.py), a number is that many rows. The choice decides experiment 2's result, so it is a
 * setting of its own rather than a property of the method.
 */
export type FitnessBatch = number | 'text' | 'code';

/** The proposal's code scores NE fitness on this many SGD batches per generation. */
export const CODE_FITNESS_BATCHES = 100;

/**
 * The rows per generation `choice` means for NE methods next to an SGD batch of `sgdBatch`, on a training set of
 * `trainRows` rows (when known when planning; otherwise the sampler caps every batch at the training set's size).
 */
export function fitnessBatchRows(choice: FitnessBatch, sgdBatch: number, trainRows?: number): number {
  const cap = (rows: number): number => (trainRows !== undefined ? Math.min(rows, trainRows) : rows);
  if (choice === 'text') return sgdBatch;
  if (choice === 'code') return cap(sgdBatch * CODE_FITNESS_BATCHES);
  if (!Number.isInteger(choice) || choice < 1) {
    throw new InvalidArgumentError(`fitness batch ${choice} must be a positive integer, 'text' or 'code'`);
  }
  return cap(choice);
}

/** `m` with its fitness batch set to `rows` (SGD methods and whole-set NE methods are returned unchanged). */
export function withFitnessBatch(m: Method, rows: number): Method {
  if (m.kind !== 'ne' || m.batchSize === 'all' || m.batchSize === rows) return m;
  return { ...m, batchSize: rows };
}

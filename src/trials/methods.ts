/**
 * The methods the experiments compare, as plain data: a method name resolves to an optimizer (SGD/Adam)
 * or a neuroevolution algorithm with its mutation mode and fitness.
 */
import { InvalidArgumentError } from '../shared/errors.js';
import type {
  AlgorithmName,
  CmaesOptions,
  MutationOptions,
  OpenAiEsOptions,
  SearchAlgorithmName,
} from '../shared/algorithms/index.js';
import type { FitnessKind } from '../worker/engine/types.js';
import type { OptimizerSpec } from '../worker/sgd/optimizers.js';

export interface SgdMethod {
  readonly kind: 'sgd';
  readonly name: string;
  readonly optimizer: OptimizerSpec;
  readonly batchSize: number;
}

/**
 * What an NE method maximises (or, for 'ce', minimises): a fitness on a labelled batch (see FitnessKind), or
 * 'return', the mean episode return of the greedy policy in the dataset's env (neuroevolution on the task).
 */
export type NeFitness = FitnessKind | 'return';

export interface NeMethod {
  readonly kind: 'ne';
  readonly name: string;
  /** A population algorithm (GA/simple ES) or a search distribution (CMA-ES, OpenAI-ES). */
  readonly algorithm: AlgorithmName | SearchAlgorithmName;
  readonly populationSize: number;
  /** Mutation of the population algorithms; the search distributions take theirs from `search`. */
  readonly mutation: MutationOptions;
  readonly fitness: NeFitness;
  /** Episodes per agent and generation of 'return' fitness (default 3). */
  readonly episodes?: number;
  /** Settings of a search-distribution algorithm (CMA-ES: sigma, covariance, restarts; OpenAI-ES: sigma, lr, …). */
  readonly search?: SearchSettings;
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

/**
 * A DL→GA hybrid: an SGD/Adam phase of `dlSteps` steps, then a neuroevolution phase (the rest of the trial's
 * step budget, in generations) that starts from what SGD trained:
 * - 'warm': the population starts as copies of the trained network and evolves it on `ne.fitness`;
 * - 'feature': the trained network is frozen; its hidden features and output probabilities are the inputs of a
 *   small evolved head (`head`), started so that it reproduces the trained network's logits;
 * - 'smg': as 'warm', with safe mutations through gradients (Lehman et al. 2018, SM-G-ABS): each parameter's
 *   mutation σ is divided by the sensitivity of the network's output probabilities to it.
 */
export interface HybridMethod {
  readonly kind: 'hybrid';
  readonly name: string;
  readonly variant: 'warm' | 'feature' | 'smg';
  /** The DL phase's optimizer and batch size. */
  readonly dl: { readonly optimizer: OptimizerSpec; readonly batchSize: number };
  /** The neuroevolution phase: algorithm, population, σ, objective, batch (its `initPopulation` is ignored). */
  readonly ne: Omit<NeMethod, 'kind' | 'name' | 'initPopulation'>;
  /** The DL phase's share of the trial's budget, in (0, 1); planners turn it into `dlSteps`. */
  readonly dlShare: number;
  /** SGD steps of the DL phase; the trial's remaining steps are generations. 0 in the method tables (unplanned). */
  readonly dlSteps: number;
  /** 'feature': hidden layers of the evolved head ([] = a linear head over the features). */
  readonly head?: readonly number[];
  /**
   * The evolution phase's objective when it is not `ne.fitness` on the training rows: 'human_likeness' scores each
   * agent by how close its episode returns are to the human's on matched seeds (experiment 3 supplies the episodes).
   */
  readonly objective?: 'human_likeness';
  /** 'smg': recompute the sensitivities every this many generations, on this many rows of the generation's batch. */
  readonly smg?: { readonly refreshEvery: number; readonly rows: number; readonly maxScale: number };
}

export type Method = SgdMethod | NeMethod | HybridMethod;

/** The settings of CMA-ES and OpenAI-ES a method may fix (population size and direction come from the method). */
export type SearchSettings = Omit<CmaesOptions, 'populationSize' | 'direction'> &
  Omit<OpenAiEsOptions, 'populationSize' | 'direction'>;

/** Experiment 1: Adam on mini-batches of 64, and the tournament GA on the whole training set. */
export const EXP1_METHODS: Readonly<Record<string, SgdMethod | NeMethod>> = {
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

/**
 * Experiment 2's methods: the proposal's nine (SGD and {simple_ga, simple_es} × {fixed, adaptive σ} × {CE,
 * macro-F1}), then {cmaes, openai_es} × {CE, macro-F1}, which run only when named.
 */
export const EXP2_METHODS: Readonly<Record<string, Method>> = Object.fromEntries(
  [
    { kind: 'sgd', name: 'sgd', optimizer: { kind: 'sgd', lr: 1e-3 }, batchSize: 32 } as Method,
    ...(['ga', 'es'] as const).flatMap((a) =>
      (['fixed', 'adaptive'] as const).flatMap((s) => (['ce', 'f1'] as const).map((f) => neMethod(a, s, f))),
    ),
    ...(['cmaes', 'openai_es'] as const).flatMap((a) => (['ce', 'f1'] as const).map((f) => searchMethod(a, f))),
  ].map((m) => [m.name, m]),
);

function hybridMethod(variant: HybridMethod['variant'], fit: 'ce' | 'f1'): HybridMethod {
  return {
    kind: 'hybrid',
    name: `hybrid_${variant}_${fit}`,
    variant,
    dl: { optimizer: { kind: 'adam', lr: 1e-3 }, batchSize: 32 },
    ne: {
      algorithm: 'simple_ga',
      populationSize: 50,
      // SM-G's per-parameter σ lives in the adaptive mode's σ matrix, held still (sigmaNoise 0) between refreshes.
      mutation:
        variant === 'smg'
          ? { mode: 'adaptive_sigma', sigmaInit: 1e-3, sigmaNoise: 0 }
          : { mode: 'fixed_sigma', sigma: 1e-3, probability: 1 },
      fitness: fit === 'ce' ? 'ce' : 'macro_f1',
      batchSize: 32,
      trials: 10,
    },
    dlShare: 0.5,
    dlSteps: 0,
    ...(variant === 'feature' ? { head: [] } : {}),
    ...(variant === 'smg' ? { smg: { refreshEvery: 10, rows: 32, maxScale: 100 } } : {}),
  };
}

/**
 * The DL→GA hybrids (issue #13): {warm start, feature hybrid, SM-G} × {CE, macro-F1} objective. Not in any
 * experiment's default list; `run hybrid` compares them, and exp2 and sweeps run them by name.
 */
export const HYBRID_METHODS: Readonly<Record<string, HybridMethod>> = Object.fromEntries(
  (['warm', 'feature', 'smg'] as const).flatMap((v) =>
    (['ce', 'f1'] as const).map((f) => {
      const m = hybridMethod(v, f);
      return [m.name, m];
    }),
  ),
);

/**
 * Experiment 3's optional human-likeness method: Adam on the human's actions (CE), then a GA that maximises the
 * closeness of the model's return distribution to the human's (1 − KS statistic over matched training seeds).
 * Rollouts are dear, so the population is small, σ larger, and planners give it few generations.
 */
export const HUMANLIKE_METHOD: HybridMethod = {
  ...hybridMethod('warm', 'ce'),
  name: 'hybrid_warm_humanlike',
  ne: {
    algorithm: 'simple_ga',
    populationSize: 20,
    mutation: { mode: 'fixed_sigma', sigma: 1e-2, probability: 1 },
    fitness: 'ce',
    batchSize: 32,
    trials: 1,
  },
  objective: 'human_likeness',
};

/**
 * A hybrid with its budget split: the DL phase gets `dlShare` of `sgdSteps` and the evolution phase the rest of
 * `neGenerations`, so the trial's step budget is `dlSteps + generations`.
 */
export function splitHybridBudget(
  method: HybridMethod,
  dlShare: number,
  sgdSteps: number,
  neGenerations: number,
): { method: HybridMethod; steps: number } {
  if (!(dlShare > 0 && dlShare < 1)) {
    throw new InvalidArgumentError(`--dl-share must be a number in (0, 1), e.g. 0.5; got ${dlShare}`);
  }
  const dlSteps = Math.max(1, Math.round(dlShare * sgdSteps));
  const generations = Math.max(1, Math.round((1 - dlShare) * neGenerations));
  return { method: { ...method, dlShare, dlSteps }, steps: dlSteps + generations };
}

/** The proposal's nine methods: `run exp2` runs these unless told `--methods`. */
export const EXP2_PROPOSAL_METHODS: readonly string[] = Object.values(EXP2_METHODS)
  .filter((m) => m.kind === 'sgd' || (m.kind === 'ne' && (m.algorithm === 'simple_ga' || m.algorithm === 'simple_es')))
  .map((m) => m.name);

/**
 * CMA-ES and OpenAI-ES on exp2's network, batch and population (50 candidates a generation, as the nine), on
 * CE or sampled macro-F1. CMA-ES starts at σ₀ = 0.05 around the initial network and, above 200 parameters
 * (every exp2 network), adapts a diagonal covariance (sep-CMA-ES); OpenAI-ES uses the paper's σ = 0.02,
 * Adam step 0.01 and L2 0.005.
 */
function searchMethod(algo: SearchAlgorithmName, fit: 'ce' | 'f1'): NeMethod {
  return {
    kind: 'ne',
    name: `${algo}_${fit}`,
    algorithm: algo,
    populationSize: 50,
    mutation: { mode: 'fixed_sigma', sigma: algo === 'cmaes' ? 0.05 : 0.02, probability: 1 },
    fitness: fit === 'ce' ? 'ce' : 'macro_f1',
    batchSize: 32,
    trials: 10,
    initPopulation: 'copies',
    search:
      algo === 'cmaes'
        ? { sigma: 0.05, covariance: 'auto', restarts: 0 }
        : { sigma: 0.02, learningRate: 0.01, weightDecay: 0.005 },
  };
}

/** The fitness names of `--fitness`, and what each becomes in a method. */
export const FITNESS_CHOICES = {
  ce: 'ce',
  f1: 'macro_f1',
  f1_exact: 'macro_f1_exact',
  accuracy: 'accuracy',
  return: 'return',
} as const satisfies Record<string, NeFitness>;
export type FitnessChoice = keyof typeof FITNESS_CHOICES;

/**
 * `method` with its NE fitness replaced (and, for sampled F1, its number of trials; for 'return', its
 * episodes per agent): the name's fitness suffix (_ce, _f1) is replaced too, e.g. cmaes_ce → cmaes_f1_exact,
 * ga_fixed_f1 with 20 trials → ga_fixed_f1_t20. SGD methods are returned as they are.
 */
export function withFitness(
  method: Method,
  fitness: FitnessChoice | undefined,
  trials: number | undefined,
  episodes?: number,
): Method {
  if (method.kind !== 'ne' || (fitness === undefined && trials === undefined && episodes === undefined)) return method;
  const choice =
    fitness ?? (Object.keys(FITNESS_CHOICES) as FitnessChoice[]).find((c) => FITNESS_CHOICES[c] === method.fitness);
  if (choice === undefined) return method;
  const kind = FITNESS_CHOICES[choice];
  const base = method.name.replace(/_(ce|f1|f1_exact|accuracy|return)(_t\d+|_e\d+)?$/, '');
  const t = trials ?? method.trials;
  const e = episodes ?? method.episodes ?? 3;
  const suffix = kind === 'macro_f1' && t !== 10 ? `_t${t}` : kind === 'return' && e !== 3 ? `_e${e}` : '';
  return {
    ...method,
    name: `${base}_${choice}${suffix}`,
    fitness: kind,
    trials: t,
    ...(kind === 'return' ? { episodes: e } : {}),
  };
}

/** Looks up methods by name, with an error listing the valid ones. */
export function resolveMethods<M extends Method>(table: Readonly<Record<string, M>>, names: readonly string[]): M[] {
  return names.map((n) => {
    const m = Object.prototype.hasOwnProperty.call(table, n) ? table[n] : undefined;
    if (!m) throw new InvalidArgumentError(`unknown method '${n}'; choose from ${Object.keys(table).join(', ')}`);
    return m;
  });
}

/** True for methods whose objective is cross-entropy (the proposal's CE plot shows only these). */
export function optimisesCrossEntropy(m: Method): boolean {
  if (m.kind === 'hybrid') return m.ne.fitness === 'ce';
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

/**
 * `m` with its fitness batch set to `rows`: an NE method's batch, or a hybrid's evolution-phase batch (SGD methods,
 * a hybrid's DL phase and whole-set NE methods are left as they are; an unchanged method is returned as itself).
 */
export function withFitnessBatch<M extends Method>(m: M, rows: number): M {
  if (m.kind === 'hybrid') {
    if (m.ne.batchSize === 'all' || m.ne.batchSize === rows) return m;
    return { ...m, ne: { ...m.ne, batchSize: rows } };
  }
  if (m.kind !== 'ne' || m.batchSize === 'all' || m.batchSize === rows) return m;
  return { ...m, batchSize: rows };
}

/** Rows that score an agent per generation: an NE method's batch or a hybrid's evolution phase's; none for SGD. */
export function fitnessBatchOf(m: Method): number | 'all' | undefined {
  if (m.kind === 'hybrid') return m.ne.batchSize;
  return m.kind === 'ne' ? m.batchSize : undefined;
}

/** A fitness-batch choice in a report's words, next to an SGD batch of `sgdBatch` rows. */
export function fitnessBatchWords(choice: FitnessBatch, sgdBatch: number): string {
  if (choice === 'text') return `${sgdBatch} rows per generation ('text': the SGD batch, as the proposal's text says)`;
  if (choice === 'code') {
    return (
      `min(${sgdBatch * CODE_FITNESS_BATCHES}, training rows) per generation ('code': ` +
      "as the proposal's code ran it, old/2_dl_vs_ga_es/main.py)"
    );
  }
  return `${choice} rows per generation (capped at the training rows)`;
}

/** `--fitness-batch text|code|<rows>` (and the config key), checked: the error says what the flag accepts. */
export function parseFitnessBatch(raw: string, name = '--fitness-batch'): FitnessBatch {
  const v = raw.trim();
  if (v === 'text' || v === 'code') return v;
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!(Number.isSafeInteger(n) && n >= 1 && n <= 2 ** 31 - 1)) {
    throw new InvalidArgumentError(
      `${name} must be 'text' (the SGD batch, 32), 'code' (min(3200, training rows), the proposal's code) or a ` +
        `whole number of rows from 1 to ${2 ** 31 - 1}, got '${raw}'`,
    );
  }
  return n;
}

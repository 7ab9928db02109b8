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

export type Method = SgdMethod | NeMethod;

/** The settings of CMA-ES and OpenAI-ES a method may fix (population size and direction come from the method). */
export type SearchSettings = Omit<CmaesOptions, 'populationSize' | 'direction'> &
  Omit<OpenAiEsOptions, 'populationSize' | 'direction'>;

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

/** The proposal's nine methods: `run exp2` runs these unless told `--methods`. */
export const EXP2_PROPOSAL_METHODS: readonly string[] = Object.values(EXP2_METHODS)
  .filter((m) => m.kind === 'sgd' || m.algorithm === 'simple_ga' || m.algorithm === 'simple_es')
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

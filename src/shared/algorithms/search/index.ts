/**
 * Search-distribution algorithms (CMA-ES, OpenAI-ES) by name, and a small driver that holds one run's
 * state for code that does not care which algorithm it is (a trial's generation loop, a checkpoint).
 */
import { InvalidArgumentError } from '../../errors.js';
import { cmaes } from './cmaes.js';
import { openaiEs } from './openai_es.js';
import type {
  CmaesOptions,
  CmaesSnapshot,
  CmaesState,
  OpenAiEsOptions,
  OpenAiEsSnapshot,
  OpenAiEsState,
  SearchAlgorithmName,
} from './types.js';

export type * from './types.js';
export { cmaes } from './cmaes.js';
export { openaiEs, centeredRanks, resolveOpenAiEsConfig, OPENAI_ES_DEFAULTS } from './openai_es.js';
export { cmaesParameters, defaultLambda, resolveCmaesConfig, CMAES_DEFAULTS, DIAGONAL_ABOVE } from './cmaes_params.js';

export type SearchSnapshot = CmaesSnapshot | OpenAiEsSnapshot;
export type SearchOptions = CmaesOptions | OpenAiEsOptions;

/** Every search-distribution algorithm, keyed by the name run specs and checkpoints use. */
export const searchAlgorithms = { cmaes, openai_es: openaiEs } as const;

/** True for the names of search-distribution algorithms (as opposed to the population GAs/ES). */
export function isSearchAlgorithm(name: string): name is SearchAlgorithmName {
  return name === 'cmaes' || name === 'openai_es';
}

/** One run of a search-distribution algorithm, holding its state between generations. */
export interface SearchDriver {
  readonly name: SearchAlgorithmName;
  /** Generations told so far. */
  generation(): number;
  /** This generation's candidates (populationSize() × n); valid until `tell`. */
  ask(): Float32Array;
  tell(fitness: ArrayLike<number>): void;
  populationSize(): number;
  /** The recommended point (the distribution's centre). */
  center(): Float32Array;
  /** Best fitness of the last generation (caller's units). */
  bestFitness(): number;
  snapshot(): SearchSnapshot;
}

function drive<O, S extends { generation: number; bestFitness: number }, Snap extends SearchSnapshot>(
  algo: { name: SearchAlgorithmName } & {
    ask(s: S): Float32Array;
    tell(s: S, f: ArrayLike<number>): S;
    populationSize(s: S): number;
    center(s: S): Float32Array;
    snapshot(s: S): Snap;
  } & { init(c: Float32Array, o: O | undefined, seed: number): S },
  initial: S,
): SearchDriver {
  let state = initial;
  return {
    name: algo.name,
    generation: () => state.generation,
    ask: () => algo.ask(state),
    tell: (f) => {
      state = algo.tell(state, f);
    },
    populationSize: () => algo.populationSize(state),
    center: () => algo.center(state),
    bestFitness: () => state.bestFitness,
    snapshot: () => algo.snapshot(state),
  };
}

/** Starts a run of `name` centred on `center`. */
export function startSearch(
  name: SearchAlgorithmName,
  center: Float32Array,
  options: SearchOptions,
  seed: number,
): SearchDriver {
  if (name === 'cmaes') return drive(cmaes, cmaes.init(center, options as CmaesOptions, seed));
  if (name === 'openai_es') return drive(openaiEs, openaiEs.init(center, options as OpenAiEsOptions, seed));
  throw new InvalidArgumentError(`unknown search algorithm '${String(name)}'; expected cmaes or openai_es`);
}

/** Resumes a run from a snapshot (a checkpoint), validating it. */
export function resumeSearch(snapshot: SearchSnapshot): SearchDriver {
  const algorithm = (snapshot as { config?: { algorithm?: unknown } } | null)?.config?.algorithm;
  if (algorithm === 'cmaes') return drive(cmaes, cmaes.restore(snapshot as CmaesSnapshot) as CmaesState);
  if (algorithm === 'openai_es')
    return drive(openaiEs, openaiEs.restore(snapshot as OpenAiEsSnapshot) as OpenAiEsState);
  throw new InvalidArgumentError(`search snapshot names algorithm '${String(algorithm)}'; expected cmaes or openai_es`);
}

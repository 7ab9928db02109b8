/**
 * Search-distribution algorithms (CMA-ES, OpenAI-ES): one centre and a distribution around it, not a
 * population of individuals. They keep the house `init → ask → tell` contract over flat Float32Arrays,
 * with their own state types because what they carry (a covariance matrix, Adam moments) is not rows of agents.
 */
import type { FitnessDirection } from '../types.js';

/** Names of the search-distribution algorithms, as run specs and checkpoints spell them. */
export type SearchAlgorithmName = 'cmaes' | 'openai_es';

/** Which covariance CMA-ES adapts: a full n×n matrix, or only its diagonal (sep-CMA-ES). */
export type CovarianceMode = 'full' | 'diagonal';

/** CMA-ES settings a caller may give; anything left out takes Hansen's default (see cmaes_params.ts). */
export interface CmaesOptions {
  /** λ, candidates per generation (default 4 + ⌊3 ln n⌋). */
  readonly populationSize?: number;
  /** σ₀, the initial step size (default 0.1). */
  readonly sigma?: number;
  /** 'auto' (default): full up to `DIAGONAL_ABOVE` parameters, diagonal above. */
  readonly covariance?: CovarianceMode | 'auto';
  /** IPOP restarts allowed after the first run stops (default 0: no restarts). */
  readonly restarts?: number;
  /** λ's growth factor per restart (default 2, Auger & Hansen 2005). */
  readonly popsizeFactor?: number;
  /** Stop (or restart) when σ·√(largest eigenvalue of C) falls below this (default 1e-11, as purecma). */
  readonly tolX?: number;
  /** Stop (or restart) when one generation's costs span less than this (default 1e-12, as purecma). */
  readonly tolFun?: number;
  readonly direction?: FitnessDirection;
}

/** CMA-ES settings with every default filled in. */
export interface CmaesConfig {
  readonly algorithm: 'cmaes';
  /** λ of the first run (restart r uses λ·popsizeFactor^r). */
  readonly populationSize: number;
  readonly sigma: number;
  readonly covariance: CovarianceMode;
  readonly restarts: number;
  readonly popsizeFactor: number;
  readonly tolX: number;
  readonly tolFun: number;
  readonly direction: FitnessDirection;
}

/** OpenAI-ES settings a caller may give (defaults: Salimans et al. 2017 and their released code). */
export interface OpenAiEsOptions {
  /** Candidates per generation, an even number: P/2 mirrored pairs θ ± σε (default 50). */
  readonly populationSize?: number;
  /** σ, the perturbation scale (default 0.02). */
  readonly sigma?: number;
  /** Adam's step size (default 0.01). */
  readonly learningRate?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  /** L2 coefficient added to the gradient, λ·θ (default 0.005, the paper's code). */
  readonly weightDecay?: number;
  readonly direction?: FitnessDirection;
}

/** OpenAI-ES settings with every default filled in. */
export interface OpenAiEsConfig {
  readonly algorithm: 'openai_es';
  readonly populationSize: number;
  readonly sigma: number;
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  readonly direction: FitnessDirection;
}

/**
 * CMA-ES between two generations: plain numbers and typed arrays (float64 for everything the update
 * equations touch), so a checkpoint restores it bit for bit.
 */
export interface CmaesSnapshot {
  readonly config: CmaesConfig;
  readonly seed: number;
  /** Generations so far over all restarts: keys the sampling noise, so no two generations share draws. */
  readonly generation: number;
  readonly numParams: number;
  /** Which run this is (0 = the first; IPOP restarts count up). */
  readonly restart: number;
  /** λ of the current run. */
  readonly lambda: number;
  /** The starting point every restart returns to. */
  readonly x0: Float64Array;
  readonly mean: Float64Array;
  readonly sigma: number;
  /** n×n row-major (full) or the n diagonal entries (diagonal). */
  readonly C: Float64Array;
  /** Eigenvectors of C as columns, n×n row-major (full); empty for diagonal. */
  readonly B: Float64Array;
  /** √eigenvalues of C (full) or √diag(C) (diagonal). */
  readonly D: Float64Array;
  readonly pc: Float64Array;
  readonly ps: Float64Array;
  /** Evaluations in the current run (purecma's `counteval`; drives hσ and the lazy eigendecomposition). */
  readonly countEval: number;
  /** `countEval` when B and D were last computed. */
  readonly eigenEval: number;
  /** Evaluations over all runs. */
  readonly evaluations: number;
  /** Best fitness (caller's units) of the last generation; NaN before the first `tell`. */
  readonly bestFitness: number;
  /** Why the last run stopped when no restart was left ('' while running): then the distribution stays put. */
  readonly stopped: string;
}

/** A live CMA-ES state: the snapshot plus this generation's candidates once `ask` has drawn them. */
export interface CmaesState extends CmaesSnapshot {
  readonly scratch: { population: Float32Array | null };
}

/** OpenAI-ES between two generations. */
export interface OpenAiEsSnapshot {
  readonly config: OpenAiEsConfig;
  readonly seed: number;
  readonly generation: number;
  readonly numParams: number;
  /** The centre θ (float64: Adam's small steps would round away in float32). */
  readonly theta: Float64Array;
  /** Adam's first and second moments, and its step count. */
  readonly m: Float64Array;
  readonly v: Float64Array;
  readonly t: number;
  readonly bestFitness: number;
}

export interface OpenAiEsState extends OpenAiEsSnapshot {
  readonly scratch: { population: Float32Array | null };
}

/** One search-distribution algorithm behind the common ask/tell interface. */
export interface SearchAlgorithm<Options, State, Snapshot> {
  readonly name: SearchAlgorithmName;
  /** Starts a search centred on `center`. */
  init(center: Float32Array, options: Options | undefined, seed: number): State;
  /** Candidates this generation evaluates (populationSize(state) × n, row-major); read-only, valid until `tell`. */
  ask(state: State): Float32Array;
  /** Updates the distribution from one fitness per candidate of `ask`; returns the next generation's state. */
  tell(state: State, fitness: ArrayLike<number>): State;
  /** Candidates per generation now (CMA-ES's grows with IPOP restarts). */
  populationSize(state: State): number;
  /** The point the search recommends: the distribution's centre, as float32. */
  center(state: State): Float32Array;
  /** The state without working buffers, for a checkpoint (shares the state's arrays: encode it right away). */
  snapshot(state: State): Snapshot;
  /** Rebuilds a live state from a snapshot, validating every field. */
  restore(snapshot: Snapshot): State;
}

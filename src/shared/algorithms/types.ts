/**
 * Types shared by the neuroevolution algorithms: their configurations and the population state that
 * `init → ask → tell` threads through a run.
 */

/** Names of the algorithms, as run specs and checkpoints spell them. */
export type AlgorithmName = 'tournament_ga' | 'simple_ga' | 'simple_es';

/** Which way fitness points: the algorithms maximise unless told `minimize` (e.g. for a raw cross-entropy). */
export type FitnessDirection = 'maximize' | 'minimize';

/**
 * Fixed Gaussian mutation: each parameter, with probability `probability`, gets θᵢ += εᵢ, εᵢ ~ N(0, sigma²).
 * The proposal's `fixed_sigma` mode is `{ sigma: 1e-3, probability: 1 }`.
 */
export interface FixedSigmaMutation {
  readonly mode: 'fixed_sigma';
  /** Standard deviation of the noise added to a parameter. */
  readonly sigma: number;
  /** Chance that a given parameter of a given agent is perturbed in a generation, in [0, 1]. */
  readonly probability: number;
}

/**
 * Self-adaptive Gaussian mutation, the proposal's `adaptive_sigma` mode: every agent carries one σᵢ per
 * parameter, starting at `sigmaInit`; each generation σᵢ ×= (1 + ξᵢ), ξᵢ ~ N(0, sigmaNoise²), then
 * θᵢ += εᵢ, εᵢ ~ N(0, σᵢ²). σ travels with its agent through selection.
 */
export interface AdaptiveSigmaMutation {
  readonly mode: 'adaptive_sigma';
  /** Every σᵢ's value at generation 0 (the proposal: 1e-3). */
  readonly sigmaInit: number;
  /** Standard deviation of ξ, the relative change of σ per generation (the proposal: 1e-2). */
  readonly sigmaNoise: number;
}

export type MutationConfig = FixedSigmaMutation | AdaptiveSigmaMutation;

/** What every algorithm's configuration holds. */
export interface CommonConfig {
  /** Number of agents P (rows of the population matrix). */
  readonly populationSize: number;
  readonly mutation: MutationConfig;
  readonly direction: FitnessDirection;
}

/** Experiment 1's GA: tournament selection with elitism and Gaussian mutation. */
export interface TournamentGaConfig extends CommonConfig {
  /** Competitors drawn (uniformly, with replacement) per tournament; the fittest wins. */
  readonly tournamentSize: number;
  /** Best agents copied unchanged into the next generation and exempt from its mutation. */
  readonly eliteCount: number;
}

/** `simple_ga`: the top half of the population is duplicated over the bottom half. */
export type SimpleGaConfig = CommonConfig;

/** `simple_es`: a softmax-weighted sum of the population becomes every agent. */
export type SimpleEsConfig = CommonConfig;

/** The resolved configuration an algorithm runs with, tagged by algorithm. */
export type AlgorithmConfig =
  | ({ readonly algorithm: 'tournament_ga' } & TournamentGaConfig)
  | ({ readonly algorithm: 'simple_ga' } & SimpleGaConfig)
  | ({ readonly algorithm: 'simple_es' } & SimpleEsConfig);

/** A caller's mutation settings: the mode, plus whichever of its numbers differ from the defaults. */
export type MutationOptions =
  | ({ readonly mode: 'fixed_sigma' } & Partial<Omit<FixedSigmaMutation, 'mode'>>)
  | ({ readonly mode: 'adaptive_sigma' } & Partial<Omit<AdaptiveSigmaMutation, 'mode'>>);

/** Options accepted by `init`: anything left out takes the algorithm's default. */
export interface CommonOptions {
  readonly populationSize?: number;
  readonly mutation?: MutationOptions;
  readonly direction?: FitnessDirection;
}

export interface TournamentGaOptions extends CommonOptions {
  readonly tournamentSize?: number;
  readonly eliteCount?: number;
}

export type SimpleGaOptions = CommonOptions;
export type SimpleEsOptions = CommonOptions;

/**
 * Working buffers kept beside a state so that a generation allocates nothing. They never change what
 * `ask` or `tell` compute: a state without them (fresh from `restoreState`) gives the same results.
 */
export interface Scratch {
  /** This generation's varied agents (P×n); row i is valid where `varied[i]` is 1. */
  readonly population: Float32Array;
  /** Their varied σ (P×n, adaptive mode only; empty otherwise). */
  readonly populationSigma: Float32Array;
  /** 1 for each row of `population` already computed this generation (by `ask`, `askRows` or `tell`). */
  readonly varied: Uint8Array;
  /**
   * The generation these buffers belong to now (one cell, shared with copies on other threads): once
   * `tell` moves them on, older states and their copies no longer match it and are refused.
   */
  readonly epoch: Float64Array;
  /** Per-row noise buffers (length n). */
  readonly noise: Float32Array;
  readonly noise2: Float32Array;
}

/**
 * A population between two generations. Plain numbers and typed arrays (plus `scratch`, which
 * `snapshotState` leaves out), so it checkpoints and crosses threads as it is.
 *
 * Everything the next generation does follows from these fields: `ask` varies `params`/`sigma` with noise
 * keyed by (seed, purpose, generation, agent), and `tell` applies selection from the fitness values alone.
 */
export interface EvolutionState {
  readonly config: AlgorithmConfig;
  /** The run seed every random draw is keyed by. */
  readonly seed: number;
  /** The generation the next `ask`/`tell` belongs to; 0 after `init`, +1 per `tell`. */
  readonly generation: number;
  readonly populationSize: number;
  /** Parameters per agent, n. */
  readonly numParams: number;
  /** Agents after the previous selection, before this generation's variation: P×n, row-major. */
  readonly params: Float32Array;
  /** Per-parameter σ of each agent (P×n) in adaptive mode; empty in fixed mode. */
  readonly sigma: Float32Array;
  /** Rows [0, protectedRows) are elites the next variation leaves unchanged (tournament GA only). */
  readonly protectedRows: number;
  /** Row of `params` holding the agent the algorithm currently recommends (see `bestParams`). */
  readonly bestIndex: number;
  /** Highest fitness seen in the last evaluated generation (in the caller's units); NaN before the first `tell`. */
  readonly bestFitness: number;
  readonly scratch: Scratch;
}

/** An `EvolutionState` without its working buffers: what a checkpoint stores. */
export type EvolutionSnapshot = Omit<EvolutionState, 'scratch'>;

/** One algorithm behind the common ask/tell interface. */
export interface Algorithm<Options> {
  readonly name: AlgorithmName;
  /** Starts a run from one agent (copied to every row) or one Float32Array per agent. */
  init(params: Float32Array | readonly Float32Array[], options: Options | undefined, seed: number): EvolutionState;
  /** The varied population of `state.generation`, P×n row-major; read-only, valid until `tell`. */
  ask(state: EvolutionState): Float32Array;
  /** Rows [start, end) of what `ask` returns, each computed alone from (state, row); a view unless `out` is given. */
  askRows(state: EvolutionState, start: number, end: number, out?: Float32Array): Float32Array;
  /** Applies selection given one fitness per agent; consumes `state` and returns the next generation's. */
  tell(state: EvolutionState, fitness: ArrayLike<number>): EvolutionState;
}

/**
 * Building, copying and checkpointing population states.
 */
import { InvalidArgumentError } from '../errors.js';
import { resolveConfig } from './config.js';
import { assertLive } from './variation.js';
import type { AlgorithmConfig, EvolutionSnapshot, EvolutionState, Scratch } from './types.js';

/** Seeds are the run seeds CounterRng accepts: integers in [0, 2^53). */
function checkSeed(seed: number): number {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new InvalidArgumentError(
      `seed must be a non-negative integer up to 2^53-1 (got ${String(seed)}); pass e.g. 42`,
    );
  }
  return seed;
}

function newScratch(config: AlgorithmConfig, P: number, n: number, generation: number): Scratch {
  const adaptive = config.mutation.mode === 'adaptive_sigma';
  return {
    population: new Float32Array(P * n),
    populationSigma: new Float32Array(adaptive ? P * n : 0),
    varied: new Uint8Array(P),
    epoch: Float64Array.of(generation),
    noise: new Float32Array(n),
    noise2: new Float32Array(n),
  };
}

/**
 * Generation 0 of a run: `params` is one agent (copied to every row) or one Float32Array per agent (e.g.
 * independently initialised networks); σ starts at `sigmaInit` in adaptive mode.
 */
export function createState(
  config: AlgorithmConfig,
  params: Float32Array | readonly Float32Array[],
  seed: number,
): EvolutionState {
  checkSeed(seed);
  const P = config.populationSize;
  const agents = params instanceof Float32Array ? [params] : params;
  if (!Array.isArray(agents) || (agents.length !== 1 && agents.length !== P)) {
    throw new InvalidArgumentError(
      `init: params must be one Float32Array (copied to all ${P} agents) or an array of ${P} Float32Arrays`,
    );
  }
  const n = agents[0] instanceof Float32Array ? agents[0].length : 0;
  const population = new Float32Array(P * n);
  for (let a = 0; a < agents.length; a++) {
    const agent = agents[a];
    if (!(agent instanceof Float32Array) || agent.length !== n || n === 0) {
      throw new InvalidArgumentError(
        `init: agent ${a} must be a non-empty Float32Array of the same length as agent 0 (${n})`,
      );
    }
    for (let j = 0; j < n; j++) {
      if (!Number.isFinite(agent[j])) {
        throw new InvalidArgumentError(
          `init: agent ${a} parameter ${j} is ${agent[j]}; initial parameters must be finite`,
        );
      }
    }
    population.set(agent, a * n);
  }
  for (let a = agents.length; a < P; a++) population.set(agents[0], a * n);
  const sigma = new Float32Array(config.mutation.mode === 'adaptive_sigma' ? P * n : 0);
  if (config.mutation.mode === 'adaptive_sigma') sigma.fill(config.mutation.sigmaInit);
  return {
    config,
    seed,
    generation: 0,
    populationSize: P,
    numParams: n,
    params: population,
    sigma,
    protectedRows: 0,
    bestIndex: 0,
    bestFitness: NaN,
    scratch: newScratch(config, P, n, 0),
  };
}

/**
 * The state after selection: `params`/`sigma` now hold the selected agents. Retires `previous`, whose
 * buffers the new state takes over (so a generation allocates no P×n arrays).
 */
export function successorState(
  previous: EvolutionState,
  params: Float32Array,
  sigma: Float32Array,
  population: Float32Array,
  populationSigma: Float32Array,
  fields: { protectedRows: number; bestIndex: number; bestFitness: number },
): EvolutionState {
  const old = previous.scratch;
  old.epoch[0] = previous.generation + 1;
  return {
    config: previous.config,
    seed: previous.seed,
    generation: previous.generation + 1,
    populationSize: previous.populationSize,
    numParams: previous.numParams,
    params,
    sigma,
    protectedRows: fields.protectedRows,
    bestIndex: fields.bestIndex,
    bestFitness: fields.bestFitness,
    scratch: {
      population,
      populationSigma,
      varied: old.varied.fill(0),
      epoch: old.epoch,
      noise: old.noise,
      noise2: old.noise2,
    },
  };
}

/** The state's data without working buffers, sharing its arrays: encode it (msgpackr, structuredClone) right away. */
export function snapshotState(state: EvolutionState): EvolutionSnapshot {
  assertLive(state);
  return {
    config: state.config,
    seed: state.seed,
    generation: state.generation,
    populationSize: state.populationSize,
    numParams: state.numParams,
    params: state.params,
    sigma: state.sigma,
    protectedRows: state.protectedRows,
    bestIndex: state.bestIndex,
    bestFitness: state.bestFitness,
  };
}

function checkIndex(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`state: ${field} must be an integer in [${min}, ${max}] (got ${String(value)})`);
  }
  return value;
}

function toFloat32(field: string, value: unknown, length: number): Float32Array {
  const ok =
    value instanceof Float32Array ||
    value instanceof Float64Array ||
    (Array.isArray(value) && value.every((v) => typeof v === 'number'));
  if (!ok || (value as ArrayLike<number>).length !== length) {
    throw new InvalidArgumentError(
      `state: ${field} must be ${length} numbers (a Float32Array); the snapshot is damaged or from another run`,
    );
  }
  return Float32Array.from(value as ArrayLike<number>);
}

/** Rebuilds a live state from a snapshot (a checkpoint, or one received once by a worker), validating every field. */
export function restoreState(snapshot: EvolutionSnapshot): EvolutionState {
  if (snapshot === null || typeof snapshot !== 'object') {
    throw new InvalidArgumentError('state: expected a snapshot object as snapshotState() makes');
  }
  const config = resolveConfig(snapshot.config);
  const P = config.populationSize;
  if (snapshot.populationSize !== P) {
    throw new InvalidArgumentError(
      `state: populationSize ${String(snapshot.populationSize)} disagrees with config (${P})`,
    );
  }
  const n = checkIndex('numParams', snapshot.numParams, 1, Math.floor(2 ** 31 / P));
  const sigmaLength = config.mutation.mode === 'adaptive_sigma' ? P * n : 0;
  const bestFitness = snapshot.bestFitness;
  if (typeof bestFitness !== 'number')
    throw new InvalidArgumentError('state: bestFitness must be a number (NaN before the first tell)');
  const generation = checkIndex('generation', snapshot.generation, 0, 0xffffffff);
  return {
    config,
    seed: checkSeed(snapshot.seed),
    generation,
    populationSize: P,
    numParams: n,
    params: toFloat32('params', snapshot.params, P * n),
    sigma: toFloat32('sigma', snapshot.sigma, sigmaLength),
    protectedRows: checkIndex('protectedRows', snapshot.protectedRows, 0, P),
    bestIndex: checkIndex('bestIndex', snapshot.bestIndex, -1, P - 1),
    bestFitness,
    scratch: newScratch(config, P, n, generation),
  };
}

/** An independent copy of a live state (own buffers), e.g. to keep a generation after handing the original to `tell`. */
export function cloneState(state: EvolutionState): EvolutionState {
  return restoreState(snapshotState(state));
}

function sharedFloat32(source: Float32Array): Float32Array {
  const copy = new Float32Array(new SharedArrayBuffer(source.byteLength));
  copy.set(source);
  return copy;
}

/**
 * A copy of a live state whose arrays live in SharedArrayBuffers (its successors keep them). Posted to
 * worker threads (structured clone shares such memory), it lets each thread `askRows` its shard straight
 * into rows this thread's `tell` then reuses instead of regenerating: noise generation, the bulk of a
 * generation's cost outside evaluation, splits across threads. Post the new state after every `tell`.
 */
export function shareState(state: EvolutionState): EvolutionState {
  assertLive(state);
  if (typeof SharedArrayBuffer === 'undefined') {
    throw new InvalidArgumentError(
      'shareState needs SharedArrayBuffer (browsers enable it only on cross-origin-isolated pages); use cloneState instead',
    );
  }
  const { scratch } = state;
  const varied = new Uint8Array(new SharedArrayBuffer(scratch.varied.byteLength));
  varied.set(scratch.varied);
  return {
    ...snapshotState(state),
    params: sharedFloat32(state.params),
    sigma: sharedFloat32(state.sigma),
    scratch: {
      population: sharedFloat32(scratch.population),
      populationSigma: sharedFloat32(scratch.populationSigma),
      varied,
      epoch: new Float64Array(new SharedArrayBuffer(8)).fill(state.generation),
      noise: new Float32Array(state.numParams),
      noise2: new Float32Array(state.numParams),
    },
  };
}

/**
 * The agent the algorithm recommends now: for the GAs the best-evaluated agent of the last generation (the
 * elite, for `tournament_ga`), for `simple_es` the weighted-sum agent every row now holds. Before the first
 * `tell`, row 0. A copy.
 */
export function bestParams(state: EvolutionState): Float32Array {
  assertLive(state);
  if (state.bestIndex < 0) {
    throw new InvalidArgumentError(
      'bestParams: the last selection dropped the best agent (tournament_ga with eliteCount 0); use eliteCount ≥ 1 to keep it',
    );
  }
  const n = state.numParams;
  return state.params.slice(state.bestIndex * n, (state.bestIndex + 1) * n);
}

/** Row `agent` of a P×n matrix, as a view. */
export function agentRow(population: Float32Array, numParams: number, agent: number): Float32Array {
  return population.subarray(agent * numParams, (agent + 1) * numParams);
}

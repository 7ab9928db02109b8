/**
 * Variation, the first stage of a generation: every agent (but protected elites) is perturbed with noise
 * keyed by (run seed, purpose, generation, agent), so any row of any generation can be rebuilt anywhere
 * from the state alone. This is what lets a worker evaluate a shard, and later apply selection, with only
 * the generation index, its row range and fitness values crossing the network.
 */
import { InvalidArgumentError } from '../errors.js';
import { CounterRng, RngPurpose } from '../rng/philox.js';
import { SIGMA_MAX, SIGMA_MIN } from './config.js';
import type { EvolutionState } from './types.js';

/** Throws if `state` (or the state it was copied from) was consumed by `tell`, whose result now owns its buffers. */
export function assertLive(state: EvolutionState): void {
  if (state.scratch.epoch[0] !== state.generation) {
    throw new InvalidArgumentError(
      `this population state (generation ${state.generation}) was already passed to tell(); use the state tell() returned (post it again to worker threads), or cloneState() before tell()`,
    );
  }
}

/**
 * Writes agent `agent`'s varied parameters for `state.generation` at `dst[dstOffset…]` and, in adaptive
 * mode, its varied σ at `dstSigma[sigmaOffset…]`.
 */
export function varyRow(
  state: EvolutionState,
  agent: number,
  dst: Float32Array,
  dstOffset: number,
  dstSigma: Float32Array,
  sigmaOffset: number,
): void {
  const n = state.numParams;
  const src = agent * n;
  const params = state.params;
  const sigma = state.sigma;
  const mutation = state.config.mutation;
  if (agent < state.protectedRows) {
    dst.set(params.subarray(src, src + n), dstOffset);
    if (mutation.mode === 'adaptive_sigma') dstSigma.set(sigma.subarray(src, src + n), sigmaOffset);
    return;
  }
  const z = state.scratch.noise;
  const rng = CounterRng.from(state.seed, RngPurpose.mutation, state.generation, agent);
  rng.fillNormal(z, 0, 1);
  if (mutation.mode === 'fixed_sigma') {
    const s = mutation.sigma;
    if (mutation.probability >= 1) {
      for (let j = 0; j < n; j++) dst[dstOffset + j] = params[src + j] + s * z[j];
    } else {
      // The mask comes from the same stream, after the normals, so the keying stays one stream per agent.
      const u = state.scratch.noise2;
      rng.fillUniform(u, 0, 1);
      const p = mutation.probability;
      for (let j = 0; j < n; j++) dst[dstOffset + j] = u[j] < p ? params[src + j] + s * z[j] : params[src + j];
    }
    return;
  }
  const xi = state.scratch.noise2;
  CounterRng.from(state.seed, RngPurpose.sigma, state.generation, agent).fillNormal(xi, 0, 1);
  const k = mutation.sigmaNoise;
  for (let j = 0; j < n; j++) {
    // σ's sign does not matter to N(0, σ²), so a factor 1 + ξ ≤ 0 (ξ beyond -1/sigmaNoise: 100 standard
    // deviations with the proposal's 1e-2, i.e. never) is reflected rather than left to flip σ negative.
    let s = Math.fround(Math.abs(sigma[src + j] * (1 + k * xi[j])));
    if (s < SIGMA_MIN) s = SIGMA_MIN;
    else if (s > SIGMA_MAX) s = SIGMA_MAX;
    dstSigma[sigmaOffset + j] = s;
    // θ moves by the σ just stored (after float32 rounding), so a checkpoint's σ is exactly the one used.
    dst[dstOffset + j] = params[src + j] + s * z[j];
  }
}

/** Computes the rows of [start, end) not yet varied this generation into the state's population buffer. */
function fillRows(state: EvolutionState, start: number, end: number): void {
  const { population, populationSigma, varied } = state.scratch;
  const n = state.numParams;
  for (let i = start; i < end; i++) {
    if (varied[i] === 0) {
      varyRow(state, i, population, i * n, populationSigma, i * n);
      varied[i] = 1;
    }
  }
}

/** Varied population of `state.generation`, P×n row-major; kept in the state so `tell` reuses it. Read-only. */
export function ask(state: EvolutionState): Float32Array {
  assertLive(state);
  fillRows(state, 0, state.populationSize);
  return state.scratch.population;
}

/**
 * Rows [start, end) of the varied population, equal to the same rows of `ask(state)`, each computed
 * alone from (state, row): a worker evaluates a shard without generating the rest. The rows are kept in
 * the state for `tell`; the result is a read-only view of them (valid until `tell`), or `out` filled
 * with a copy.
 */
export function askRows(state: EvolutionState, start: number, end: number, out?: Float32Array): Float32Array {
  assertLive(state);
  const P = state.populationSize;
  const n = state.numParams;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > P || start > end) {
    throw new InvalidArgumentError(
      `askRows: need integers 0 ≤ start ≤ end ≤ populationSize (${P}); got start=${start}, end=${end}`,
    );
  }
  if (out !== undefined && out.length < (end - start) * n) {
    throw new InvalidArgumentError(
      `askRows: out holds ${out.length} floats; rows ${start}…${end} need ${(end - start) * n}`,
    );
  }
  fillRows(state, start, end);
  const rows = state.scratch.population.subarray(start * n, end * n);
  if (out === undefined) return rows;
  out.set(rows);
  return out;
}

/**
 * Makes the state's population buffer hold the varied rows `tell` needs: all of them when `needed` is
 * omitted, else the rows flagged in `needed`. Rows already varied this generation are reused.
 */
export function ensureVaried(state: EvolutionState, needed?: Uint8Array): void {
  if (needed === undefined) {
    fillRows(state, 0, state.populationSize);
    return;
  }
  for (let i = 0; i < state.populationSize; i++) if (needed[i] !== 0) fillRows(state, i, i + 1);
}

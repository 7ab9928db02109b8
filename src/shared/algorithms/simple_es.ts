/**
 * `simple_es` (experiment 2): the population collapses each generation onto one softmax-weighted agent.
 *
 * - variation (`ask`): every agent is perturbed (`fixed_sigma` or `adaptive_sigma`); after the first
 *   selection all agents are equal, so this samples P noisy copies of the current agent;
 * - evaluation: the caller scores them (higher is better unless `direction: 'minimize'`);
 * - selection (`tell`): fitness is standardised (z = (f − mean) / std, population std; all z = 0 when the
 *   std is 0), turned into weights w = softmax(z), and θ' = Σ wᵢ θᵢ becomes every agent. In adaptive mode σ
 *   is part of the agent, so σ' = Σ wᵢ σᵢ likewise (a convex combination of positive numbers, so positive).
 * Agents with fitness NaN get weight 0; if any fitness is +∞ those agents share the weight equally; if no
 * fitness is usable the weights are uniform. Sums run in float64 in agent order, so they are reproducible.
 */
import { resolveSimpleEsConfig } from './config.js';
import { scoreFitness } from './ranking.js';
import { createState, successorState } from './state.js';
import { ask, askRows, assertLive, ensureVaried } from './variation.js';
import type { Algorithm, EvolutionState, SimpleEsOptions } from './types.js';

/** Selection weights of `simple_es`: softmax of the z-scored fitness (see the module comment for non-finite values). */
export function softmaxWeights(scores: Float64Array): Float64Array {
  const P = scores.length;
  const w = new Float64Array(P);
  let infinite = 0;
  let finite = 0;
  for (let i = 0; i < P; i++) {
    if (scores[i] === Infinity) infinite++;
    else if (scores[i] !== -Infinity) finite++;
  }
  if (infinite > 0) {
    for (let i = 0; i < P; i++) w[i] = scores[i] === Infinity ? 1 / infinite : 0;
    return w;
  }
  if (finite === 0) return w.fill(1 / P);
  // z-scores do not change when every fitness is divided by the same positive number, so dividing by the
  // largest magnitude first keeps the sums finite even for fitness values near ±1.8e308.
  let magnitude = 0;
  for (let i = 0; i < P; i++) if (scores[i] !== -Infinity) magnitude = Math.max(magnitude, Math.abs(scores[i]));
  if (magnitude === 0) magnitude = 1;
  let sum = 0;
  for (let i = 0; i < P; i++) if (scores[i] !== -Infinity) sum += scores[i] / magnitude;
  const mean = sum / finite;
  let squares = 0;
  for (let i = 0; i < P; i++) {
    if (scores[i] !== -Infinity) squares += (scores[i] / magnitude - mean) ** 2;
  }
  const std = Math.sqrt(squares / finite);
  // Below this the differences are rounding noise of equal fitness values, not a signal to amplify.
  const scale = std > 1e-12 ? 1 / std : 0;
  let zMax = -Infinity;
  for (let i = 0; i < P; i++) {
    if (scores[i] !== -Infinity) zMax = Math.max(zMax, (scores[i] / magnitude - mean) * scale);
  }
  let total = 0;
  for (let i = 0; i < P; i++) {
    w[i] = scores[i] === -Infinity ? 0 : Math.exp((scores[i] / magnitude - mean) * scale - zMax);
    total += w[i];
  }
  for (let i = 0; i < P; i++) w[i] /= total;
  return w;
}

/** Writes Σ wᵢ·rowᵢ (float64 accumulation, agent order) into row 0 of `dst`. */
function weightedSum(src: Float32Array, w: Float64Array, n: number, acc: Float64Array, dst: Float32Array): void {
  acc.fill(0);
  for (let i = 0; i < w.length; i++) {
    const wi = w[i];
    if (wi === 0) continue;
    const o = i * n;
    for (let j = 0; j < n; j++) acc[j] += wi * src[o + j];
  }
  for (let j = 0; j < n; j++) dst[j] = acc[j];
}

/** Copies row 0 over rows 1…P-1, doubling the copied block each time (log P memmoves). */
function broadcastRow0(buffer: Float32Array, P: number, n: number): void {
  for (let filled = 1; filled < P;) {
    const count = Math.min(filled, P - filled);
    buffer.copyWithin(filled * n, 0, count * n);
    filled += count;
  }
}

function tell(state: EvolutionState, fitness: ArrayLike<number>): EvolutionState {
  assertLive(state);
  const P = state.populationSize;
  const n = state.numParams;
  const scores = scoreFitness(state, fitness);
  const w = softmaxWeights(scores);
  ensureVaried(state);
  const { population, populationSigma } = state.scratch;
  const acc = new Float64Array(n);
  weightedSum(population, w, n, acc, state.params);
  broadcastRow0(state.params, P, n);
  if (state.sigma.length > 0) {
    weightedSum(populationSigma, w, n, acc, state.sigma);
    broadcastRow0(state.sigma, P, n);
  }
  let best = 0;
  for (let i = 1; i < P; i++) if (scores[i] > scores[best]) best = i;
  return successorState(state, state.params, state.sigma, population, populationSigma, {
    protectedRows: 0,
    bestIndex: 0,
    bestFitness: fitness[best],
  });
}

/** `simple_es`: population 50; z-scored fitness → softmax weights → one weighted-sum agent copied to every row. */
export const simpleEs: Algorithm<SimpleEsOptions> = {
  name: 'simple_es',
  init: (params, options, seed) => createState(resolveSimpleEsConfig(options), params, seed),
  ask,
  askRows,
  tell,
};

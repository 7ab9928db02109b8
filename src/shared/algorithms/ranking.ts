/**
 * Fitness bookkeeping shared by the selection operators: one orientation (higher is better), NaN
 * demoted below everything, and a deterministic rank order.
 */
import { InvalidArgumentError } from '../errors.js';
import type { EvolutionState } from './types.js';

/**
 * Copies `fitness` into a higher-is-better score per agent: negated under `direction: 'minimize'`, and
 * NaN (a diverged network's loss, say) mapped to -Infinity so it always ranks last.
 */
export function scoreFitness(state: EvolutionState, fitness: ArrayLike<number>): Float64Array {
  const P = state.populationSize;
  if (fitness === null || typeof fitness !== 'object' || fitness.length !== P) {
    throw new InvalidArgumentError(
      `tell: fitness must hold one number per agent (${P}); got ${fitness === null || typeof fitness !== 'object' ? String(fitness) : `length ${fitness.length}`}`,
    );
  }
  const sign = state.config.direction === 'minimize' ? -1 : 1;
  const scores = new Float64Array(P);
  for (let i = 0; i < P; i++) {
    const f = fitness[i];
    if (typeof f !== 'number')
      throw new InvalidArgumentError(`tell: fitness[${i}] must be a number (got ${String(f)})`);
    scores[i] = f === f ? sign * f : -Infinity;
  }
  return scores;
}

/** Agent indices from best to worst score; equal scores keep index order, so the ranking is deterministic. */
export function rankOrder(scores: Float64Array): Int32Array {
  const order = new Int32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  // Differences of equal infinities are NaN, which is falsy and falls through to the index tie-break.
  order.sort((a, b) => scores[b] - scores[a] || a - b);
  return order;
}

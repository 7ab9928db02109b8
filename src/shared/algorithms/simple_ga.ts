/**
 * `simple_ga` (experiment 2): truncation selection in its plainest form.
 *
 * Read literally from the proposal's three-stage loop:
 * - variation (`ask`): every agent is perturbed (`fixed_sigma` or `adaptive_sigma`), the agents that
 *   survived the last selection and their duplicates alike: there is no unperturbed elite;
 * - evaluation: the caller scores the varied agents (higher is better unless `direction: 'minimize'`);
 * - selection (`tell`): agents are ranked by fitness (ties to the lower index); the top ⌊P/2⌋ stay in
 *   their rows, and the i-th best is duplicated, with its σ, into the row of the i-th of the ⌊P/2⌋ worst
 *   (worst rows taken in rank order). With odd P the median agent stays as it is.
 * Selection draws no random numbers.
 */
import { resolveSimpleGaConfig } from './config.js';
import { rankOrder, scoreFitness } from './ranking.js';
import { createState, successorState } from './state.js';
import { ask, askRows, assertLive, ensureVaried } from './variation.js';
import type { Algorithm, EvolutionState, SimpleGaOptions } from './types.js';

function tell(state: EvolutionState, fitness: ArrayLike<number>): EvolutionState {
  assertLive(state);
  const P = state.populationSize;
  const n = state.numParams;
  const order = rankOrder(scoreFitness(state, fitness));
  const half = Math.floor(P / 2);
  const needed = new Uint8Array(P);
  for (let r = 0; r < P - half; r++) needed[order[r]] = 1;
  ensureVaried(state, needed);

  // Every row of the next population is a survivor (already in place in the varied buffer) or a copy of
  // one, so the varied buffer becomes the new population and the old parents' buffer the next scratch.
  const { population, populationSigma } = state.scratch;
  const adaptive = populationSigma.length > 0;
  for (let r = 0; r < half; r++) {
    const from = order[r] * n;
    const to = order[P - half + r] * n;
    population.copyWithin(to, from, from + n);
    if (adaptive) populationSigma.copyWithin(to, from, from + n);
  }
  return successorState(state, population, populationSigma, state.params, state.sigma, {
    protectedRows: 0,
    bestIndex: order[0],
    bestFitness: fitness[order[0]],
  });
}

/** `simple_ga`: population 50, top half duplicated over the bottom half, every agent perturbed each generation. */
export const simpleGa: Algorithm<SimpleGaOptions> = {
  name: 'simple_ga',
  init: (params, options, seed) => createState(resolveSimpleGaConfig(options), params, seed),
  ask,
  askRows,
  tell,
};

/**
 * Experiment 1's genetic algorithm: tournament selection (k = 3) with elitism and Gaussian mutation.
 *
 * One generation, in the proposal's three stages:
 * - variation (`ask`): every agent but the elites is mutated with noise keyed (seed, mutation, g, agent);
 *   the elites kept by the previous selection are evaluated again exactly as they were. Generation 0 has no
 *   elites yet, so all of the initial population is mutated.
 * - evaluation: the caller scores the varied population (higher is better unless `direction: 'minimize'`).
 * - selection (`tell`): the `eliteCount` best agents move unchanged to rows 0…eliteCount-1; every other
 *   row gets the winner of a tournament of `tournamentSize` agents drawn uniformly with replacement (as
 *   DEAP's selTournament does) from the whole varied population, elites included, with draws keyed
 *   (seed, selection, g, row). Ties go to the lower index.
 */
import { CounterRng, RngPurpose } from '../rng/philox.js';
import { resolveTournamentGaConfig } from './config.js';
import { rankOrder, scoreFitness } from './ranking.js';
import { createState, successorState } from './state.js';
import { ask, askRows, assertLive, ensureVaried } from './variation.js';
import type { Algorithm, EvolutionState, TournamentGaOptions } from './types.js';

/** The row each next-generation row copies: elites first, then tournament winners. */
export function tournamentSources(state: EvolutionState, scores: Float64Array, order: Int32Array): Int32Array {
  const config = state.config;
  const P = state.populationSize;
  const k = config.algorithm === 'tournament_ga' ? config.tournamentSize : 1;
  const elites = config.algorithm === 'tournament_ga' ? config.eliteCount : 0;
  const sources = new Int32Array(P);
  for (let row = 0; row < elites; row++) sources[row] = order[row];
  for (let row = elites; row < P; row++) {
    const rng = CounterRng.from(state.seed, RngPurpose.selection, state.generation, row);
    let winner = rng.nextInt(P);
    for (let t = 1; t < k; t++) {
      const c = rng.nextInt(P);
      if (scores[c] > scores[winner] || (scores[c] === scores[winner] && c < winner)) winner = c;
    }
    sources[row] = winner;
  }
  return sources;
}

function tell(state: EvolutionState, fitness: ArrayLike<number>): EvolutionState {
  assertLive(state);
  const config = state.config;
  const elites = config.algorithm === 'tournament_ga' ? config.eliteCount : 0;
  const P = state.populationSize;
  const n = state.numParams;
  const scores = scoreFitness(state, fitness);
  const order = rankOrder(scores);
  const sources = tournamentSources(state, scores, order);
  const needed = new Uint8Array(P);
  for (let row = 0; row < P; row++) needed[sources[row]] = 1;
  ensureVaried(state, needed);

  // Parents are no longer needed once their varied rows exist, so the selected rows overwrite them in place.
  const { population, populationSigma } = state.scratch;
  const params = state.params;
  const sigma = state.sigma;
  const adaptive = sigma.length > 0;
  let bestIndex = -1;
  for (let row = 0; row < P; row++) {
    const from = sources[row] * n;
    params.set(population.subarray(from, from + n), row * n);
    if (adaptive) sigma.set(populationSigma.subarray(from, from + n), row * n);
    if (bestIndex < 0 && sources[row] === order[0]) bestIndex = row;
  }
  return successorState(state, params, sigma, population, populationSigma, {
    protectedRows: elites,
    bestIndex,
    bestFitness: fitness[order[0]],
  });
}

/** Experiment 1's GA (population 100, tournaments of 3, one elite, θ += 0.01·N(0, 1) on every parameter). */
export const tournamentGa: Algorithm<TournamentGaOptions> = {
  name: 'tournament_ga',
  init: (params, options, seed) => createState(resolveTournamentGaConfig(options), params, seed),
  ask,
  askRows,
  tell,
};

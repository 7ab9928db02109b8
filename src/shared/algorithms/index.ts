/**
 * Neuroevolution algorithms as pure ask/tell state machines over flat Float32Array parameters, every
 * random draw keyed by (run seed, purpose, generation, agent).
 */
export type * from './types.js';
export {
  ADAPTIVE_SIGMA_DEFAULTS,
  FIXED_SIGMA_DEFAULTS,
  SIMPLE_DEFAULTS,
  TOURNAMENT_GA_DEFAULTS,
  TOURNAMENT_GA_MUTATION_DEFAULTS,
  SIGMA_MAX,
  SIGMA_MIN,
  resolveConfig,
  resolveSimpleEsConfig,
  resolveSimpleGaConfig,
  resolveTournamentGaConfig,
} from './config.js';
export { ask, askRows } from './variation.js';
export { rankOrder } from './ranking.js';
export { agentRow, bestParams, cloneState, restoreState, shareState, snapshotState } from './state.js';
export { tournamentGa } from './tournament_ga.js';
export { simpleGa } from './simple_ga.js';
export { simpleEs, softmaxWeights } from './simple_es.js';
export { algorithms, getAlgorithm, tell } from './registry.js';
export * from './search/index.js';

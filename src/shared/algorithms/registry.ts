/**
 * The algorithms by name, and `tell` for code that holds a state without knowing its algorithm (the
 * coordinator, a worker replaying selection, a resumed checkpoint).
 */
import { InvalidArgumentError } from '../errors.js';
import { simpleEs } from './simple_es.js';
import { simpleGa } from './simple_ga.js';
import { tournamentGa } from './tournament_ga.js';
import type { Algorithm, AlgorithmName, CommonOptions, EvolutionState, TournamentGaOptions } from './types.js';

/** Every algorithm, keyed by the name run specs and checkpoints use. */
export const algorithms: {
  readonly tournament_ga: Algorithm<TournamentGaOptions>;
  readonly simple_ga: Algorithm<CommonOptions>;
  readonly simple_es: Algorithm<CommonOptions>;
} = { tournament_ga: tournamentGa, simple_ga: simpleGa, simple_es: simpleEs };

/** The algorithm called `name`; throws InvalidArgumentError listing the known names otherwise. */
export function getAlgorithm<N extends AlgorithmName>(name: N): (typeof algorithms)[N] {
  if (!Object.prototype.hasOwnProperty.call(algorithms, name)) {
    throw new InvalidArgumentError(
      `unknown algorithm '${String(name)}'; expected one of ${Object.keys(algorithms).join(', ')}`,
    );
  }
  return algorithms[name];
}

/** Selection for whichever algorithm `state` belongs to (see that algorithm's `tell`). */
export function tell(state: EvolutionState, fitness: ArrayLike<number>): EvolutionState {
  return getAlgorithm(state.config.algorithm).tell(state, fitness);
}

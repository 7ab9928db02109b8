/** `expert(id)`: a deterministic teacher policy for each environment, used to generate expert datasets. */
import { EnvError } from '../envs/types.js';
import { acrobotExpert } from './acrobot.js';
import { cartPoleExpert } from './cartpole.js';
import { lunarLanderHeuristic } from './lunar_lander.js';
import { mountainCarExpert } from './mountain_car.js';

export type Policy = (obs: Float32Array) => number;

const EXPERTS: Readonly<Record<string, Policy>> = {
  'CartPole-v1': cartPoleExpert,
  'Acrobot-v1': acrobotExpert,
  'MountainCar-v0': mountainCarExpert,
  'LunarLander-v3': lunarLanderHeuristic,
};

/** Ids that have a built-in expert (every id `make` accepts). */
export const EXPERT_IDS: readonly string[] = Object.keys(EXPERTS);

/** The built-in expert of `id`: maps an observation to an action, with no state and no randomness. */
export function expert(id: string): Policy {
  const p = Object.prototype.hasOwnProperty.call(EXPERTS, id) ? EXPERTS[id] : undefined;
  if (!p) {
    throw new EnvError(`no expert for '${id}'; experts exist for ${EXPERT_IDS.join(', ')}`, 'ENV_UNKNOWN_ID');
  }
  return p;
}

export { acrobotExpert, cartPoleExpert, mountainCarExpert, lunarLanderHeuristic };

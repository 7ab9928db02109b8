/** `expert(id)`: a deterministic teacher policy for each environment, used to generate expert datasets. */
import { EnvError } from '../envs/types.js';
import { acrobotExpert, cartPoleExpert, mountainCarExpert } from './classic.js';
import { lunarLanderHeuristic } from './lunar_lander.js';

export type Policy = (obs: Float32Array) => number;

const EXPERTS: Readonly<Record<string, Policy>> = {
  'CartPole-v1': cartPoleExpert,
  'Acrobot-v1': acrobotExpert,
  'MountainCar-v0': mountainCarExpert,
  'LunarLander-v3': lunarLanderHeuristic,
  'LunarLander-v2': lunarLanderHeuristic,
};

/** The built-in expert of `id`: maps an observation to an action, with no state and no randomness. */
export function expert(id: string): Policy {
  const p = Object.prototype.hasOwnProperty.call(EXPERTS, id) ? EXPERTS[id] : undefined;
  if (!p) {
    throw new EnvError(`no expert for '${id}'; experts exist for ${Object.keys(EXPERTS).join(', ')}`, 'ENV_UNKNOWN_ID');
  }
  return p;
}

export { acrobotExpert, cartPoleExpert, mountainCarExpert, lunarLanderHeuristic };

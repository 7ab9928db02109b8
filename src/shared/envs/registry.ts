/** `make(id)`: the environments by Gymnasium id, with their time limits. */
import { Acrobot } from './acrobot.js';
import { CartPole } from './cartpole.js';
import { LunarLander } from './lunar_lander.js';
import { MountainCar } from './mountain_car.js';
import { EnvError } from './types.js';
import type { Env } from './types.js';

export interface EnvSpec {
  readonly id: string;
  readonly obsDim: number;
  readonly nActions: number;
  readonly maxEpisodeSteps: number;
}

const FACTORIES: Readonly<Record<string, () => Env>> = {
  'CartPole-v1': () => new CartPole(),
  'Acrobot-v1': () => new Acrobot(),
  'MountainCar-v0': () => new MountainCar(),
  'LunarLander-v3': () => new LunarLander(),
  'LunarLander-v2': () => new LunarLander(),
};

const SPECS: Readonly<Record<string, EnvSpec>> = {
  'CartPole-v1': { id: 'CartPole-v1', obsDim: 4, nActions: 2, maxEpisodeSteps: 500 },
  'Acrobot-v1': { id: 'Acrobot-v1', obsDim: 6, nActions: 3, maxEpisodeSteps: 500 },
  'MountainCar-v0': { id: 'MountainCar-v0', obsDim: 2, nActions: 3, maxEpisodeSteps: 200 },
  'LunarLander-v3': { id: 'LunarLander-v3', obsDim: 8, nActions: 4, maxEpisodeSteps: 1000 },
  'LunarLander-v2': { id: 'LunarLander-v3', obsDim: 8, nActions: 4, maxEpisodeSteps: 1000 },
};

/** Every id `make` accepts (LunarLander-v2 is an alias of LunarLander-v3). */
export const ENV_IDS: readonly string[] = Object.keys(FACTORIES);

function unknown(id: string): EnvError {
  return new EnvError(`unknown environment id '${id}'; known ids: ${ENV_IDS.join(', ')}`, 'ENV_UNKNOWN_ID');
}

/** Creates a fresh environment; call `reset({ seed })` before stepping. */
export function make(id: string): Env {
  const factory = Object.prototype.hasOwnProperty.call(FACTORIES, id) ? FACTORIES[id] : undefined;
  if (!factory) throw unknown(id);
  return factory();
}

/** Dimensions and time limit of an id, without building the env. */
export function envSpec(id: string): EnvSpec {
  const spec = Object.prototype.hasOwnProperty.call(SPECS, id) ? SPECS[id] : undefined;
  if (!spec) throw unknown(id);
  return spec;
}

/** Gymnasium-faithful environments: `make(id)`, the env classes, their contract and the vectorized form. */
export * from './types.js';
export { make, envSpec, ENV_IDS, type EnvSpec } from './registry.js';
export { CartPole } from './cartpole.js';
export { Acrobot } from './acrobot.js';
export { MountainCar } from './mountain_car.js';
export { LunarLander, type LunarLanderOptions, type LunarLanderResetDraws } from './lunar_lander.js';
export { sinf32, cosf32 } from './float32_trig.js';

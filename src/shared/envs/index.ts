/** Gymnasium-faithful environments: `make(id)`, the env classes, their contract and the vectorized form. */
export * from './types.js';
export {
  make,
  envSpec,
  register,
  registry,
  pprintRegistry,
  ENV_IDS,
  type EnvId,
  type EnvOptionsById,
  type EnvFactory,
  type MakeOptions,
  type RegisterDefaults,
  type RuntimeEnvId,
} from './registry.js';
export { Box, Discrete, type SpaceSeed } from './spaces.js';
export { CartPole, CARTPOLE_THETA_THRESHOLD, CARTPOLE_X_THRESHOLD, type CartPoleOptions } from './cartpole.js';
export { Acrobot, type AcrobotOptions } from './acrobot.js';
export { MountainCar, type MountainCarOptions } from './mountain_car.js';
export { LunarLander, type LunarLanderOptions, type LunarLanderResetDraws } from './lunar_lander.js';
// NumPy's own arithmetic, for code that must agree with Gymnasium to the bit (e.g. vectorized kernels).
export { sinf32, cosf32 } from './float32_trig.js';
export { sin64, cos64 } from './libm/sin_cos.js';
export { square64 } from './libm/square.js';
export * from './wrappers/index.js';

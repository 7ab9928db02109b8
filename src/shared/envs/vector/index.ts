/** Vectorized environments: N copies stepped together in struct-of-arrays buffers, with auto-reset. */
export { CartPoleVectorEnv } from './cartpole.js';
export type { CartPoleVectorOptions } from './cartpole.js';
export { makeVec } from './make_vec.js';
export type { MakeVecOptions } from './make_vec.js';
export { SyncVectorEnv } from './sync.js';
export type { AutoresetMode, VectorEnv, VectorEnvOptions, VectorResetOptions, VectorStepResult } from './types.js';

/** Vectorized environments (Gymnasium 1.x's vector API): N copies stepped together in struct-of-arrays buffers. */
export { CartPoleVectorEnv } from './cartpole.js';
export type { CartPoleVectorOptions } from './cartpole.js';
export { makeVec } from './make_vec.js';
export type { MakeVecOptions } from './make_vec.js';
export { batchBox, batchDiscrete } from './spaces.js';
export type { BatchBoxSpace, MultiDiscreteSpace } from './spaces.js';
export { SyncVectorEnv } from './sync.js';
export { AUTORESET_MODES } from './types.js';
export type { AutoresetMode, VectorEnv, VectorEnvOptions, VectorInfos, VectorMetadata, VectorResetOptions, VectorResetOptionsBag, VectorResetResult, VectorStepResult, VectorizationMode } from './types.js'; // prettier-ignore

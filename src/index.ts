/**
 * evoscale's public API. Everything exported here is pure and browser-safe unless its doc says otherwise.
 */
export * from './shared/errors.js';
export * from './shared/envs/index.js';
export * from './shared/envs/vector/index.js';
export * from './shared/experts/index.js';
export * from './shared/rng/index.js';
export * from './shared/algorithms/index.js';
export * from './shared/data/index.js';
export * from './shared/model/index.js';
export * from './shared/fitness/index.js';
export * from './shared/stats/index.js';
export * from './shared/human/index.js';
export * from './shared/config/index.js';

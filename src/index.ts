/**
 * evoscale's public API. Everything exported here is pure and browser-safe unless its doc says otherwise.
 */
export * from './shared/errors.js';
export * from './shared/envs/types.js';

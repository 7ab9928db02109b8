/** Schemas of configuration files and specs, and the check that explains a refused value (pure, browser-safe). */
export { checkSchema, ConfigError, describeSchema, formatPath, formatValue, type ValuePath } from './check.js';
export * from './experiments.js';
export * from './sweep.js';
export { PUBLISHED_SCHEMAS, toJsonSchema } from './published.js';
export { NeRunSpecSchema, NeRunSpecFileSchema } from '../protocol/run_spec.js';
export { TrialSpecSchema, validateTrialSpec } from '../protocol/trial_spec.js';

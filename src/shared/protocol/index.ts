/**
 * The coordinator ⇄ worker wire protocol: versioned msgpack messages, validated on receipt, seed-compact
 * (parameters never cross the wire after a worker holds a run's initial state).
 */
export * from './messages.js';
export {
  decodeFrame,
  defaultFrameLimits,
  encodeMessage,
  DEFAULT_FRAME_LIMITS,
  UNKNOWN_TYPE_LIMITS,
  type DecodeOptions,
  type DecodeResult,
  type FrameLimits,
  type FrameRejection,
} from './codec.js';
export { scanFrame, type ScanLimits, type ScanResult } from './prescan.js';
export { validateMessage } from './validate.js';
export {
  fitnessDirection,
  fitnessPrecision,
  validateRunSpec,
  type DatasetSplit,
  type DatasetTask,
  type NeRunSpec,
  type NeTask,
  type RolloutTask,
} from './run_spec.js';
export { SchemaError, type JsonObject, type JsonValue } from './schema.js';

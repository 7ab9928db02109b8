/**
 * evoscale's Node-only API (`import … from 'evoscale/node'`): dataset files and the hub cache, the evaluation
 * engines and trainers, and the experiment runners. Kept apart from the main entry so that browsers and light
 * imports do not load worker threads, native modules or the figure renderer.
 */
export * from './data/index.js';
export { createEngine, CpuEngine, TfjsEngine, evaluateShardInline } from './worker/engine/index.js';
export type { EvaluationEngine, ShardRequest, FitnessKind } from './worker/engine/index.js';
export * from './worker/sgd/index.js';
export { runTrial } from './trials/trial.js';
export { readConfigFile, ConfigFileError } from './config/read.js';
export type { TrialSpec, TrialSummary, MetricRecord } from './trials/trial.js';
export { runExp1, planExp1, EXP1_DEFAULTS } from './experiments/exp1.js';
export { runExp2, planExp2, EXP2_DEFAULTS } from './experiments/exp2.js';
export { renderVegaLite } from './plots/index.js';
export {
  startCollectServer,
  DEFAULT_MAX_BODY_BYTES,
  type CollectServer,
  type CollectServerOptions,
} from './collect/server.js';
export * from './media/index.js';

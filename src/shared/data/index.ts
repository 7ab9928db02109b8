/** Datasets: the in-memory form, validation, env table, splits, summaries and offline expert generation. */
export { DatasetError } from './errors.js';
export type { DatasetErrorCode } from './errors.js';
export { DATASET_ENVS, datasetEnvSpec, inferEnvSpec } from './envs.js';
export type { DatasetEnvSpec } from './envs.js';
export {
  createDataset,
  validateDataset,
  takeRows,
  sliceRows,
  concatDatasets,
  observationAt,
  episodeIdsFromStarts,
} from './dataset.js';
export type { Dataset, DatasetFields, DatasetMeta } from './dataset.js';
export { DatasetBuilder } from './builder.js';
export type { DatasetBuilderOptions } from './builder.js';
export { summarizeDataset, episodeTotals, numberStats } from './summary.js';
export type { DatasetSummary, NumberStats } from './summary.js';
export {
  shuffledIndices,
  experiment1Split,
  experiment2Split,
  EXPERIMENT1_TEST_SIZE,
  EXPERIMENT1_SUBSET_SIZES,
  EXPERIMENT2_TEST_FRACTION,
  EXPERIMENT2_TRAIN_FRACTIONS,
} from './splits.js';
export type { Experiment1Split, Experiment1SplitOptions, Experiment2Split, Experiment2SplitOptions } from './splits.js';
export { recordRollouts, episodeSeed } from './record.js';
export type { RecordOptions } from './record.js';
export { generateExpertDataset, DEFAULT_EXPERT_STEPS } from './generate.js';
export type { GenerateExpertOptions } from './generate.js';

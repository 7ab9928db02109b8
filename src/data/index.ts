/** Node-side dataset I/O: JSONL/Parquet readers and writers, the HuggingFace cache, built-ins, `loadDataset`. */
export { cacheRoot } from './cache.js';
export { readJsonlDataset, writeJsonlDataset } from './jsonl.js';
export type { ReadDatasetOptions, WriteDatasetOptions } from './jsonl.js';
export { readParquetDataset, writeParquetDataset, PARQUET_META_KEY } from './parquet.js';
export { parseHfRef, formatHfRef, hfCacheDir, cachedDataFiles, ensureHfDataset } from './hf.js';
export type { HfDatasetRef, HfDownloadOptions, HfDatasetFiles } from './hf.js';
export { BUILTIN_DATASETS, GENERATOR_VERSION, builtinDatasetPath, loadBuiltinDataset } from './builtin.js';
export type { BuiltinDatasetOptions } from './builtin.js';
export { loadDataset, readDatasetFile, writeDatasetFile } from './load.js';
export type { LoadDatasetOptions, LoadPhase } from './load.js';
export { MODEL_JSON, MODEL_SAFETENSORS, exportParamsFile, modelEnvInfo, readTorchModel, writeTorchModel } from './model_files.js'; // prettier-ignore

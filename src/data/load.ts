/** `loadDataset(ref)`: the one entry point experiments use to get rows, whatever the reference names. */
import { extname } from 'node:path';
import type { Dataset } from '../shared/data/dataset.js';
import { concatDatasets } from '../shared/data/dataset.js';
import { DatasetError } from '../shared/data/errors.js';
import { datasetEnvSpec } from '../shared/data/envs.js';
import { BUILTIN_DATASETS, loadBuiltinDataset } from './builtin.js';
import type { HfDownloadOptions } from './hf.js';
import { readBinaryCache, writeBinaryCache } from './binary_cache.js';
import { fileSize } from './files.js';

// The decoders, the Hub client and their packages load when a file must be decoded, downloaded or written: a
// trial thread that reads its dataset's binary copy never needs them, and loading them cost about 0.15 s of its
// start on the 2-core machine.
const jsonl = (): Promise<typeof import('./jsonl.js')> => import('./jsonl.js');
const parquet = (): Promise<typeof import('./parquet.js')> => import('./parquet.js');
const hf = (): Promise<typeof import('./hf.js')> => import('./hf.js');

export type LoadPhase = 'download' | 'read' | 'generate' | 'write';

export interface LoadDatasetOptions {
  /** The env the rows belong to; inferred from the obs size (or the built-in name) when omitted. */
  envId?: string;
  /** Cache root (default $EVOSCALE_CACHE or ~/.cache/evoscale). */
  cacheDir?: string;
  /** Built-in datasets only: generation seed (default 0) and rows (default 500k / 384k). */
  seed?: number;
  steps?: number;
  /** hf: references only: the Hugging Face hub cache (default: Python's, see `hfHubCache`), fetch, token, URL. */
  hubCache?: string;
  fetch?: HfDownloadOptions['fetch'];
  accessToken?: string;
  hubUrl?: string;
  /** Progress of long work: bytes for downloads and JSONL reads, rows otherwise. */
  onProgress?: (phase: LoadPhase, done: number, total: number, unit: 'rows' | 'bytes') => void;
}

const REF_HELP =
  `use a built-in name (${Object.keys(BUILTIN_DATASETS).join(', ')}), a .jsonl or .parquet file, ` +
  `or hf:<owner>/<name>`;

const readUnit = (path: string): 'rows' | 'bytes' => (extname(path).toLowerCase() === '.parquet' ? 'rows' : 'bytes');

/** Files below this size decode in milliseconds: they get no binary copy (nor litter the cache from tests). */
const BINARY_COPY_MIN_BYTES = 1 << 20;

/**
 * Reads one local file by its extension (.jsonl or .parquet), from its binary copy in the cache when it has an
 * up-to-date one (see binary_cache.ts), making that copy after decoding a large file.
 */
export async function readDatasetFile(
  path: string,
  opts: {
    envId?: string;
    source?: string;
    onProgress?: (done: number, total: number) => void;
    /** Cache root of the binary copy (default $EVOSCALE_CACHE or ~/.cache/evoscale). */
    cacheDir?: string;
  } = {},
): Promise<Dataset> {
  const copy = readBinaryCache(path, { ...opts, source: opts.source ?? path });
  if (copy !== undefined) {
    const done = readUnit(path) === 'rows' ? copy.size : await fileSize(path);
    opts.onProgress?.(done, done);
    return copy;
  }
  const ds = await decodeDatasetFile(path, opts);
  if ((await fileSize(path)) >= BINARY_COPY_MIN_BYTES) {
    // Only a faster next load: a cache that cannot be written leaves the dataset as read.
    await writeBinaryCache(path, ds, opts).catch(() => undefined);
  }
  return ds;
}

async function decodeDatasetFile(
  path: string,
  opts: { envId?: string; source?: string; onProgress?: (done: number, total: number) => void },
): Promise<Dataset> {
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return (await jsonl()).readJsonlDataset(path, opts);
  if (ext === '.parquet') return (await parquet()).readParquetDataset(path, opts);
  await fileSize(path, `; ${REF_HELP}`);
  throw new DatasetError(`${path}: unknown dataset format '${ext || '(none)'}'; use a .jsonl or .parquet file`);
}

/** Writes a dataset as JSONL or Parquet, chosen by the extension of `path`. */
export async function writeDatasetFile(
  ds: Dataset,
  path: string,
  opts: { onProgress?: (done: number, total: number) => void } = {},
): Promise<void> {
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return (await jsonl()).writeJsonlDataset(ds, path, opts);
  if (ext === '.parquet') return (await parquet()).writeParquetDataset(ds, path, opts);
  throw new DatasetError(
    `${path}: cannot tell the format from '${ext || '(no extension)'}'; end the name in .jsonl or .parquet`,
  );
}

/**
 * Loads a dataset from `ref`: 'cartpole' | 'lunarlander' (built-in expert data, generated once and cached),
 * a .jsonl/.parquet path, or 'hf:owner/name' (cached or downloaded). All-or-nothing: throws DatasetError.
 */
export async function loadDataset(ref: string, opts: LoadDatasetOptions = {}): Promise<Dataset> {
  const builtin = BUILTIN_DATASETS[ref.toLowerCase()];
  if (builtin) {
    if (opts.envId !== undefined && datasetEnvSpec(opts.envId).id !== builtin.envId) {
      throw new DatasetError(`'${ref}' is ${builtin.envId} data, but envId ${opts.envId} was asked for`);
    }
    return loadBuiltinDataset(ref.toLowerCase(), {
      cacheDir: opts.cacheDir,
      seed: opts.seed,
      steps: opts.steps,
      onProgress: (phase, d, t) => opts.onProgress?.(phase, d, t, 'rows'),
    });
  }
  if (ref.startsWith('hf:')) {
    const { ensureHfDataset, formatHfRef } = await hf();
    const got = await ensureHfDataset(ref, {
      hubCache: opts.hubCache,
      fetch: opts.fetch,
      accessToken: opts.accessToken,
      hubUrl: opts.hubUrl,
      onProgress: (b, t) => opts.onProgress?.('download', b, t, 'bytes'),
    });
    const name = formatHfRef(got.ref);
    const parts: Dataset[] = [];
    for (const file of got.files) {
      parts.push(
        await readDatasetFile(file, {
          envId: opts.envId,
          cacheDir: opts.cacheDir,
          source: got.files.length === 1 ? `${name} (${file})` : file,
          onProgress: (d, t) => opts.onProgress?.('read', d, t, readUnit(file)),
        }),
      );
    }
    if (parts.length === 1) return parts[0];
    return concatDatasets(parts, { source: `${name} (${got.files.length} files in ${got.dir})`, files: got.files });
  }
  if (opts.seed !== undefined || opts.steps !== undefined) {
    throw new DatasetError(
      `seed and steps only apply to the built-in datasets (${Object.keys(BUILTIN_DATASETS).join(', ')})`,
    );
  }
  return readDatasetFile(ref, {
    envId: opts.envId,
    cacheDir: opts.cacheDir,
    onProgress: (d, t) => opts.onProgress?.('read', d, t, readUnit(ref)),
  });
}

const loaded = new Map<string, Promise<Dataset>>();

/**
 * `loadDataset(ref, { steps })` once per thread: every trial and run of the thread reuses the arrays. A new
 * thread's first load reads the binary copy (milliseconds), not the Parquet or JSON source.
 */
export function loadDatasetOnce(ref: string, steps?: number): Promise<Dataset> {
  const key = `${ref}#${steps ?? ''}`;
  let p = loaded.get(key);
  if (!p) {
    p = loadDataset(ref, steps !== undefined ? { steps } : {});
    loaded.set(key, p);
    p.catch(() => loaded.delete(key));
  }
  return p;
}

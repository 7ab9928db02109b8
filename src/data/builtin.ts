/**
 * The built-in datasets `cartpole` and `lunarlander`: the offline stand-ins for NathanGavenski/CartPole-v1 and
 * NathanGavenski/LunarLander-v2, generated once from the built-in experts and cached as Parquet.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dataset } from '../shared/data/dataset.js';
import { DatasetError } from '../shared/data/errors.js';
import { DEFAULT_EXPERT_STEPS, generateExpertDataset } from '../shared/data/generate.js';
import { cacheRoot } from './cache.js';
import { readBinaryCache, writeBinaryCache } from './binary_cache.js';

export const BUILTIN_DATASETS: Readonly<Record<string, { envId: string; replaces: string }>> = {
  cartpole: { envId: 'CartPole-v1', replaces: 'hf:NathanGavenski/CartPole-v1' },
  lunarlander: { envId: 'LunarLander-v3', replaces: 'hf:NathanGavenski/LunarLander-v2' },
};

/** Bump when the generator's output changes (env or expert fixes) so that stale caches are not reused. */
export const GENERATOR_VERSION = 1;

export interface BuiltinDatasetOptions {
  cacheDir?: string;
  /** Default 0. */
  seed?: number;
  /** Default: the source dataset's size (500 000 CartPole, 384 000 LunarLander). */
  steps?: number;
  onProgress?: (phase: 'generate' | 'write' | 'read', done: number, total: number) => void;
}

/** Where a built-in dataset is cached. */
export function builtinDatasetPath(name: string, seed: number, steps: number, root: string = cacheRoot()): string {
  const { envId } = BUILTIN_DATASETS[name];
  return join(root, 'generated', `${envId}-expert-v${GENERATOR_VERSION}-seed${seed}-steps${steps}.parquet`);
}

/** Loads a built-in dataset, generating and caching it on first use (deterministic: same seed, same rows). */
export async function loadBuiltinDataset(name: string, opts: BuiltinDatasetOptions = {}): Promise<Dataset> {
  const entry = BUILTIN_DATASETS[name];
  if (!entry) {
    throw new DatasetError(`unknown built-in dataset '${name}'; use ${Object.keys(BUILTIN_DATASETS).join(' or ')}`);
  }
  const seed = opts.seed ?? 0;
  const steps = opts.steps ?? DEFAULT_EXPERT_STEPS[entry.envId];
  const path = builtinDatasetPath(name, seed, steps, opts.cacheDir ?? cacheRoot());
  const source = `${name} (generated:${entry.envId}:expert:seed=${seed}:steps=${steps}, cached at ${path})`;
  const exists = await access(path).then(
    () => true,
    () => false,
  );
  const root = opts.cacheDir ?? cacheRoot();
  if (exists) {
    const copy = readBinaryCache(path, { envId: entry.envId, source, cacheDir: root });
    if (copy !== undefined) {
      opts.onProgress?.('read', copy.size, copy.size);
      return copy;
    }
    try {
      // Loaded here, not at the top: a thread that reads the binary copy never needs the Parquet packages.
      const { readParquetDataset } = await import('./parquet.js');
      const ds = await readParquetDataset(path, {
        envId: entry.envId,
        source,
        onProgress: (d, t) => opts.onProgress?.('read', d, t),
      });
      await writeBinaryCache(path, ds, { cacheDir: root }).catch(() => undefined);
      return ds;
    } catch (err) {
      // A cache entry is only a copy of what the generator makes: if it cannot be read, make it again.
      if (!(err instanceof DatasetError)) throw err;
    }
  }
  const ds = generateExpertDataset({
    envId: entry.envId,
    steps,
    seed,
    onProgress: (d, t) => opts.onProgress?.('generate', d, t),
  });
  const { writeParquetDataset } = await import('./parquet.js');
  await writeParquetDataset(ds, path, { onProgress: (d, t) => opts.onProgress?.('write', d, t) });
  const out = { ...ds, meta: { ...ds.meta, source } };
  await writeBinaryCache(path, out, { cacheDir: root }).catch(() => undefined);
  return out;
}

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, truncateSync, statSync, writeFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { binaryCachePath, readBinaryCache, writeBinaryCache } from '../../src/data/binary_cache.js';
import { builtinDatasetPath } from '../../src/data/builtin.js';
import { loadDataset } from '../../src/data/load.js';
import { readParquetDataset, writeParquetDataset } from '../../src/data/parquet.js';
import type { Dataset } from '../../src/shared/data/dataset.js';
import { sampleDataset, tempDir } from './fixtures.js';

const tmp = tempDir();
after(tmp.cleanup);

const arraysOf = (d: Dataset) => ({
  envId: d.envId,
  observations: d.observations,
  actions: d.actions,
  rewards: d.rewards,
  episodeStarts: d.episodeStarts,
  episodeIds: d.episodeIds,
});

test("a dataset file's binary copy gives back exactly the rows and meta the file holds", async () => {
  const cacheDir = join(tmp.dir, 'c1');
  const file = join(tmp.dir, 'a.parquet');
  await writeParquetDataset(sampleDataset(700), file);
  const decoded = await readParquetDataset(file);
  await writeBinaryCache(file, decoded, { cacheDir });
  const copy = readBinaryCache(file, { cacheDir, source: decoded.meta.source });
  assert.ok(copy, 'the copy is read');
  assert.deepStrictEqual(arraysOf(copy), arraysOf(decoded));
  assert.deepStrictEqual(copy.meta, decoded.meta);
  assert.ok(copy.observations.buffer instanceof SharedArrayBuffer, 'threads can share the arrays');
});

test('a binary copy of an older version of the file, or of another env, is not used', async () => {
  const cacheDir = join(tmp.dir, 'c2');
  const file = join(tmp.dir, 'b.parquet');
  await writeParquetDataset(sampleDataset(300), file);
  await writeBinaryCache(file, await readParquetDataset(file), { cacheDir });
  assert.equal(readBinaryCache(file, { cacheDir, envId: 'Acrobot-v1' }), undefined);
  const t = statSync(file).mtime;
  utimesSync(file, t, new Date(t.getTime() + 5000));
  assert.equal(readBinaryCache(file, { cacheDir }), undefined);
});

test('a damaged binary copy is ignored, and the next load of the file rewrites it', async () => {
  const cacheDir = join(tmp.dir, 'c3');
  const first = await loadDataset('cartpole', { cacheDir, steps: 900, seed: 5 });
  const parquet = builtinDatasetPath('cartpole', 5, 900, cacheDir);
  const copyPath = binaryCachePath(parquet, cacheDir);
  assert.ok(existsSync(copyPath), 'loading a built-in dataset leaves a binary copy');
  truncateSync(copyPath, 1000);
  assert.equal(readBinaryCache(parquet, { cacheDir }), undefined);
  writeFileSync(copyPath, 'EVOSBIN1 not a header');
  assert.equal(readBinaryCache(parquet, { cacheDir }), undefined);
  const again = await loadDataset('cartpole', { cacheDir, steps: 900, seed: 5 });
  assert.deepStrictEqual(arraysOf(again), arraysOf(first));
  assert.ok(readBinaryCache(parquet, { cacheDir }), 'the copy was rewritten');
  assert.deepStrictEqual(arraysOf(await loadDataset('cartpole', { cacheDir, steps: 900, seed: 5 })), arraysOf(first));
});

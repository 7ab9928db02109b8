import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinDatasetPath } from '../../src/data/builtin.js';
import { hfCacheDir, parseHfRef } from '../../src/data/hf.js';
import { writeJsonlDataset } from '../../src/data/jsonl.js';
import { loadDataset, writeDatasetFile } from '../../src/data/load.js';
import { writeParquetDataset } from '../../src/data/parquet.js';
import { DatasetError } from '../../src/shared/data/errors.js';
import { arraysOf, sampleDataset, tempDir } from './fixtures.js';

const tmp = tempDir();
after(tmp.cleanup);

const forbiddenFetch: typeof fetch = async (input) => {
  throw new Error(`unexpected network request to ${String(input)}`);
};

test('loadDataset reads .jsonl and .parquet paths by extension', async () => {
  const ds = sampleDataset(64, 'Acrobot-v1');
  const j = join(tmp.dir, 'a.jsonl');
  const p = join(tmp.dir, 'a.parquet');
  await writeDatasetFile(ds, j);
  await writeDatasetFile(ds, p);
  assert.deepStrictEqual(arraysOf(await loadDataset(j)), arraysOf(ds));
  assert.deepStrictEqual(arraysOf(await loadDataset(p)), arraysOf(ds));
});

test('an unknown reference says which references exist', async () => {
  await assert.rejects(loadDataset(join(tmp.dir, 'cartpol')), (err: unknown) => {
    assert.ok(err instanceof DatasetError);
    assert.equal(err.code, 'DATASET_NOT_FOUND');
    assert.match(
      err.message,
      /no such file: .*cartpol; use a built-in name \(cartpole, lunarlander\), a \.jsonl or \.parquet file, or hf:<owner>\/<name>/,
    );
    return true;
  });
});

test('an existing file with an unknown extension is refused by format', async () => {
  const p = join(tmp.dir, 'data.csv');
  writeFileSync(p, 'a,b\n');
  await assert.rejects(loadDataset(p), /unknown dataset format '\.csv'; use a \.jsonl or \.parquet file/);
  await assert.rejects(
    writeDatasetFile(sampleDataset(2), join(tmp.dir, 'out.txt')),
    /end the name in \.jsonl or \.parquet/,
  );
});

test('an hf: reference loads the cached copy offline, naming the dataset as its source', async () => {
  const hubCache = join(tmp.dir, 'cache-hf');
  const dir = join(hfCacheDir(parseHfRef('hf:NathanGavenski/CartPole-v1'), hubCache), 'snapshots', 'c'.repeat(40));
  mkdirSync(dir, { recursive: true });
  mkdirSync(join(dir, '..', '..', 'refs'), { recursive: true });
  writeFileSync(join(dir, '..', '..', 'refs', 'main'), 'c'.repeat(40));
  const ds = sampleDataset(50);
  await writeJsonlDataset(ds, join(dir, 'teacher.jsonl'));
  const got = await loadDataset('hf:NathanGavenski/CartPole-v1', { hubCache, fetch: forbiddenFetch });
  assert.deepStrictEqual(arraysOf(got), arraysOf(ds));
  assert.match(got.meta.source, /^hf:NathanGavenski\/CartPole-v1 \(/);
});

test('an hf: dataset in several Parquet shards loads as one, in shard order', async () => {
  const hubCache = join(tmp.dir, 'cache-shards');
  const repoDir = hfCacheDir(parseHfRef('hf:o/sharded'), hubCache);
  const dir = join(repoDir, 'snapshots', 'd'.repeat(40), 'default', 'train');
  mkdirSync(dir, { recursive: true });
  mkdirSync(join(repoDir, 'refs'), { recursive: true });
  writeFileSync(join(repoDir, 'refs', 'main'), 'd'.repeat(40));
  const ds = sampleDataset(90);
  const { sliceRows } = await import('../../src/shared/data/dataset.js');
  await writeParquetDataset(sliceRows(ds, 0, 40), join(dir, '0000.parquet'));
  await writeParquetDataset(sliceRows(ds, 40), join(dir, '0001.parquet'));
  const got = await loadDataset('hf:o/sharded', { hubCache, fetch: forbiddenFetch });
  assert.deepStrictEqual(arraysOf(got), arraysOf(ds));
});

test("the built-in 'cartpole' dataset is generated once, cached, and read back identically", async () => {
  const cacheDir = join(tmp.dir, 'cache-builtin');
  const phases = new Set<string>();
  const first = await loadDataset('cartpole', { cacheDir, steps: 1500, seed: 4, onProgress: (p) => phases.add(p) });
  assert.ok(phases.has('generate') && phases.has('write'), [...phases].join(','));
  const path = builtinDatasetPath('cartpole', 4, 1500, cacheDir);
  assert.ok(existsSync(path), 'cached file exists');
  assert.deepEqual(readdirSync(join(cacheDir, 'generated')), [path.split('/').at(-1)]);
  phases.clear();
  const second = await loadDataset('cartpole', { cacheDir, steps: 1500, seed: 4, onProgress: (p) => phases.add(p) });
  assert.deepEqual([...phases], ['read']);
  assert.deepStrictEqual(arraysOf(second), arraysOf(first));
  assert.equal(second.meta.synthetic, true);
  assert.equal(first.envId, 'CartPole-v1');
});

test('seed and steps are refused for files, where they mean nothing', async () => {
  await assert.rejects(loadDataset(join(tmp.dir, 'a.jsonl'), { seed: 1 }), /only apply to the built-in datasets/);
});

test('a damaged cache of a built-in dataset is regenerated, not fatal', async () => {
  const cacheDir = join(tmp.dir, 'cache-damaged');
  const good = await loadDataset('cartpole', { cacheDir, steps: 800, seed: 2 });
  const path = builtinDatasetPath('cartpole', 2, 800, cacheDir);
  writeFileSync(path, 'PAR1 this is not parquet PAR1');
  const again = await loadDataset('cartpole', { cacheDir, steps: 800, seed: 2 });
  assert.deepStrictEqual(arraysOf(again), arraysOf(good));
  assert.deepStrictEqual(arraysOf(await loadDataset('cartpole', { cacheDir, steps: 800, seed: 2 })), arraysOf(good));
});

test('worker threads caching the same built-in dataset at once leave a readable file', async () => {
  const { Worker } = await import('node:worker_threads');
  const cacheDir = join(tmp.dir, 'cache-race');
  const loader = new URL('../../src/data/load.js', import.meta.url).href;
  const code = `import(${JSON.stringify(loader)}).then(m => m.loadDataset('cartpole', { cacheDir: ${JSON.stringify(cacheDir)}, steps: 3000, seed: 1 })).then(d => require('node:worker_threads').parentPort.postMessage(d.size))`;
  const run = () =>
    new Promise<number>((resolve, reject) => {
      const w = new Worker(code, { eval: true });
      w.once('message', resolve);
      w.once('error', reject);
    });
  assert.deepEqual(await Promise.all([run(), run(), run()]), [3000, 3000, 3000]);
  const ds = await loadDataset(builtinDatasetPath('cartpole', 1, 3000, cacheDir));
  assert.equal(ds.size, 3000);
  assert.deepEqual(readdirSync(join(cacheDir, 'generated')).length, 1, 'no temporary files left behind');
});

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachedDataFiles, ensureHfDataset, hfCacheDir, parseHfRef } from '../../src/data/hf.js';
import { writeJsonlDataset } from '../../src/data/jsonl.js';
import { writeParquetDataset } from '../../src/data/parquet.js';
import { DatasetError } from '../../src/shared/data/errors.js';
import { sampleDataset, tempDir } from './fixtures.js';

const tmp = tempDir();
after(tmp.cleanup);
let dirNo = 0;
const freshCache = (): string => join(tmp.dir, `cache-${++dirNo}`);

/** A fetch that fails like Node's does without network (DNS lookup fails). */
const offlineFetch: typeof fetch = async () => {
  throw new TypeError('fetch failed', {
    cause: Object.assign(new Error('getaddrinfo ENOTFOUND huggingface.co'), { code: 'ENOTFOUND' }),
  });
};
/** A fetch that must not be called. */
const forbiddenFetch: typeof fetch = async (input) => {
  throw new Error(`unexpected network request to ${String(input)}`);
};

/**
 * A stand-in for the HuggingFace Hub serving `files` of one dataset repository at the given revisions:
 * the tree API (listFiles) and resolve URLs with the Range probe downloadFile makes.
 */
function fakeHub(repo: string, files: Record<string, Record<string, Uint8Array>>, opts: { failBodyOf?: string } = {}) {
  const requests: string[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    requests.push(url.pathname);
    const tree = new RegExp(`^/api/datasets/${repo}/tree/([^?]+)$`).exec(url.pathname);
    if (tree) {
      const rev = decodeURIComponent(tree[1]);
      const at = files[rev];
      if (!at) return new Response('{"error":"Revision not found"}', { status: 404 });
      const list = Object.entries(at).map(([path, bytes]) => ({ type: 'file', path, size: bytes.length, oid: 'x' }));
      return Response.json(list);
    }
    const resolve = new RegExp(`^/datasets/${repo}/resolve/([^/]+)/(.+)$`).exec(url.pathname);
    if (resolve) {
      const bytes = files[decodeURIComponent(resolve[1])]?.[resolve[2]];
      if (!bytes) return new Response('not found', { status: 404, headers: { 'X-Error-Code': 'EntryNotFound' } });
      const range = new Headers(init?.headers).get('Range');
      if (range === 'bytes=0-0') {
        return new Response(bytes.subarray(0, 1), {
          status: 206,
          headers: { 'Content-Range': `bytes 0-0/${bytes.length}`, ETag: '"etag"' },
        });
      }
      if (opts.failBodyOf === resolve[2]) {
        const half = bytes.subarray(0, bytes.length >> 1);
        const body = new ReadableStream({
          start(c) {
            c.enqueue(half);
            c.error(new Error('connection reset'));
          },
        });
        return new Response(body, { status: 200 });
      }
      return new Response(bytes, { status: 200 });
    }
    if (new RegExp(`^/api/datasets/`).test(url.pathname))
      return new Response('{"error":"Repository not found"}', { status: 404 });
    throw new Error(`fake hub: unexpected ${url.pathname}`);
  };
  return { fetch: fetchImpl, requests };
}

async function jsonlBytes(n: number): Promise<Uint8Array> {
  const p = join(tmp.dir, `src-${++dirNo}.jsonl`);
  await writeJsonlDataset(sampleDataset(n), p);
  return readFileSync(p);
}

test('hf references parse as owner/name with an optional revision', () => {
  assert.deepEqual(parseHfRef('hf:NathanGavenski/CartPole-v1'), { owner: 'NathanGavenski', name: 'CartPole-v1' });
  assert.deepEqual(parseHfRef('hf:a/b@v1.0'), { owner: 'a', name: 'b', revision: 'v1.0' });
  assert.throws(() => parseHfRef('hf:CartPole-v1'), /hf:<owner>\/<name>/);
  assert.throws(() => parseHfRef('NathanGavenski/CartPole-v1'), DatasetError);
});

test('offline, an uncached hf dataset fails with what to do: generate offline or copy the file into the cache', async () => {
  const cacheDir = freshCache();
  const dir = hfCacheDir(parseHfRef('hf:NathanGavenski/CartPole-v1'), cacheDir);
  await assert.rejects(
    ensureHfDataset('hf:NathanGavenski/CartPole-v1', { cacheDir, fetch: offlineFetch }),
    (err: unknown) => {
      assert.ok(err instanceof DatasetError);
      assert.equal(err.code, 'DATASET_OFFLINE');
      assert.match(err.message, /no network \(getaddrinfo ENOTFOUND huggingface\.co\)/);
      assert.ok(err.message.includes('evoscale dataset generate --env CartPole-v1'), err.message);
      assert.ok(err.message.includes("built-in dataset name 'cartpole'"), err.message);
      assert.ok(err.message.includes(dir), err.message);
      return true;
    },
  );
  assert.equal(existsSync(dir), false, 'nothing is left in the cache');
});

test('offline advice for LunarLander-v2 names the v3 environment', async () => {
  await assert.rejects(
    ensureHfDataset('hf:NathanGavenski/LunarLander-v2', { cacheDir: freshCache(), fetch: offlineFetch }),
    /evoscale dataset generate --env LunarLander-v3/,
  );
});

test('a cached copy is used without touching the network', async () => {
  const cacheDir = freshCache();
  const dir = hfCacheDir(parseHfRef('hf:NathanGavenski/CartPole-v1'), cacheDir);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'teacher.jsonl'), await jsonlBytes(30));
  const got = await ensureHfDataset('hf:NathanGavenski/CartPole-v1', { cacheDir, fetch: forbiddenFetch });
  assert.equal(got.fromCache, true);
  assert.deepEqual(got.files, [join(dir, 'teacher.jsonl')]);
});

test('in the cache, JSONL files win over Parquet copies of the same data; shards load in path order', async () => {
  const dir = join(freshCache(), 'x');
  mkdirSync(join(dir, 'default', 'train'), { recursive: true });
  await writeParquetDataset(sampleDataset(5), join(dir, 'default', 'train', '0001.parquet'));
  await writeParquetDataset(sampleDataset(5), join(dir, 'default', 'train', '0000.parquet'));
  assert.deepEqual(await cachedDataFiles(dir), [
    join(dir, 'default', 'train', '0000.parquet'),
    join(dir, 'default', 'train', '0001.parquet'),
  ]);
  writeFileSync(join(dir, 'teacher.jsonl'), await jsonlBytes(3));
  assert.deepEqual(await cachedDataFiles(dir), [join(dir, 'teacher.jsonl')]);
});

test('online, the JSONL file is downloaded into the cache and reused afterwards', async () => {
  const cacheDir = freshCache();
  const bytes = await jsonlBytes(40);
  const hub = fakeHub('o/d', { main: { 'teacher.jsonl': bytes, '.gitattributes': new Uint8Array(3) } });
  const seen: number[] = [];
  const got = await ensureHfDataset('hf:o/d', { cacheDir, fetch: hub.fetch, onProgress: (b) => seen.push(b) });
  assert.equal(got.fromCache, false);
  assert.deepEqual(got.files, [join(cacheDir, 'hf', 'o', 'd', 'teacher.jsonl')]);
  assert.deepEqual(readFileSync(got.files[0]), Buffer.from(bytes));
  assert.equal(seen.at(-1), bytes.length);
  const again = await ensureHfDataset('hf:o/d', { cacheDir, fetch: forbiddenFetch });
  assert.equal(again.fromCache, true);
  assert.deepEqual(again.files, got.files);
});

test('without data files on main, the Parquet conversion (refs/convert/parquet) is downloaded', async () => {
  const cacheDir = freshCache();
  const p = join(tmp.dir, 'conv.parquet');
  await writeParquetDataset(sampleDataset(12), p);
  const hub = fakeHub('o/p', {
    main: { 'README.md': new Uint8Array(5) },
    'refs/convert/parquet': { 'default/train/0000.parquet': readFileSync(p) },
  });
  const got = await ensureHfDataset('hf:o/p', { cacheDir, fetch: hub.fetch });
  assert.deepEqual(got.files, [join(cacheDir, 'hf', 'o', 'p', 'default', 'train', '0000.parquet')]);
  assert.ok(
    hub.requests.some((r) => r.includes('/resolve/refs%2Fconvert%2Fparquet/')),
    hub.requests.join('\n'),
  );
});

test('an unknown dataset is reported as not found, with a hint about spelling and HF_TOKEN', async () => {
  const hub = fakeHub('o/d', {});
  await assert.rejects(
    ensureHfDataset('hf:nobody/nothing', { cacheDir: freshCache(), fetch: hub.fetch }),
    (err: unknown) => {
      assert.ok(err instanceof DatasetError);
      assert.equal(err.code, 'DATASET_NOT_FOUND');
      assert.match(err.message, /hf:nobody\/nothing was not found .*HTTP 404.*HF_TOKEN/);
      return true;
    },
  );
});

test('an interrupted download leaves nothing in the cache, so the next run downloads again', async () => {
  const cacheDir = freshCache();
  const bytes = await jsonlBytes(200);
  const broken = fakeHub('o/d', { main: { 'teacher.jsonl': bytes } }, { failBodyOf: 'teacher.jsonl' });
  await assert.rejects(ensureHfDataset('hf:o/d', { cacheDir, fetch: broken.fetch }), DatasetError);
  const parent = join(cacheDir, 'hf', 'o');
  assert.deepEqual(existsSync(parent) ? readdirSync(parent) : [], []);
  const ok = fakeHub('o/d', { main: { 'teacher.jsonl': bytes } });
  const got = await ensureHfDataset('hf:o/d', { cacheDir, fetch: ok.fetch });
  assert.equal(got.fromCache, false);
  assert.deepEqual(readFileSync(got.files[0]), Buffer.from(bytes));
});

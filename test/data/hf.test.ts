import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { cachedDataFiles, ensureHfDataset, hfCacheDir, hfHubCache, parseHfRef } from '../../src/data/hf.js';
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

/** A commit hash per revision of the fake hub (40 hex digits, like the Hub's). */
const commitOf = (revision: string): string => createHash('sha1').update(`commit of ${revision}`).digest('hex');
const gitOid = (bytes: Uint8Array): string => createHash('sha1').update(bytes).digest('hex');

/**
 * A stand-in for the Hugging Face Hub serving `files` of one dataset repository at the given revisions (each at
 * commit `commitOf(revision)`): the revision API (datasetInfo's sha), the tree API (listFiles), paths-info and
 * resolve URLs with the Range probe downloadFile makes.
 */
function fakeHub(repo: string, files: Record<string, Record<string, Uint8Array>>, opts: { failBodyOf?: string } = {}) {
  const requests: string[] = [];
  const byCommit = new Map(Object.keys(files).map((rev) => [commitOf(rev), files[rev]]));
  const at = (rev: string): Record<string, Uint8Array> | undefined => files[rev] ?? byCommit.get(rev);
  const entry = (path: string, bytes: Uint8Array, commit: string) => ({
    type: 'file',
    path,
    size: bytes.length,
    oid: gitOid(bytes),
    lastCommit: { id: commit, title: 'upload', date: '2024-01-01T00:00:00.000Z' },
  });
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    requests.push(url.pathname);
    const info = new RegExp(`^/api/datasets/${repo}/revision/([^/?]+)$`).exec(url.pathname);
    if (info) {
      const rev = decodeURIComponent(info[1]);
      if (!at(rev)) return new Response('{"error":"Revision not found"}', { status: 404 });
      return Response.json({ _id: 'x', id: repo, sha: files[rev] ? commitOf(rev) : rev, private: false });
    }
    const tree = new RegExp(`^/api/datasets/${repo}/tree/([^?]+)$`).exec(url.pathname);
    if (tree) {
      const rev = decodeURIComponent(tree[1]);
      const got = at(rev);
      if (!got) return new Response('{"error":"Revision not found"}', { status: 404 });
      return Response.json(Object.entries(got).map(([path, bytes]) => entry(path, bytes, rev)));
    }
    const paths = new RegExp(`^/api/datasets/${repo}/paths-info/([^?]+)$`).exec(url.pathname);
    if (paths) {
      const rev = decodeURIComponent(paths[1]);
      const got = at(rev) ?? {};
      const asked = (JSON.parse(String(init?.body)) as { paths: string[] }).paths;
      return Response.json(asked.filter((p) => got[p]).map((p) => entry(p, got[p], rev)));
    }
    const resolve = new RegExp(`^/datasets/${repo}/resolve/([^/]+)/(.+)$`).exec(url.pathname);
    if (resolve) {
      const bytes = at(decodeURIComponent(resolve[1]))?.[resolve[2]];
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

/**
 * Writes a dataset into a hub cache the way Python's huggingface_hub lays it out: the file's bytes as
 * blobs/<sha256>, a relative symlink to it at snapshots/<commit>/<path>, and refs/<revision> holding the commit.
 */
function pythonCache(hubCache: string, repoId: string, revision: string, files: Record<string, Uint8Array>): string {
  const repoDir = join(hubCache, `datasets--${repoId.replace('/', '--')}`);
  const commit = commitOf(revision);
  for (const [path, bytes] of Object.entries(files)) {
    const blob = join(repoDir, 'blobs', createHash('sha256').update(bytes).digest('hex'));
    mkdirSync(dirname(blob), { recursive: true });
    writeFileSync(blob, bytes);
    const link = join(repoDir, 'snapshots', commit, path);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(relative(dirname(link), blob), link);
  }
  mkdirSync(dirname(join(repoDir, 'refs', revision)), { recursive: true });
  writeFileSync(join(repoDir, 'refs', revision), commit);
  return join(repoDir, 'snapshots', commit);
}

/** Runs `fn` with the Hugging Face cache variables set as given (others unset), then restores them. */
async function withHfEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const keys = ['HF_HOME', 'HF_HUB_CACHE', 'HUGGINGFACE_HUB_CACHE', 'XDG_CACHE_HOME'];
  const saved = keys.map((k) => process.env[k]);
  for (const k of keys) delete process.env[k];
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    keys.forEach((k, i) => {
      if (saved[i] === undefined) delete process.env[k];
      else process.env[k] = saved[i];
    });
  }
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

test('offline, an uncached hf dataset fails with what to do: generate offline or fetch it into the shared cache', async () => {
  const hubCache = freshCache();
  const dir = hfCacheDir(parseHfRef('hf:NathanGavenski/CartPole-v1'), hubCache);
  assert.equal(dir, join(hubCache, 'datasets--NathanGavenski--CartPole-v1'));
  await assert.rejects(
    ensureHfDataset('hf:NathanGavenski/CartPole-v1', { hubCache, fetch: offlineFetch }),
    (err: unknown) => {
      assert.ok(err instanceof DatasetError);
      assert.equal(err.code, 'DATASET_OFFLINE');
      assert.match(err.message, /no network \(getaddrinfo ENOTFOUND huggingface\.co\)/);
      assert.ok(err.message.includes('evoscale dataset generate --env CartPole-v1'), err.message);
      assert.ok(err.message.includes("built-in dataset name 'cartpole'"), err.message);
      assert.ok(err.message.includes('huggingface-cli download --repo-type dataset NathanGavenski/CartPole-v1'), err.message); // prettier-ignore
      assert.ok(err.message.includes(dir), err.message);
      return true;
    },
  );
  assert.equal(existsSync(dir), false, 'nothing is left in the cache');
});

test('offline advice for LunarLander-v2 names the v3 environment', async () => {
  await assert.rejects(
    ensureHfDataset('hf:NathanGavenski/LunarLander-v2', { hubCache: freshCache(), fetch: offlineFetch }),
    /evoscale dataset generate --env LunarLander-v3/,
  );
});

test('the cache is where Python looks: HF_HUB_CACHE, else HF_HOME/hub, else XDG_CACHE_HOME/huggingface/hub', async () => {
  await withHfEnv({ HF_HOME: '/x/hf' }, async () => assert.equal(hfHubCache(), '/x/hf/hub'));
  await withHfEnv({ HF_HOME: '/x/hf', HF_HUB_CACHE: '/y/hub' }, async () => assert.equal(hfHubCache(), '/y/hub'));
  await withHfEnv({ XDG_CACHE_HOME: '/z' }, async () => assert.equal(hfHubCache(), '/z/huggingface/hub'));
});

test("a dataset Python's huggingface_hub cached (blobs, snapshots, refs/main) under HF_HOME loads offline", async () => {
  const home = freshCache();
  const snapshot = pythonCache(join(home, 'hub'), 'NathanGavenski/CartPole-v1', 'main', {
    'teacher.jsonl': await jsonlBytes(30),
    '.gitattributes': new Uint8Array(3),
  });
  const got = await withHfEnv({ HF_HOME: home }, () =>
    ensureHfDataset('hf:NathanGavenski/CartPole-v1', { fetch: forbiddenFetch }),
  );
  assert.equal(got.fromCache, true);
  assert.equal(got.dir, snapshot);
  assert.deepEqual(got.files, [join(snapshot, 'teacher.jsonl')]);
});

test("Python's cached Parquet conversion (refs/refs/convert/parquet) is found when main has no data files", async () => {
  const hubCache = freshCache();
  const p = join(tmp.dir, 'conv-cached.parquet');
  await writeParquetDataset(sampleDataset(7), p);
  pythonCache(hubCache, 'o/conv', 'main', { 'README.md': new Uint8Array(4) });
  const snapshot = pythonCache(hubCache, 'o/conv', 'refs/convert/parquet', {
    'default/train/0000.parquet': readFileSync(p),
  });
  const got = await ensureHfDataset('hf:o/conv', { hubCache, fetch: forbiddenFetch });
  assert.deepEqual(got.files, [join(snapshot, 'default', 'train', '0000.parquet')]);
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

test("online, the JSONL file lands in Python's layout (blob, snapshot link, refs/main) and is reused offline", async () => {
  const hubCache = freshCache();
  const bytes = await jsonlBytes(40);
  const hub = fakeHub('o/d', { main: { 'teacher.jsonl': bytes, '.gitattributes': new Uint8Array(3) } });
  const seen: number[] = [];
  const got = await ensureHfDataset('hf:o/d', { hubCache, fetch: hub.fetch, onProgress: (b) => seen.push(b) });
  assert.equal(got.fromCache, false);
  const repoDir = join(hubCache, 'datasets--o--d');
  const commit = commitOf('main');
  const link = join(repoDir, 'snapshots', commit, 'teacher.jsonl');
  assert.deepEqual(got.files, [link]);
  assert.equal(readFileSync(join(repoDir, 'refs', 'main'), 'utf8'), commit);
  assert.ok(lstatSync(link).isSymbolicLink(), 'the snapshot entry links to the blob, as in Python');
  assert.equal(readlinkSync(link), join('..', '..', 'blobs', gitOid(bytes)));
  assert.deepEqual(readFileSync(join(repoDir, 'blobs', gitOid(bytes))), Buffer.from(bytes));
  assert.equal(seen.at(-1), bytes.length);
  const again = await ensureHfDataset('hf:o/d', { hubCache, fetch: forbiddenFetch });
  assert.equal(again.fromCache, true);
  assert.deepEqual(again.files, got.files);
});

test('without data files on main, the Parquet conversion (refs/convert/parquet) is downloaded', async () => {
  const hubCache = freshCache();
  const p = join(tmp.dir, 'conv.parquet');
  await writeParquetDataset(sampleDataset(12), p);
  const hub = fakeHub('o/p', {
    main: { 'README.md': new Uint8Array(5) },
    'refs/convert/parquet': { 'default/train/0000.parquet': readFileSync(p) },
  });
  const got = await ensureHfDataset('hf:o/p', { hubCache, fetch: hub.fetch });
  const commit = commitOf('refs/convert/parquet');
  assert.deepEqual(got.files, [join(hubCache, 'datasets--o--p', 'snapshots', commit, 'default', 'train', '0000.parquet')]); // prettier-ignore
  assert.equal(readFileSync(join(hubCache, 'datasets--o--p', 'refs', 'refs', 'convert', 'parquet'), 'utf8'), commit);
  assert.ok(
    hub.requests.some((r) => r.includes('/revision/refs%2Fconvert%2Fparquet')),
    hub.requests.join('\n'),
  );
});

test('an unknown dataset is reported as not found, with a hint about spelling and HF_TOKEN', async () => {
  const hub = fakeHub('o/d', {});
  await assert.rejects(
    ensureHfDataset('hf:nobody/nothing', { hubCache: freshCache(), fetch: hub.fetch }),
    (err: unknown) => {
      assert.ok(err instanceof DatasetError);
      assert.equal(err.code, 'DATASET_NOT_FOUND');
      assert.match(err.message, /hf:nobody\/nothing was not found .*HTTP 404.*HF_TOKEN/);
      return true;
    },
  );
});

test('an interrupted download is not taken for a cached dataset: the next run downloads again', async () => {
  const hubCache = freshCache();
  const bytes = await jsonlBytes(200);
  const broken = fakeHub('o/d', { main: { 'teacher.jsonl': bytes } }, { failBodyOf: 'teacher.jsonl' });
  await assert.rejects(ensureHfDataset('hf:o/d', { hubCache, fetch: broken.fetch }), DatasetError);
  assert.equal(existsSync(join(hubCache, 'datasets--o--d', 'refs', 'main')), false);
  const ok = fakeHub('o/d', { main: { 'teacher.jsonl': bytes } });
  const got = await ensureHfDataset('hf:o/d', { hubCache, fetch: ok.fetch });
  assert.equal(got.fromCache, false);
  assert.deepEqual(readFileSync(got.files[0]), Buffer.from(bytes));
});

/**
 * A binary copy of a dataset file's typed arrays, kept in the cache so that a process (or each of its worker
 * threads) loads a dataset in milliseconds instead of decoding Parquet or JSON again: decoding the built-in
 * CartPole Parquet file took about 4 s per thread on the 2-core machine, and every trial thread did it.
 *
 * Layout: "EVOSBIN1", u32 header bytes, JSON header (source file size and mtime, env, meta), zero padding to
 * 8 bytes, then observations (f32, size × obsDim), actions (i32), rewards (f32), episode starts (u8), all
 * little-endian. The bytes are read into a SharedArrayBuffer, so the arrays can be posted to other threads
 * without a copy. A copy whose source changed, or that cannot be read whole, is ignored and rewritten.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createDataset, type Dataset, type DatasetMeta } from '../shared/data/dataset.js';
import { cacheRoot } from './cache.js';
import { writeAtomically } from './files.js';

const MAGIC = 'EVOSBIN1';
/** Bump when the layout changes, so that old copies are not read. */
const FORMAT_VERSION = 1;

interface Header {
  version: number;
  source: { path: string; size: number; mtimeMs: number };
  envId: string;
  size: number;
  obsDim: number;
  meta: DatasetMeta;
}

/** Where the binary copy of the dataset file at `path` lives: <cache>/binary/<hash of its absolute path>.bin. */
export function binaryCachePath(path: string, root: string = cacheRoot()): string {
  const key = createHash('sha256').update(resolve(path)).digest('hex').slice(0, 32);
  return join(root, 'binary', `${key}.bin`);
}

const align8 = (n: number): number => (n + 7) & ~7;

function sourceStamp(path: string): Header['source'] {
  const s = statSync(path);
  return { path: resolve(path), size: s.size, mtimeMs: s.mtimeMs };
}

/**
 * The dataset of `path` from its binary copy, or undefined when there is none, it belongs to another version
 * of the file (or another env), or it is damaged. `source` replaces the recorded meta.source.
 */
export function readBinaryCache(
  path: string,
  opts: { envId?: string; source?: string; cacheDir?: string } = {},
): Dataset | undefined {
  let fd: number;
  try {
    fd = openSync(binaryCachePath(path, opts.cacheDir), 'r');
  } catch {
    return undefined;
  }
  try {
    const total = fstatSync(fd).size;
    if (total < 12) return undefined;
    const bytes = new Uint8Array(new SharedArrayBuffer(total));
    let got = 0;
    while (got < total) {
      const k = readSync(fd, bytes, got, total - got, got);
      if (k <= 0) return undefined;
      got += k;
    }
    if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) return undefined;
    const headerBytes = new DataView(bytes.buffer).getUint32(8, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.slice(12, 12 + headerBytes))) as Header;
    const stamp = sourceStamp(path);
    if (
      header.version !== FORMAT_VERSION ||
      header.source.path !== stamp.path ||
      header.source.size !== stamp.size ||
      header.source.mtimeMs !== stamp.mtimeMs ||
      (opts.envId !== undefined && opts.envId !== header.envId)
    ) {
      return undefined;
    }
    const n = header.size;
    const d = header.obsDim;
    let at = align8(12 + headerBytes);
    const obs = new Float32Array(bytes.buffer, at, n * d);
    at += 4 * n * d;
    const actions = new Int32Array(bytes.buffer, at, n);
    at += 4 * n;
    const rewards = new Float32Array(bytes.buffer, at, n);
    at += 4 * n;
    const starts = new Uint8Array(bytes.buffer, at, n);
    if (at + n !== total) return undefined;
    return createDataset({
      envId: header.envId,
      observations: obs,
      actions,
      rewards,
      episodeStarts: starts,
      meta: { ...header.meta, source: opts.source ?? header.meta.source },
    });
  } catch {
    // A damaged copy is only a slower load: the caller reads the source file again.
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Writes the binary copy of `ds`, read from the file at `path` (atomically: readers never see half of one). */
export async function writeBinaryCache(path: string, ds: Dataset, opts: { cacheDir?: string } = {}): Promise<void> {
  const header: Header = {
    version: FORMAT_VERSION,
    source: sourceStamp(path),
    envId: ds.envId,
    size: ds.size,
    obsDim: ds.obsDim,
    meta: ds.meta,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const n = ds.size;
  const d = ds.obsDim;
  const start = align8(12 + json.length);
  const out = new Uint8Array(start + 4 * n * d + 8 * n + n);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  let at = start;
  const put = (a: Float32Array | Int32Array | Uint8Array): void => {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  };
  put(ds.observations.subarray(0, n * d));
  put(ds.actions.subarray(0, n));
  put(ds.rewards.subarray(0, n));
  put(ds.episodeStarts.subarray(0, n));
  await writeAtomically(binaryCachePath(path, opts.cacheDir), (tmp) => writeFile(tmp, out));
}

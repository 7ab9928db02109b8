/**
 * `hf:<owner>/<name>[@revision]` datasets: found in the local cache (no network needed), else downloaded there
 * with the HuggingFace hub client. JSONL files on the main branch are preferred (the IL-datasets originals);
 * without them, the Parquet files HuggingFace converts to under `refs/convert/parquet` are used.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { HubApiError, downloadFile, listFiles } from '@huggingface/hub';
import type { ListFileEntry } from '@huggingface/hub';
import { DatasetError } from '../shared/data/errors.js';
import { datasetEnvSpec } from '../shared/data/envs.js';
import { cacheRoot } from './cache.js';
import { writeAtomically } from './files.js';

export interface HfDatasetRef {
  owner: string;
  name: string;
  /** Branch, tag or commit; default: main (then refs/convert/parquet if main has no data files). */
  revision?: string;
}

const PART = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Parses `hf:owner/name` or `hf:owner/name@revision`. */
export function parseHfRef(ref: string): HfDatasetRef {
  const m = /^hf:([^/@\s]+)\/([^/@\s]+)(?:@(\S+))?$/.exec(ref.trim());
  if (!m || !PART.test(m[1]) || !PART.test(m[2])) {
    throw new DatasetError(
      `'${ref}' is not a HuggingFace dataset reference; write it as hf:<owner>/<name>, e.g. hf:NathanGavenski/CartPole-v1`,
    );
  }
  return m[3] === undefined ? { owner: m[1], name: m[2] } : { owner: m[1], name: m[2], revision: m[3] };
}

/** The reference as text, `hf:owner/name[@revision]`. */
export function formatHfRef(ref: HfDatasetRef): string {
  return `hf:${ref.owner}/${ref.name}${ref.revision ? '@' + ref.revision : ''}`;
}

/** Folder holding the cached files of a HuggingFace dataset: <cache>/hf/<owner>/<name>[@<revision>]. */
export function hfCacheDir(ref: HfDatasetRef, root: string = cacheRoot()): string {
  const leaf = ref.revision ? `${ref.name}@${ref.revision.replace(/[\\/]/g, '_')}` : ref.name;
  return join(root, 'hf', ref.owner, leaf);
}

const isData = (p: string): boolean => p.endsWith('.jsonl') || p.endsWith('.parquet');

/** JSONL files if there are any, else Parquet files, sorted by path (shard order). */
function preferredDataFiles(paths: readonly string[]): string[] {
  const jsonl = paths.filter((p) => p.endsWith('.jsonl'));
  const chosen = jsonl.length > 0 ? jsonl : paths.filter((p) => p.endsWith('.parquet'));
  return [...chosen].sort();
}

/** Data files already in a cache folder (none if the folder does not exist); unfinished downloads are ignored. */
export async function cachedDataFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { recursive: true })) as string[];
  } catch {
    return [];
  }
  return preferredDataFiles(names.filter(isData).map((n) => join(dir, n)));
}

export interface HfDownloadOptions {
  /** Cache root (default $EVOSCALE_CACHE or ~/.cache/evoscale); files go to <root>/hf/<owner>/<name>. */
  cacheDir?: string;
  /** Hub access token for private datasets (default: $HF_TOKEN). */
  accessToken?: string;
  /** Custom fetch (proxies, tests). */
  fetch?: typeof fetch;
  hubUrl?: string;
  /** Called as bytes arrive, with the file being downloaded (its path in the repository). */
  onProgress?: (bytes: number, totalBytes: number, file: string) => void;
}

export interface HfDatasetFiles {
  ref: HfDatasetRef;
  dir: string;
  /** Absolute paths of the data files, in load order. */
  files: string[];
  /** True when nothing had to be downloaded. */
  fromCache: boolean;
}

/** What to do without the Hub: generate offline or place the files in the cache by hand. */
function offlineAdvice(ref: HfDatasetRef, dir: string): string {
  let envId = '<id>';
  let builtin = '';
  try {
    envId = datasetEnvSpec(ref.name).id;
    builtin = envId.startsWith('CartPole') ? 'cartpole' : envId.startsWith('LunarLander') ? 'lunarlander' : '';
  } catch {
    // the repository name is not an env id: leave the placeholder
  }
  const out = `${ref.name.toLowerCase()}.jsonl`;
  return (
    `either generate an equivalent dataset with \`evoscale dataset generate --env ${envId} --out ${out}\` and pass ${out}` +
    (builtin ? ` (or use the built-in dataset name '${builtin}')` : '') +
    `; or copy the dataset's files (e.g. teacher.jsonl, or the .parquet files of refs/convert/parquet) into ${dir}${sep} ` +
    `and run again: a cached copy is used without network`
  );
}

function toDatasetError(err: unknown, ref: HfDatasetRef, dir: string): DatasetError {
  if (err instanceof DatasetError) return err;
  const what = formatHfRef(ref);
  if (err instanceof HubApiError) {
    if (err.statusCode === 401 || err.statusCode === 403 || err.statusCode === 404) {
      return new DatasetError(
        `${what} was not found on the HuggingFace Hub (HTTP ${err.statusCode}): check the spelling ` +
          `(https://huggingface.co/datasets/${ref.owner}/${ref.name}); for a private dataset set HF_TOKEN`,
        'DATASET_NOT_FOUND',
      );
    }
    return new DatasetError(
      `the HuggingFace Hub answered HTTP ${err.statusCode} for ${what} (${err.message}); try again later, or meanwhile ${offlineAdvice(ref, dir)}`,
      'DATASET_IO',
    );
  }
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const detail = e.cause?.message ?? e.cause?.code ?? e.message ?? String(err);
  return new DatasetError(
    `cannot download ${what}: no network (${detail}). To work offline, ${offlineAdvice(ref, dir)}`,
    'DATASET_OFFLINE',
  );
}

async function listAll(params: Parameters<typeof listFiles>[0]): Promise<ListFileEntry[]> {
  const out: ListFileEntry[] = [];
  for await (const e of listFiles(params)) out.push(e);
  return out;
}

async function saveBlob(blob: Blob, dest: string, onBytes: (n: number) => void): Promise<void> {
  await writeAtomically(dest, async (tmp) => {
    const out = createWriteStream(tmp);
    const failed = new Promise<never>((_, reject) => out.once('error', reject));
    failed.catch(() => undefined);
    const reader = blob.stream().getReader();
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), failed]);
      if (done) break;
      onBytes(value.byteLength);
      if (!out.write(value)) await Promise.race([once(out, 'drain'), failed]);
    }
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
  });
}

/**
 * The local data files of an `hf:` dataset: the cached copy when one exists (no network used), otherwise
 * downloaded into the cache. Throws DatasetError with what to do when offline or not found.
 */
export async function ensureHfDataset(
  ref: string | HfDatasetRef,
  opts: HfDownloadOptions = {},
): Promise<HfDatasetFiles> {
  const r = typeof ref === 'string' ? parseHfRef(ref) : ref;
  const dir = hfCacheDir(r, opts.cacheDir ?? cacheRoot());
  const cached = await cachedDataFiles(dir);
  if (cached.length > 0) return { ref: r, dir, files: cached, fromCache: true };

  const repo = { type: 'dataset' as const, name: `${r.owner}/${r.name}` };
  const accessToken = opts.accessToken ?? process.env.HF_TOKEN;
  const staging = `${dir}.partial-${process.pid}`;
  const common = { repo, fetch: opts.fetch, hubUrl: opts.hubUrl, ...(accessToken ? { accessToken } : {}) };
  try {
    let revision = r.revision ?? 'main';
    let entries = await listAll({ ...common, revision, recursive: true });
    let chosen = preferredDataFiles(entries.filter((e) => e.type === 'file' && isData(e.path)).map((e) => e.path));
    if (chosen.length === 0 && r.revision === undefined) {
      revision = 'refs/convert/parquet';
      // listFiles puts the revision in the URL as is, so the slashes are escaped here.
      entries = await listAll({ ...common, revision: encodeURIComponent(revision), recursive: true });
      chosen = entries
        .filter((e) => e.type === 'file' && e.path.endsWith('.parquet'))
        .map((e) => e.path)
        .sort();
    }
    if (chosen.length === 0) {
      const seen =
        entries
          .map((e) => e.path)
          .slice(0, 10)
          .join(', ') || 'none';
      throw new DatasetError(
        `${formatHfRef(r)} has no .jsonl or .parquet data files (files: ${seen}); pick another dataset or pass a local file`,
        'DATASET_NOT_FOUND',
      );
    }
    const sizes = new Map(entries.map((e) => [e.path, e.lfs?.size ?? e.size]));
    const totalBytes = chosen.reduce((s, p) => s + (sizes.get(p) ?? 0), 0);
    let bytes = 0;
    // Everything lands in a staging folder that becomes the cache folder only when complete, so an interrupted
    // download is never mistaken for a cached dataset.
    await mkdir(dirname(dir), { recursive: true });
    await rm(staging, { recursive: true, force: true });
    for (const path of chosen) {
      const blob = await downloadFile({ ...common, path, revision });
      if (blob === null) {
        throw new DatasetError(
          `${formatHfRef(r)}: ${path} disappeared from the Hub while downloading; run again`,
          'DATASET_NOT_FOUND',
        );
      }
      await saveBlob(blob, join(staging, path), (n) => {
        bytes += n;
        opts.onProgress?.(bytes, totalBytes, path);
      });
    }
    try {
      await rename(staging, dir);
    } catch (err) {
      // Another process finished the same download first: keep its copy.
      if ((await cachedDataFiles(dir)).length === 0) throw err;
    }
    return { ref: r, dir, files: await cachedDataFiles(dir), fromCache: false };
  } catch (err) {
    throw toDatasetError(err, r, dir);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

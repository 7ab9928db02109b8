/**
 * `hf:<owner>/<name>[@revision]` datasets, kept in the Hugging Face cache that Python's `huggingface_hub` and
 * `datasets` use (`$HF_HUB_CACHE`, else `$HF_HOME/hub`, else `~/.cache/huggingface/hub`; the path comes from
 * `@huggingface/hub`'s `getHFHubCachePath`), in its layout: `datasets--<owner>--<name>/` with `blobs/<etag>`,
 * `snapshots/<commit>/<path>` (links to the blobs) and `refs/<revision>` (the commit a branch pointed at). So a
 * dataset Python already fetched is found offline, and one evoscale fetched is Python's too. JSONL files on the
 * main branch are preferred (the IL-datasets originals); without them, the Parquet files Hugging Face converts to
 * under `refs/convert/parquet` are used.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  HubApiError,
  REGEX_COMMIT_HASH,
  datasetInfo,
  downloadFileToCacheDir,
  getHFHubCachePath,
  getRepoFolderName,
  listFiles,
} from '@huggingface/hub';
import type { ListFileEntry } from '@huggingface/hub';
import { DatasetError } from '../shared/data/errors.js';
import { datasetEnvSpec } from '../shared/data/envs.js';
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

/** The Hugging Face hub cache: `$HF_HUB_CACHE`, else `$HF_HOME/hub`, else `~/.cache/huggingface/hub` (as Python's). */
export function hfHubCache(): string {
  return getHFHubCachePath();
}

/** A dataset's folder in the Hugging Face cache: `<hub cache>/datasets--<owner>--<name>`. */
export function hfCacheDir(ref: HfDatasetRef, hubCache: string = hfHubCache()): string {
  return join(hubCache, getRepoFolderName({ type: 'dataset', name: `${ref.owner}/${ref.name}` }));
}

/** The revision Parquet conversions live on. */
const PARQUET_REVISION = 'refs/convert/parquet';

const isData = (p: string): boolean => p.endsWith('.jsonl') || p.endsWith('.parquet');

/** JSONL files if there are any, else Parquet files, sorted by path (shard order). */
function preferredDataFiles(paths: readonly string[]): string[] {
  const jsonl = paths.filter((p) => p.endsWith('.jsonl'));
  const chosen = jsonl.length > 0 ? jsonl : paths.filter((p) => p.endsWith('.parquet'));
  return [...chosen].sort();
}

/** Data files under a folder (none if it does not exist), JSONL preferred; `.incomplete` downloads are ignored. */
export async function cachedDataFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { recursive: true })) as string[];
  } catch {
    return [];
  }
  return preferredDataFiles(names.filter(isData).map((n) => join(dir, n)));
}

/** The commit a revision resolves to in a cached repository: itself if a commit hash, else `refs/<revision>`. */
async function cachedCommit(repoDir: string, revision: string): Promise<string | undefined> {
  if (REGEX_COMMIT_HASH.test(revision)) return revision;
  try {
    return (await readFile(join(repoDir, 'refs', ...revision.split('/')), 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/** A cached snapshot's data files: the revision asked for, else main then its Parquet conversion. */
async function cachedSnapshot(
  repoDir: string,
  revision: string | undefined,
): Promise<{ dir: string; files: string[] } | undefined> {
  for (const rev of revision === undefined ? ['main', PARQUET_REVISION] : [revision]) {
    const commit = await cachedCommit(repoDir, rev);
    if (commit === undefined) continue;
    const dir = join(repoDir, 'snapshots', commit);
    let files = await cachedDataFiles(dir);
    if (rev === PARQUET_REVISION) files = files.filter((f) => f.endsWith('.parquet'));
    if (files.length > 0) return { dir, files };
  }
  return undefined;
}

export interface HfDownloadOptions {
  /** The Hugging Face hub cache (default `hfHubCache()`, the one Python uses); files go to datasets--owner--name/. */
  hubCache?: string;
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
  /** The snapshot folder holding the files: `<hub cache>/datasets--owner--name/snapshots/<commit>`. */
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
    `; or fetch it where there is network with Python (\`huggingface-cli download --repo-type dataset ${ref.owner}/${ref.name}\`) ` +
    `into the same Hugging Face cache (${dir}, set by HF_HOME) and run again: a cached copy is used without network`
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

/**
 * The local data files of an `hf:` dataset: the cached snapshot when one exists (no network used), otherwise
 * downloaded into the Hugging Face cache through `@huggingface/hub`'s `downloadFileToCacheDir`, in Python's
 * layout. Throws DatasetError with what to do when offline or not found.
 */
export async function ensureHfDataset(
  ref: string | HfDatasetRef,
  opts: HfDownloadOptions = {},
): Promise<HfDatasetFiles> {
  const r = typeof ref === 'string' ? parseHfRef(ref) : ref;
  const hubCache = opts.hubCache ?? hfHubCache();
  const repoDir = hfCacheDir(r, hubCache);
  const cached = await cachedSnapshot(repoDir, r.revision);
  if (cached !== undefined) return { ref: r, ...cached, fromCache: true };

  const name = `${r.owner}/${r.name}`;
  const repo = { type: 'dataset' as const, name };
  const accessToken = opts.accessToken ?? process.env.HF_TOKEN;
  const common = { repo, fetch: opts.fetch, hubUrl: opts.hubUrl, ...(accessToken ? { accessToken } : {}) };
  /** The commit a revision points at now, and its data files (JSONL preferred, or Parquet only). */
  const snapshot = async (revision: string, parquetOnly: boolean) => {
    const info = await datasetInfo({ ...common, name, revision, additionalFields: ['sha'] });
    const commit = (info as { sha?: string }).sha;
    if (commit === undefined || !REGEX_COMMIT_HASH.test(commit)) {
      throw new DatasetError(`the Hugging Face Hub gave no commit for ${formatHfRef(r)} at ${revision}; try again`, 'DATASET_IO'); // prettier-ignore
    }
    const entries = await listAll({ ...common, revision: commit, recursive: true });
    const files = entries.filter((e) => e.type === 'file' && isData(e.path)).map((e) => e.path);
    return { revision, commit, entries, chosen: parquetOnly ? files.filter((p) => p.endsWith('.parquet')).sort() : preferredDataFiles(files) }; // prettier-ignore
  };
  try {
    let snap = await snapshot(r.revision ?? 'main', false);
    if (snap.chosen.length === 0 && r.revision === undefined) snap = await snapshot(PARQUET_REVISION, true);
    const { revision, commit, entries, chosen } = snap;
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
    const files: string[] = [];
    for (const path of chosen) {
      // Blobs land whole (written to `.incomplete`, then renamed) and are linked from snapshots/<commit>/.
      files.push(await downloadFileToCacheDir({ ...common, path, revision: commit, cacheDir: hubCache }));
      bytes += sizes.get(path) ?? 0;
      opts.onProgress?.(bytes, totalBytes, path);
    }
    // Python's refs/<branch>, written last: a cache lookup by branch never sees a half-downloaded snapshot.
    if (revision !== commit) await writeAtomically(join(repoDir, 'refs', ...revision.split('/')), async (tmp) => writeFile(tmp, commit)); // prettier-ignore
    return { ref: r, dir: join(repoDir, 'snapshots', commit), files, fromCache: false };
  } catch (err) {
    throw toDatasetError(err, r, repoDir);
  }
}

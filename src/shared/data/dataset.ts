/**
 * The one in-memory form of a behaviour-cloning dataset: flat typed arrays, row i = (obs_i, action_i, reward_i).
 * `obs_i` is the observation the action was taken in (recorded before stepping).
 */
import { DatasetError } from './errors.js';
import { datasetEnvSpec } from './envs.js';

/** Where the rows came from; extra keys (seed, generator…) are kept and written with the data where the format allows. */
export interface DatasetMeta {
  /** Human-readable origin: a file path, `hf:owner/name`, or `generated:<env>:expert:seed=<s>:steps=<n>`. */
  readonly source: string;
  /** True when generated offline from a built-in expert rather than read from a recorded dataset. */
  readonly synthetic?: boolean;
  readonly [key: string]: unknown;
}

export interface Dataset {
  readonly envId: string;
  readonly obsDim: number;
  readonly nActions: number;
  /** Number of rows. */
  readonly size: number;
  /** size × obsDim, row-major. */
  readonly observations: Float32Array;
  /** In [0, nActions). */
  readonly actions: Int32Array;
  readonly rewards: Float32Array;
  /** 1 where a row is the first step of an episode. */
  readonly episodeStarts: Uint8Array;
  /** Episode number of each row, counted from 0 in file order; subsets keep the ids of the rows they took. */
  readonly episodeIds: Int32Array;
  readonly meta: DatasetMeta;
}

export interface DatasetFields {
  envId: string;
  observations: Float32Array;
  actions: Int32Array;
  rewards: Float32Array;
  episodeStarts: Uint8Array;
  /** Derived from `episodeStarts` when omitted (row 0 always opens episode 0). */
  episodeIds?: Int32Array;
  meta: DatasetMeta;
}

/** Episode ids from start flags: a new id at every start after row 0; row 0 is episode 0 whatever its flag. */
export function episodeIdsFromStarts(episodeStarts: Uint8Array): Int32Array {
  const ids = new Int32Array(episodeStarts.length);
  let id = 0;
  for (let i = 0; i < episodeStarts.length; i++) {
    if (i > 0 && episodeStarts[i] !== 0) id++;
    ids[i] = id;
  }
  return ids;
}

/** Builds a Dataset from arrays (not copied) after checking them with `validateDataset`. */
export function createDataset(fields: DatasetFields): Dataset {
  const spec = datasetEnvSpec(fields.envId);
  const ds: Dataset = {
    envId: spec.id,
    obsDim: spec.obsDim,
    nActions: spec.nActions,
    size: fields.actions.length,
    observations: fields.observations,
    actions: fields.actions,
    rewards: fields.rewards,
    episodeStarts: fields.episodeStarts,
    episodeIds: fields.episodeIds ?? episodeIdsFromStarts(fields.episodeStarts),
    meta: fields.meta,
  };
  validateDataset(ds);
  return ds;
}

/**
 * Checks every invariant a consumer relies on: non-empty, consistent lengths, finite observations and rewards,
 * integer actions in [0, nActions). Throws a DatasetError naming the first bad row (1-based) and the source.
 */
export function validateDataset(ds: Dataset): void {
  const src = ds.meta.source;
  const spec = datasetEnvSpec(ds.envId);
  if (spec.obsDim !== ds.obsDim || spec.nActions !== ds.nActions) {
    throw new DatasetError(
      `${src}: ${ds.envId} has obs dim ${spec.obsDim} and ${spec.nActions} actions, ` +
        `the dataset says ${ds.obsDim} and ${ds.nActions}`,
    );
  }
  const n = ds.size;
  if (!Number.isInteger(n) || n <= 0)
    throw new DatasetError(`${src}: dataset is empty (0 rows); it needs at least one row`);
  const lengths: [string, number, number][] = [
    ['observations', ds.observations.length, n * ds.obsDim],
    ['actions', ds.actions.length, n],
    ['rewards', ds.rewards.length, n],
    ['episodeStarts', ds.episodeStarts.length, n],
    ['episodeIds', ds.episodeIds.length, n],
  ];
  for (const [name, got, want] of lengths) {
    if (got !== want) throw new DatasetError(`${src}: ${name} has length ${got}, expected ${want} (${n} rows)`);
  }
  const obs = ds.observations;
  const d = ds.obsDim;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = obs[i * d + j];
      if (!Number.isFinite(v))
        throw new DatasetError(`${src}: row ${i + 1}: obs[${j}] is ${v}, expected a finite number`);
    }
    const a = ds.actions[i];
    if (a < 0 || a >= ds.nActions) {
      throw new DatasetError(`${src}: row ${i + 1}: action ${a} is outside ${ds.envId}'s range 0..${ds.nActions - 1}`);
    }
    if (!Number.isFinite(ds.rewards[i])) {
      throw new DatasetError(`${src}: row ${i + 1}: reward is ${ds.rewards[i]}, expected a finite number`);
    }
  }
}

/** A new Dataset holding copies of the given rows, in the given order (indices may repeat). */
export function takeRows(ds: Dataset, indices: ArrayLike<number>, meta: DatasetMeta = ds.meta): Dataset {
  const m = indices.length;
  if (m === 0) throw new DatasetError(`${ds.meta.source}: cannot take an empty subset; pass at least one row index`);
  const d = ds.obsDim;
  const observations = new Float32Array(m * d);
  const actions = new Int32Array(m);
  const rewards = new Float32Array(m);
  const episodeStarts = new Uint8Array(m);
  const episodeIds = new Int32Array(m);
  for (let k = 0; k < m; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= ds.size) {
      throw new DatasetError(`${ds.meta.source}: row index ${i} (position ${k}) is outside 0..${ds.size - 1}`);
    }
    observations.set(ds.observations.subarray(i * d, i * d + d), k * d);
    actions[k] = ds.actions[i];
    rewards[k] = ds.rewards[i];
    episodeStarts[k] = ds.episodeStarts[i];
    episodeIds[k] = ds.episodeIds[i];
  }
  return { ...ds, size: m, observations, actions, rewards, episodeStarts, episodeIds, meta };
}

/** Rows [start, end) as a copied Dataset. */
export function sliceRows(ds: Dataset, start: number, end: number = ds.size): Dataset {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > ds.size || start >= end) {
    throw new DatasetError(
      `${ds.meta.source}: row range [${start}, ${end}) is not a non-empty range inside 0..${ds.size}`,
    );
  }
  const d = ds.obsDim;
  return {
    ...ds,
    size: end - start,
    observations: ds.observations.slice(start * d, end * d),
    actions: ds.actions.slice(start, end),
    rewards: ds.rewards.slice(start, end),
    episodeStarts: ds.episodeStarts.slice(start, end),
    episodeIds: ds.episodeIds.slice(start, end),
  };
}

/**
 * Appends datasets of one env in order (e.g. the shards of a HuggingFace dataset). Episode ids are recomputed
 * from the start flags, so an episode split across two shards stays one episode.
 */
export function concatDatasets(parts: readonly Dataset[], meta: DatasetMeta): Dataset {
  if (parts.length === 0) throw new DatasetError(`${meta.source}: no data files to combine`);
  const first = parts[0];
  for (const p of parts) {
    if (p.envId !== first.envId) {
      throw new DatasetError(
        `${meta.source}: parts belong to different envs (${first.envId}, ${p.envId}); combine one env at a time`,
      );
    }
  }
  const n = parts.reduce((s, p) => s + p.size, 0);
  const d = first.obsDim;
  const observations = new Float32Array(n * d);
  const actions = new Int32Array(n);
  const rewards = new Float32Array(n);
  const episodeStarts = new Uint8Array(n);
  let row = 0;
  for (const p of parts) {
    observations.set(p.observations, row * d);
    actions.set(p.actions, row);
    rewards.set(p.rewards, row);
    episodeStarts.set(p.episodeStarts, row);
    row += p.size;
  }
  const episodeIds = episodeIdsFromStarts(episodeStarts);
  return { ...first, size: n, observations, actions, rewards, episodeStarts, episodeIds, meta };
}

/** The observation of row i as a view (no copy). */
export function observationAt(ds: Dataset, i: number): Float32Array {
  return ds.observations.subarray(i * ds.obsDim, (i + 1) * ds.obsDim);
}

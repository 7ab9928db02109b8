/** What `evoscale dataset inspect` prints: sizes, action balance, episode returns. */
import type { Dataset } from './dataset.js';

export interface NumberStats {
  count: number;
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single value. */
  std: number;
  min: number;
  max: number;
}

export interface DatasetSummary {
  source: string;
  synthetic: boolean;
  envId: string;
  rows: number;
  obsDim: number;
  nActions: number;
  /** Distinct episode ids present. */
  episodes: number;
  /** Rows per action, index = action. */
  actionCounts: number[];
  /** Sum of rewards per episode (the first and last may be partial if the data was cut mid-episode). */
  episodeReturn: NumberStats;
  episodeLength: NumberStats;
}

/** Mean, sample standard deviation, min and max of a list of numbers. */
export function numberStats(values: ArrayLike<number>): NumberStats {
  const n = values.length;
  if (n === 0) return { count: 0, mean: NaN, std: NaN, min: NaN, max: NaN };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  return { count: n, mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0, min, max };
}

/** Per-episode return and length, grouped by episode id (works on shuffled subsets too), in first-seen order. */
export function episodeTotals(ds: Dataset): { ids: number[]; returns: number[]; lengths: number[] } {
  const index = new Map<number, number>();
  const ids: number[] = [];
  const returns: number[] = [];
  const lengths: number[] = [];
  for (let i = 0; i < ds.size; i++) {
    const id = ds.episodeIds[i];
    let k = index.get(id);
    if (k === undefined) {
      k = ids.length;
      index.set(id, k);
      ids.push(id);
      returns.push(0);
      lengths.push(0);
    }
    returns[k] += ds.rewards[i];
    lengths[k]++;
  }
  return { ids, returns, lengths };
}

/** Summary statistics of a dataset. */
export function summarizeDataset(ds: Dataset): DatasetSummary {
  const actionCounts = new Array<number>(ds.nActions).fill(0);
  for (let i = 0; i < ds.size; i++) actionCounts[ds.actions[i]]++;
  const { returns, lengths } = episodeTotals(ds);
  return {
    source: ds.meta.source,
    synthetic: ds.meta.synthetic === true,
    envId: ds.envId,
    rows: ds.size,
    obsDim: ds.obsDim,
    nActions: ds.nActions,
    episodes: returns.length,
    actionCounts,
    episodeReturn: numberStats(returns),
    episodeLength: numberStats(lengths),
  };
}

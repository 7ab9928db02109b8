/** A dataset loaded once per thread: the trials of an experiment and the runs of a worker share it. */
import type { Dataset } from '../shared/data/dataset.js';
import { loadDataset } from './load.js';

const cache = new Map<string, Promise<Dataset>>();

/** Loads a dataset once per thread (trials of one experiment share it). */
export function loadDatasetCached(ref: string, steps?: number): Promise<Dataset> {
  const key = `${ref}#${steps ?? ''}`;
  let p = cache.get(key);
  if (!p) {
    p = loadDataset(ref, steps !== undefined ? { steps } : {});
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

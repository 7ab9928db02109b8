/**
 * The split permutation of (rows, seed), computed once per thread: every trial of one seed cuts its train and test
 * rows from the same Fisher–Yates shuffle, and on the built-in datasets (500k rows) that shuffle was the largest
 * part of a trial's fixed cost. The cached arrays are only read (splits slice them), so sharing them changes no
 * result.
 */
import { shuffledIndices, type PermutationSource } from '../shared/data/splits.js';

/** Permutations kept per thread (2 MB each at 500k rows): a sweep's seeds cycle through a few at a time. */
const KEEP = 8;
const cache = new Map<string, Int32Array>();

/** `shuffledIndices(n, seed)`, from this thread's cache when it was computed before (least recently used goes). */
export const cachedPermutation: PermutationSource = (n, seed) => {
  const key = `${n}:${seed}`;
  let p = cache.get(key);
  if (p === undefined) {
    p = shuffledIndices(n, seed);
    if (cache.size >= KEEP) cache.delete(cache.keys().next().value as string);
  } else cache.delete(key);
  cache.set(key, p);
  return p;
};

// The split permutation is computed once per (rows, seed) per thread, and splits cut from it are the same rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cachedPermutation } from '../../src/data/permutations.js';
import { shuffledIndices, splitRows, type ExperimentSplit } from '../../src/shared/data/splits.js';
import { sampleDataset } from './fixtures.js';

test('a permutation is computed once per (rows, seed) and equals shuffledIndices', () => {
  const a = cachedPermutation(5000, 7);
  assert.equal(cachedPermutation(5000, 7), a, 'the second call reuses the first array');
  assert.deepEqual(a, shuffledIndices(5000, 7));
  assert.notEqual(cachedPermutation(5000, 8), a);
  assert.notEqual(cachedPermutation(5001, 7), a);
});

test('splits cut with the cached permutation are the rows the uncached split cuts, for exp1 and exp2', () => {
  const ds = sampleDataset(3000);
  const splits: ExperimentSplit[] = [
    { kind: 'exp2', seed: 3, testFraction: 0.1, fraction: 0.9 },
    { kind: 'exp2', seed: 3, testFraction: 0.1, fraction: 0.1 },
    { kind: 'exp1', seed: 3, testSize: 500, size: 100 },
  ];
  for (const split of splits) {
    const plain = splitRows(ds, split);
    const cached = splitRows(ds, split, cachedPermutation);
    assert.deepEqual(cached.train, plain.train, JSON.stringify(split));
    assert.deepEqual(cached.test, plain.test, JSON.stringify(split));
  }
  // Cutting splits never writes into the shared permutation.
  assert.deepEqual(cachedPermutation(3000, 3), shuffledIndices(3000, 3));
});

test('least recently used permutations are dropped, and recomputed identically when asked again', () => {
  const first = cachedPermutation(1000, 100);
  for (let s = 101; s < 120; s++) cachedPermutation(1000, s);
  const again = cachedPermutation(1000, 100);
  assert.notEqual(again, first, 'evicted after many others');
  assert.deepEqual(again, first);
});

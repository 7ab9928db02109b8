import { test } from 'node:test';
import assert from 'node:assert/strict';
import { experiment1Split, experiment2Split, shuffledIndices } from '../../../src/shared/data/splits.js';
import { InvalidArgumentError } from '../../../src/shared/errors.js';

/** True when a and b share no index. */
function disjoint(a: Int32Array, b: Int32Array, n: number): boolean {
  const seen = new Uint8Array(n);
  for (const i of a) seen[i] = 1;
  for (const i of b) if (seen[i]) return false;
  return true;
}

function isPrefix(small: Int32Array, large: Int32Array): boolean {
  if (small.length > large.length) return false;
  for (let i = 0; i < small.length; i++) if (small[i] !== large[i]) return false;
  return true;
}

test('the shuffle is a permutation of 0..n-1', () => {
  const p = shuffledIndices(10_007, 3);
  const sorted = Int32Array.from(p).sort();
  for (let i = 0; i < sorted.length; i++) assert.equal(sorted[i], i);
});

test('the shuffle is uniform over all orderings (chi-square over 24 permutations of 4 items)', () => {
  const counts = new Map<string, number>();
  const seeds = 4800;
  for (let s = 0; s < seeds; s++) {
    const key = Array.from(shuffledIndices(4, s)).join('');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  assert.equal(counts.size, 24);
  const expected = seeds / 24;
  let chi2 = 0;
  for (const c of counts.values()) chi2 += (c - expected) ** 2 / expected;
  // 23 degrees of freedom: P(chi2 > 49.73) = 0.001.
  assert.ok(chi2 < 49.73, `chi2 = ${chi2.toFixed(1)}`);
});

test("experiment 1 on 500k rows gives the proposal's 495k train / 5k test and nested subsets 100…30000", () => {
  const n = 500_000;
  const s = experiment1Split(n, { seed: 1 });
  assert.equal(s.train.length, 495_000);
  assert.equal(s.test.length, 5_000);
  assert.deepEqual(
    s.subsets.map((x) => x.size),
    [100, 300, 1000, 3000, 10000, 30000],
  );
  assert.ok(disjoint(s.train, s.test, n), 'train and test overlap');
  for (let k = 0; k < s.subsets.length; k++) {
    const sub = s.subsets[k].indices;
    assert.equal(sub.length, s.subsets[k].size);
    assert.ok(disjoint(sub, s.test, n), `subset ${sub.length} overlaps test`);
    assert.ok(isPrefix(sub, s.train), `subset ${sub.length} is not inside train`);
    if (k > 0) assert.ok(isPrefix(s.subsets[k - 1].indices, sub), 'subsets are not nested');
  }
});

test('experiment 1 splits are reproducible from the seed and change with it', () => {
  const a = experiment1Split(20_000, { seed: 42, testSize: 500, subsetSizes: [100, 1000] });
  const b = experiment1Split(20_000, { seed: 42, testSize: 500, subsetSizes: [100, 1000] });
  const c = experiment1Split(20_000, { seed: 43, testSize: 500, subsetSizes: [100, 1000] });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.test, c.test);
});

test('experiment 1 refuses subsets larger than the training set', () => {
  assert.throws(
    () => experiment1Split(10_000, { seed: 0 }),
    (err: unknown) => {
      assert.ok(err instanceof InvalidArgumentError);
      assert.match(err.message, /subset size 10000 must be an integer in 1\.\.5000/);
      return true;
    },
  );
  assert.throws(() => experiment1Split(100, { seed: 0, testSize: 100 }), /testSize must be an integer in 1\.\.99/);
});

test('experiment 2 holds out 10% and trains on 90%, 30% and 10% of the whole dataset, nested', () => {
  for (const [n, test_, trains] of [
    [500_000, 50_000, [450_000, 150_000, 50_000]],
    [384_000, 38_400, [345_600, 115_200, 38_400]],
  ] as const) {
    const s = experiment2Split(n, { seed: 5 });
    assert.equal(s.test.length, test_);
    assert.deepEqual(
      s.train.map((t) => t.indices.length),
      [...trains],
    );
    assert.deepEqual(
      s.train.map((t) => t.fraction),
      [0.9, 0.3, 0.1],
    );
    for (const t of s.train) assert.ok(disjoint(t.indices, s.test, n), `train ${t.fraction} overlaps test`);
    assert.ok(isPrefix(s.train[1].indices, s.train[0].indices));
    assert.ok(isPrefix(s.train[2].indices, s.train[1].indices));
    assert.equal(s.train[0].indices.length + s.test.length, n, '90% + 10% covers every row');
  }
});

test('experiment 2 splits are reproducible from the seed', () => {
  assert.deepEqual(experiment2Split(9_999, { seed: 8 }), experiment2Split(9_999, { seed: 8 }));
  assert.notDeepEqual(experiment2Split(9_999, { seed: 8 }).test, experiment2Split(9_999, { seed: 9 }).test);
});

test('experiment 2 refuses train fractions that would reach into the test rows', () => {
  assert.throws(() => experiment2Split(1000, { seed: 0, trainFractions: [0.95] }), /at most 1 − testFraction/);
  assert.throws(() => experiment2Split(1000, { seed: 0, testFraction: 0 }), /testFraction must be in \(0, 1\)/);
});

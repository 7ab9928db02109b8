import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../../../src/shared/errors.js';
import { mannWhitneyU, significanceMarker } from '../../../src/shared/stats/index.js';
import { assertClose, scipyOracle, seededRandom } from './scipy.js';

type Case = [number[], number[]];

function compareWithScipy(cases: Case[], t: { skip: (m: string) => void }): void {
  const o = scipyOracle<[number, number][]>(
    "out = []\nfor a, b in data:\n    r = stats.mannwhitneyu(a, b, alternative='two-sided')\n    out.append([float(r.statistic), float(r.pvalue)])\nprint(json.dumps(out))",
    cases,
  );
  if (o.skip) return t.skip(o.skip);
  cases.forEach(([a, b], i) => {
    const r = mannWhitneyU(a, b);
    const what = `case ${i} (n1=${a.length}, n2=${b.length})`;
    assert.equal(r.statistic, o.value![i][0], `${what}: statistic`);
    assertClose(r.pValue, o.value![i][1], 1e-12, 1e-300, `${what}: p-value`);
  });
}

function sample(rnd: () => number, n: number, shift: number, grid?: number): number[] {
  return Array.from({ length: n }, () => {
    const v = shift + 100 * (rnd() + rnd() + rnd());
    return grid ? Math.round(v / grid) * grid : v;
  });
}

test('small samples without ties use the exact distribution and match SciPy', (t) => {
  const rnd = seededRandom(1);
  const cases: Case[] = [];
  for (let n1 = 1; n1 <= 9; n1++) {
    for (const n2 of [1, 2, 5, 8, 9, 15]) cases.push([sample(rnd, n1, 0), sample(rnd, n2, 40 * rnd())]);
  }
  // Completely separated samples give the smallest exact p-values.
  cases.push([
    [1, 2, 3, 4, 5, 6, 7, 8],
    [9, 10, 11, 12, 13, 14, 15, 16],
  ]);
  compareWithScipy(cases, t);
});

test('one tiny sample against a large one (exact, unbalanced) matches SciPy', (t) => {
  const rnd = seededRandom(2);
  const cases: Case[] = [
    [sample(rnd, 3, 0), sample(rnd, 400, 0)],
    [sample(rnd, 8, 50), sample(rnd, 250, 0)],
    [sample(rnd, 600, 0), sample(rnd, 5, -80)],
    [[1e6, 2e6], sample(rnd, 1000, 0)],
  ];
  compareWithScipy(cases, t);
});

test('samples with ties use the tie-corrected normal approximation and match SciPy', (t) => {
  const rnd = seededRandom(3);
  const cases: Case[] = [];
  for (const [n1, n2] of [
    [3, 4],
    [5, 5],
    [8, 20],
    [12, 12],
    [30, 45],
    [100, 100],
  ]) {
    // Rounded returns, as integer episode returns in CartPole: many tied values.
    cases.push([sample(rnd, n1, 0, 25), sample(rnd, n2, 20, 25)]);
  }
  cases.push([
    [500, 500, 500, 500],
    [500, 500, 500, 499],
  ]);
  cases.push([
    [1, 1, 1],
    [1, 1],
  ]); // every value tied: p = 1
  cases.push([
    [-Infinity, 0, Infinity],
    [Infinity, 2, 3, 4],
  ]);
  compareWithScipy(cases, t);
});

test('large samples without ties use the normal approximation and match SciPy', (t) => {
  const rnd = seededRandom(4);
  const cases: Case[] = [];
  for (const [n1, n2] of [
    [9, 9],
    [10, 30],
    [50, 50],
    [200, 150],
    [2000, 1500],
  ]) {
    cases.push([sample(rnd, n1, 0), sample(rnd, n2, 15)]);
  }
  compareWithScipy(cases, t);
});

test("SciPy's documented example gives U = 17 and p = 0.1111 (exact)", () => {
  // From the scipy.stats.mannwhitneyu docstring (Shier 2004): ages of males vs females.
  const r = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12]);
  assert.equal(r.statistic, 17);
  assert.ok(Math.abs(r.pValue - 0.1111111111111111) < 1e-15);
});

test('the statistic is U of the first sample: swapping samples gives n1·n2 − U and the same p', () => {
  const a = [3.2, 8.1, 4.4, 9.9, 1.0, 7.7, 6.3, 2.2, 5.5, 0.4];
  const b = [6.6, 10.2, 12.5, 8.8, 11.1, 9.3, 13.0, 7.1, 14.2, 12.9, 10.8];
  const ab = mannWhitneyU(a, b);
  const ba = mannWhitneyU(b, a);
  assert.equal(ab.statistic + ba.statistic, a.length * b.length);
  assert.equal(ab.pValue, ba.pValue);
});

test('empty samples and NaN values are rejected', () => {
  assert.throws(() => mannWhitneyU([], [1, 2]), InvalidArgumentError);
  assert.throws(() => mannWhitneyU([1, Number.NaN], [1, 2]), /a\[1\] is NaN/);
});

test("significanceMarker gives '***' below 0.001, '**' below 0.005, nothing otherwise", () => {
  assert.equal(significanceMarker(0.0009), '***');
  assert.equal(significanceMarker(0.001), '**');
  assert.equal(significanceMarker(0.0049), '**');
  assert.equal(significanceMarker(0.005), '');
  assert.equal(significanceMarker(0.5), '');
  assert.equal(significanceMarker(Number.NaN), '');
});

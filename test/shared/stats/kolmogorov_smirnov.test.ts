import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../../../src/shared/errors.js';
import { ksTwoSample } from '../../../src/shared/stats/index.js';
import { assertClose, scipyOracle, seededRandom } from './scipy.js';

type Case = [number[], number[]];

function compareWithScipy(cases: Case[], t: { skip: (m: string) => void }): void {
  const o = scipyOracle<[number, number][]>(
    'out = []\nfor a, b in data:\n    r = stats.ks_2samp(a, b)\n    out.append([float(r.statistic), float(r.pvalue)])\nprint(json.dumps(out))',
    cases,
  );
  if (o.skip) return t.skip(o.skip);
  cases.forEach(([a, b], i) => {
    const r = ksTwoSample(a, b);
    const what = `case ${i} (n1=${a.length}, n2=${b.length})`;
    assertClose(r.statistic, o.value![i][0], 1e-14, 0, `${what}: statistic`);
    // 1 − (share of paths inside) loses relative precision only for p-values far below any test's level.
    assertClose(r.pValue, o.value![i][1], 1e-8, 1e-13, `${what}: p-value`);
  });
}

function sample(rnd: () => number, n: number, shift: number, grid?: number): number[] {
  return Array.from({ length: n }, () => {
    const v = shift + 100 * (rnd() + rnd() + rnd());
    return grid ? Math.round(v / grid) * grid : v;
  });
}

test('the statistic and exact p-value match SciPy ks_2samp for equal and unequal sample sizes', (t) => {
  const rnd = seededRandom(11);
  const cases: Case[] = [];
  for (const n1 of [1, 2, 5, 10, 20, 37]) {
    for (const n2 of [1, 3, 10, 20, 50]) cases.push([sample(rnd, n1, 0), sample(rnd, n2, 60 * rnd())]);
  }
  cases.push([
    [1, 2, 3, 4, 5],
    [6, 7, 8, 9, 10],
  ]);
  compareWithScipy(cases, t);
});

test('tied returns (e.g. CartPole episodes capped at 500) are handled as SciPy does', (t) => {
  const rnd = seededRandom(12);
  const cases: Case[] = [];
  for (const n of [5, 12, 30, 100]) cases.push([sample(rnd, n, 0, 25), sample(rnd, n + 3, 20, 25)]);
  cases.push([
    [500, 500, 500, 210, 500],
    [500, 480, 500, 500, 500, 500],
  ]);
  compareWithScipy(cases, t);
});

test('identical samples have D = 0 and p = 1; disjoint ones D = 1', () => {
  assert.deepEqual(ksTwoSample([3, 1, 2], [2, 3, 1]), { statistic: 0, pValue: 1 });
  assert.equal(ksTwoSample([1, 2], [3, 4, 5]).statistic, 1);
});

test('an empty or NaN sample is refused with the sample named', () => {
  assert.throws(() => ksTwoSample([], [1]), InvalidArgumentError);
  assert.throws(() => ksTwoSample([1, NaN], [1]), /sample a\[1\] is NaN/);
});

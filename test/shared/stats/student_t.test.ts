import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../../../src/shared/errors.js';
import { studentTCdf, studentTQuantile } from '../../../src/shared/stats/index.js';
import { assertClose, scipyOracle } from './scipy.js';

const DFS = [1, 2, 3, 4, 5, 7, 9, 14, 19, 29, 49, 99, 0.5, 2.5, 1000, 1e5];
const PS = [1e-12, 1e-6, 0.001, 0.025, 0.1, 0.4, 0.6, 0.9, 0.95, 0.975, 0.995, 0.999, 0.999999];

test('studentTQuantile matches scipy.stats.t.ppf over degrees of freedom and probabilities', (t) => {
  const cases = DFS.flatMap((df) => PS.map((p) => [p, df]));
  const o = scipyOracle<number[]>('print(json.dumps([float(stats.t.ppf(p, df)) for p, df in data]))', cases);
  if (o.skip) return t.skip(o.skip);
  cases.forEach(([p, df], i) => assertClose(studentTQuantile(p, df), o.value![i], 1e-11, 0, `t.ppf(${p}, ${df})`));
});

test('studentTCdf matches scipy.stats.t.cdf in the centre and both tails', (t) => {
  const ts = [-1e4, -40, -6, -2.3, -0.7, 0, 0.01, 0.7, 2.3, 6, 40];
  const cases = DFS.flatMap((df) => ts.map((x) => [x, df]));
  const o = scipyOracle<number[]>('print(json.dumps([float(stats.t.cdf(x, df)) for x, df in data]))', cases);
  if (o.skip) return t.skip(o.skip);
  cases.forEach(([x, df], i) => assertClose(studentTCdf(x, df), o.value![i], 1e-11, 1e-300, `t.cdf(${x}, ${df})`));
});

test('the 97.5% quantiles equal the printed t table used for 95% intervals', () => {
  // Fisher & Yates-style table values, to the 3 decimals every statistics textbook prints.
  const table: [number, number][] = [
    [1, 12.706],
    [2, 4.303],
    [4, 2.776],
    [9, 2.262],
    [29, 2.045],
  ];
  for (const [df, q] of table) assert.equal(studentTQuantile(0.975, df).toFixed(3), q.toFixed(3));
});

test('studentTQuantile returns ±Infinity at p = 0 and 1 and 0 at the median', () => {
  assert.equal(studentTQuantile(0, 3), -Infinity);
  assert.equal(studentTQuantile(1, 3), Infinity);
  assert.equal(studentTQuantile(0.5, 3), 0);
});

test('studentTQuantile rejects a probability outside [0, 1] or non-positive degrees of freedom', () => {
  assert.throws(() => studentTQuantile(1.5, 3), InvalidArgumentError);
  assert.throws(() => studentTQuantile(Number.NaN, 3), InvalidArgumentError);
  assert.throws(() => studentTQuantile(0.9, 0), /degrees of freedom/);
});

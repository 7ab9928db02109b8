import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../../../src/shared/errors.js';
import { mean, meanCi, meanCi95, std } from '../../../src/shared/stats/index.js';
import { assertClose, scipyOracle, seededRandom } from './scipy.js';

/** Samples like the ones experiments aggregate: 2–60 seeds of returns, action matches or FLOPs. */
function samples(): number[][] {
  const rnd = seededRandom(7);
  const out: number[][] = [];
  for (let k = 0; k < 60; k++) {
    const n = 2 + Math.floor(rnd() * 59);
    const scale = [1e-3, 1, 500, 1e12][k % 4];
    const offset = k % 3 === 0 ? scale * 10 : 0;
    out.push(Array.from({ length: n }, () => offset + scale * (rnd() - 0.3)));
  }
  // (Equal values are left out: SciPy's t.interval returns NaN for scale 0, tested separately below.)
  out.push([0.99, 0.995], [475, 500, 500, 500, 312]);
  return out;
}

test('mean and std (ddof=1) match NumPy', (t) => {
  const cases = samples();
  const o = scipyOracle<[number, number][]>(
    'print(json.dumps([[float(np.mean(x)), float(np.std(x, ddof=1))] for x in data]))',
    cases,
  );
  if (o.skip) return t.skip(o.skip);
  cases.forEach((x, i) => {
    assertClose(mean(x), o.value![i][0], 1e-14, 0, `mean of case ${i}`);
    assertClose(std(x), o.value![i][1], 1e-12, 1e-300, `std of case ${i}`);
  });
});

test('meanCi95 equals scipy.stats.t.interval(0.95, n-1, loc=mean, scale=sem)', (t) => {
  const cases = samples();
  const o = scipyOracle<[number, number][]>(
    'print(json.dumps([[float(v) for v in stats.t.interval(0.95, len(x) - 1, loc=np.mean(x), scale=stats.sem(x))] for x in data]))',
    cases,
  );
  if (o.skip) return t.skip(o.skip);
  cases.forEach((x, i) => {
    const ci = meanCi95(x);
    assert.equal(ci.n, x.length);
    const width = o.value![i][1] - o.value![i][0];
    assertClose(ci.lo, o.value![i][0], 1e-12, 1e-12 * width, `lo of case ${i}`);
    assertClose(ci.hi, o.value![i][1], 1e-12, 1e-12 * width, `hi of case ${i}`);
  });
});

test('meanCi at other confidence levels matches scipy.stats.t.interval', (t) => {
  const x = [3.1, 2.7, 4.4, 3.9, 3.3, 2.2];
  const levels = [0.5, 0.9, 0.99, 0.999];
  const o = scipyOracle<[number, number][]>(
    'x = np.array(data["x"])\nprint(json.dumps([[float(v) for v in stats.t.interval(c, len(x) - 1, loc=x.mean(), scale=stats.sem(x))] for c in data["levels"]]))',
    { x, levels },
  );
  if (o.skip) return t.skip(o.skip);
  levels.forEach((c, i) => {
    const ci = meanCi(x, c);
    assertClose(ci.lo, o.value![i][0], 1e-12, 0, `lo at ${c}`);
    assertClose(ci.hi, o.value![i][1], 1e-12, 0, `hi at ${c}`);
  });
});

test('a 95% interval of equal values has zero width', () => {
  assert.deepEqual(meanCi95([0.5, 0.5, 0.5]), { mean: 0.5, lo: 0.5, hi: 0.5, n: 3 });
});

test('one value gives its mean and an undefined (NaN) interval, as SciPy does', () => {
  const ci = meanCi95([42]);
  assert.equal(ci.mean, 42);
  assert.equal(ci.n, 1);
  assert.ok(Number.isNaN(ci.lo) && Number.isNaN(ci.hi));
  assert.ok(Number.isNaN(std([42])));
});

test('empty or non-finite input is rejected with a message saying what to do', () => {
  assert.throws(() => mean([]), InvalidArgumentError);
  assert.throws(() => meanCi95([1, Number.NaN]), /value 1 is NaN; drop non-finite values/);
  assert.throws(() => std([1, Infinity]), InvalidArgumentError);
  assert.throws(() => meanCi([1, 2], 95), /confidence must be in \(0, 1\)/);
});

test('statistics accept typed arrays as well as plain arrays', () => {
  const xs = [1, 2, 3, 4];
  assert.deepEqual(meanCi95(Float64Array.from(xs)), meanCi95(xs));
  assert.equal(std(Float32Array.from(xs)), std(xs));
});

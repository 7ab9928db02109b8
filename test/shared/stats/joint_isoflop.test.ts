import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitJointPowerLaw, isoFlopFrontier, predictJoint } from '../../../src/shared/stats/index.js';
import { assertClose, scipyOracle, seededRandom } from './scipy.js';

const truth = { eInf: 0.02, a: 3, alpha: 0.4, b: 5, beta: 0.6 };

function grid(noise: number): { n: number[]; d: number[]; err: number[] } {
  const rnd = seededRandom(23);
  const out = { n: [] as number[], d: [] as number[], err: [] as number[] };
  for (const n of [100, 1000, 10000, 100000]) {
    for (const d of [100, 1000, 10000, 100000]) {
      out.n.push(n);
      out.d.push(d);
      out.err.push(predictJoint(truth, n, d) * Math.exp(noise * (rnd() - 0.5)));
    }
  }
  return out;
}

test('fitJointPowerLaw recovers E∞ + A/N^α + B/D^β from an exact grid', () => {
  const g = grid(0);
  const fit = fitJointPowerLaw(g.n, g.d, g.err);
  for (const k of ['eInf', 'a', 'alpha', 'b', 'beta'] as const) assertClose(fit[k], truth[k], 1e-7, 0, k);
});

test('fitJointPowerLaw agrees with SciPy curve_fit on a noisy grid', (t) => {
  const g = grid(0.1);
  const o = scipyOracle<{ cost: number; p: number[] }>(
    `
from scipy.optimize import curve_fit
n = np.array(data['n'], float); d = np.array(data['d'], float); ly = np.log(np.array(data['err'], float))
f = lambda X, e, a, al, b, be: np.log(e + a * X[0] ** (-al) + b * X[1] ** (-be))
best = None
for p0 in ([0.01, 1, 0.3, 1, 0.3], [0.03, 5, 0.5, 5, 0.7], [0.0, 2, 1.0, 2, 1.0]):
    p, _ = curve_fit(f, (n, d), ly, p0=p0, bounds=([0, 0, 0, 0, 0], [np.inf, np.inf, 5, np.inf, 5]), method='trf',
                     x_scale='jac', ftol=1e-15, xtol=1e-15, gtol=1e-15, max_nfev=50000)
    cost = float(np.sum((ly - f((n, d), *p)) ** 2))
    if best is None or cost < best[0]:
        best = (cost, [float(v) for v in p])
print(json.dumps({'cost': best[0], 'p': best[1]}))
`,
    g,
  );
  if (o.skip) return t.skip(o.skip);
  const fit = fitJointPowerLaw(g.n, g.d, g.err);
  assert.ok(fit.cost <= o.value!.cost * (1 + 1e-9), `cost ${fit.cost} vs SciPy ${o.value!.cost}`);
  (['eInf', 'a', 'alpha', 'b', 'beta'] as const).forEach((k, i) => assertClose(fit[k], o.value!.p[i], 1e-4, 1e-7, k));
});

test('isoFlopFrontier takes the minimum of the parabola in log10(params) at each budget', () => {
  // err = 0.1 + 0.02·(u − u*)², minimum at 10^u* parameters; u* grows by 0.5 per decade of compute.
  const points = [];
  for (const [flops, uStar] of [
    [1e9, 3.2],
    [1e10, 3.7],
    [1e11, 4.2],
  ]) {
    for (const u of [2.5, 3, 3.5, 4, 4.5, 5])
      points.push({ flops, params: 10 ** u, err: 0.1 + 0.02 * (u - uStar) ** 2 });
  }
  const f = isoFlopFrontier(points);
  assert.equal(f.budgets.length, 3);
  [3.2, 3.7, 4.2].forEach((uStar, i) => {
    assert.equal(f.budgets[i].method, 'parabola');
    assertClose(Math.log10(f.budgets[i].params), uStar, 1e-9, 0, `u* of budget ${i}`);
    assertClose(f.budgets[i].err, 0.1, 1e-9, 0, `err* of budget ${i}`);
  });
  assertClose(f.optimalParams!.exponent, 0.5, 1e-9, 0, 'N* ∝ C^0.5');
});

test('isoFlopFrontier parabolas match numpy.polyfit', (t) => {
  const rnd = seededRandom(3);
  const u = [2, 2.5, 3, 3.5, 4, 4.5];
  const err = u.map((v) => 0.2 + 0.05 * (v - 3.3) ** 2 + 0.01 * rnd());
  const o = scipyOracle<number[]>('print(json.dumps([float(c) for c in np.polyfit(data["u"], data["e"], 2)]))', {
    u,
    e: err,
  });
  if (o.skip) return t.skip(o.skip);
  const f = isoFlopFrontier(u.map((v, i) => ({ flops: 1e10, params: 10 ** v, err: err[i] })));
  const [c0, c1, c2] = f.budgets[0].parabola!;
  assertClose(c2, o.value![0], 1e-9, 1e-12, 'c2');
  assertClose(c1, o.value![1], 1e-9, 1e-12, 'c1');
  assertClose(c0, o.value![2], 1e-9, 1e-12, 'c0');
});

test('isoFlopFrontier falls back to the best observed size when the optimum lies outside the sizes tried', () => {
  const points = [1e3, 1e4, 1e5].map((p, i) => ({ flops: 1e12, params: p, err: [0.3, 0.2, 0.1][i] }));
  const f = isoFlopFrontier(points);
  assert.equal(f.budgets[0].method, 'best-observed');
  assert.equal(f.budgets[0].params, 1e5);
  assert.equal(f.budgets[0].err, 0.1);
  assert.equal(f.optimalParams, null);
});

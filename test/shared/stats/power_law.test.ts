import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../../../src/shared/errors.js';
import { credibility, fitSaturatingPowerLaw, predictSaturating } from '../../../src/shared/stats/index.js';
import { assertClose, scipyOracle, seededRandom } from './scipy.js';

const SIZES = [100, 300, 1000, 3000, 10000, 30000, 100000];

interface Case {
  name: string;
  x: number[];
  y: number[];
  credible: boolean;
}

/** Fixed data sets: a clean law, seed noise around one, a nearly flat curve, and one with an upturn. */
function cases(): Case[] {
  const rnd = seededRandom(17);
  const law = (x: number): number => 0.02 + 1.5 * x ** -0.45;
  const noisyX: number[] = [];
  const noisyY: number[] = [];
  for (let seed = 0; seed < 3; seed++) {
    for (const x of SIZES) {
      noisyX.push(x);
      noisyY.push(law(x) * Math.exp(0.08 * (rnd() - 0.5)));
    }
  }
  const flatX = SIZES.slice(1);
  return [
    { name: 'clean power law', x: SIZES, y: SIZES.map(law), credible: true },
    { name: 'noisy, three seeds', x: noisyX, y: noisyY, credible: true },
    {
      name: 'near-flat',
      x: flatX,
      y: flatX.map((x) => (0.3 + 0.4 * x ** -0.35) * Math.exp(0.004 * (rnd() - 0.5))),
      credible: true,
    },
    {
      name: 'upturn (not credible)',
      x: [100, 300, 1000, 3000, 10000],
      y: [0.3, 0.2, 0.12, 0.16, 0.14],
      credible: false,
    },
  ];
}

/**
 * SciPy's answer: curve_fit on log(y) with the same bounds (E∞ ≥ 0, A ≥ 0, 0 ≤ α ≤ 5), 'trf', tight tolerances,
 * from several starting points, keeping the lowest cost (curve_fit alone stops at the first minimum it finds).
 */
const SCIPY_FIT = `
from scipy.optimize import curve_fit
out = []
for c in data:
    x = np.array(c['x'], dtype=float); ly = np.log(np.array(c['y'], dtype=float))
    f = lambda x, e, a, al: np.log(e + a * x ** (-al))
    best = None
    for al0 in (0.1, 0.3, 0.6, 1.0, 2.0):
        for ef in (0.0, 0.5, 0.9):
            e0 = ef * float(np.min(np.exp(ly)))
            a0 = max(float(np.exp(ly[0])) - e0, 1e-9) * float(x[0]) ** al0
            try:
                p, _ = curve_fit(f, x, ly, p0=[e0, a0, al0], bounds=([0, 0, 0], [np.inf, np.inf, 5]), method='trf',
                                 x_scale='jac', ftol=1e-15, xtol=1e-15, gtol=1e-15, max_nfev=20000)
            except Exception:
                continue
            cost = float(np.sum((ly - f(x, *p)) ** 2))
            if best is None or cost < best[0]:
                best = (cost, [float(v) for v in p])
    out.append({'cost': best[0], 'p': best[1]})
print(json.dumps(out))
`;

test('fitSaturatingPowerLaw finds the parameters SciPy curve_fit finds, on clean, noisy, near-flat and upturned data', (t) => {
  const cs = cases();
  const o = scipyOracle<{ cost: number; p: [number, number, number] }[]>(SCIPY_FIT, cs);
  if (o.skip) return t.skip(o.skip);
  cs.forEach((c, i) => {
    const fit = fitSaturatingPowerLaw(c.x, c.y);
    const ref = o.value![i];
    // Never worse than SciPy's best minimum, and the same minimum: parameters agree to 1e-4 (relative).
    assert.ok(fit.cost <= ref.cost * (1 + 1e-9) + 1e-24, `${c.name}: cost ${fit.cost} vs SciPy ${ref.cost}`);
    assertClose(fit.eInf, ref.p[0], 1e-4, 1e-7, `${c.name}: E∞`);
    assertClose(fit.a, ref.p[1], 1e-4, 1e-9, `${c.name}: A`);
    assertClose(fit.alpha, ref.p[2], 1e-4, 1e-7, `${c.name}: α`);
  });
});

test('a clean power law is recovered exactly and predicted at new sizes', () => {
  const x = SIZES;
  const y = x.map((v) => 0.02 + 1.5 * v ** -0.45);
  const fit = fitSaturatingPowerLaw(x, y);
  assertClose(fit.eInf, 0.02, 1e-9, 0, 'E∞');
  assertClose(fit.a, 1.5, 1e-9, 0, 'A');
  assertClose(fit.alpha, 0.45, 1e-9, 0, 'α');
  assertClose(predictSaturating(fit, 1e6), 0.02 + 1.5 * 1e6 ** -0.45, 1e-9, 0, 'err(1e6)');
  assert.equal(fit.converged, true);
  assert.deepEqual(fit.atBound, { eInf: false, alpha: null });
});

test('a pure power law (no floor) ends with E∞ on its bound of 0', () => {
  const y = SIZES.map((v) => 3 * v ** -0.7);
  const fit = fitSaturatingPowerLaw(SIZES, y);
  assert.equal(fit.eInf, 0);
  assert.equal(fit.atBound.eInf, true);
  assertClose(fit.alpha, 0.7, 1e-9, 0, 'α');
});

test('the fits of the fixed data sets are judged credible or not as expected', () => {
  for (const c of cases()) {
    const verdict = credibility(fitSaturatingPowerLaw(c.x, c.y));
    assert.equal(verdict.credible, c.credible, `${c.name}: ${verdict.reasons.join('; ')}`);
  }
});

test('fitSaturatingPowerLaw refuses zero errors, mismatched lengths and too few sizes with a typed error', () => {
  assert.throws(
    () => fitSaturatingPowerLaw([1, 2, 3], [0.1, 0, 0.05]),
    (e: Error) => {
      return e instanceof InvalidArgumentError && /y\[1\] = 0 at x = 2/.test(e.message);
    },
  );
  assert.throws(() => fitSaturatingPowerLaw([1, 2, 3], [0.1, 0.05]), InvalidArgumentError);
  assert.throws(() => fitSaturatingPowerLaw([1, 1, 2, 2], [0.1, 0.1, 0.05, 0.05]), /2 distinct x values/);
  assert.throws(() => fitSaturatingPowerLaw([1, 2, 3], [0.3, 0.2, 0.1], { alphaBounds: [1, 0.5] }), /alphaBounds/);
});

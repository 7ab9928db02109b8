/**
 * The joint law err(N, D) = E∞ + A/N^α + B/D^β over parameters N and samples D (Hoffmann et al.'s form, as in
 * Tuyls et al. 2023), fitted like the one-axis law: least squares on log(err), E∞ ≥ 0, A, B > 0, α, β bounded.
 */
import { InvalidArgumentError } from '../errors.js';
import { boundedLevenbergMarquardt, type LeastSquaresProblem } from './least_squares.js';
import { checkCurve } from './power_law.js';

/** Options of `fitJointPowerLaw`. */
export interface JointFitOptions {
  /** Range of α and of β (default [0, 5]). */
  exponentBounds?: readonly [number, number];
  maxIterations?: number;
}

/** A fitted err(N, D) = E∞ + A·N^(−α) + B·D^(−β). */
export interface JointFit {
  eInf: number;
  a: number;
  alpha: number;
  b: number;
  beta: number;
  /** Sum of squared log residuals, and its root mean square. */
  cost: number;
  rmsLog: number;
  n: number;
  converged: boolean;
  /** Exponents that ended on a bound of their range (the grid does not determine them). */
  atBound: { eInf: boolean; alpha: boolean; beta: boolean };
}

/** err(N, D) of a joint fit. */
export function predictJoint(fit: Pick<JointFit, 'eInf' | 'a' | 'alpha' | 'b' | 'beta'>, n: number, d: number): number {
  return fit.eInf + fit.a * n ** -fit.alpha + fit.b * d ** -fit.beta;
}

function geometricMean(v: readonly number[]): number {
  return Math.exp(v.reduce((s, x) => s + Math.log(x), 0) / v.length);
}

/** Weighted least squares of y on the columns (1/y² weights), all coefficients ≥ 0: the best of the 2^k supports. */
function nonNegativeWeightedLs(cols: Float64Array[], y: readonly number[]): number[] | null {
  const k = cols.length;
  let best: { c: number[]; cost: number } | null = null;
  for (let mask = 1; mask < 1 << k; mask++) {
    const idx = [...Array(k).keys()].filter((j) => mask & (1 << j));
    const q = idx.length;
    const g = new Float64Array(q * q);
    const h = new Float64Array(q);
    for (let i = 0; i < y.length; i++) {
      const w = 1 / (y[i] * y[i]);
      for (let a = 0; a < q; a++) {
        h[a] += w * cols[idx[a]][i] * y[i];
        for (let b = 0; b < q; b++) g[a * q + b] += w * cols[idx[a]][i] * cols[idx[b]][i];
      }
    }
    // Gaussian elimination with partial pivoting on the q×q normal equations (q ≤ 3).
    const sol = solveSmall(g, h, q);
    if (sol === null || sol.some((v) => !(v >= 0))) continue;
    const c = new Array<number>(k).fill(0);
    idx.forEach((j, a) => (c[j] = sol[a]));
    let cost = 0;
    for (let i = 0; i < y.length; i++) {
      let fit = 0;
      for (let j = 0; j < k; j++) fit += c[j] * cols[j][i];
      cost += ((y[i] - fit) / y[i]) ** 2;
    }
    if (best === null || cost < best.cost) best = { c, cost };
  }
  return best?.c ?? null;
}

function solveSmall(a: Float64Array, b: Float64Array, q: number): number[] | null {
  const m = Array.from({ length: q }, (_, i) => [...a.subarray(i * q, i * q + q), b[i]]);
  for (let c = 0; c < q; c++) {
    let p = c;
    for (let r = c + 1; r < q; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    if (Math.abs(m[p][c]) < 1e-300) return null;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = 0; r < q; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= q; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((row, i) => row[q] / row[i]);
}

/**
 * Fits err(N, D) = E∞ + A·N^(−α) + B·D^(−β) to a grid of (N, D, err) points. Needs at least 3 distinct N and 3
 * distinct D (each exponent is pinned by its own axis).
 */
export function fitJointPowerLaw(
  nParams: readonly number[],
  dSamples: readonly number[],
  err: readonly number[],
  opts: JointFitOptions = {},
): JointFit {
  checkCurve(nParams, err, 'fitJointPowerLaw (N)', 3);
  checkCurve(dSamples, err, 'fitJointPowerLaw (D)', 3);
  const bounds = opts.exponentBounds ?? [0, 5];
  if (!(bounds[0] >= 0 && bounds[1] > bounds[0] && Number.isFinite(bounds[1]))) {
    throw new InvalidArgumentError(
      `fitJointPowerLaw: exponentBounds [${bounds.join(', ')}] must satisfy 0 ≤ low < high < ∞, e.g. [0, 5]`,
    );
  }
  const n0 = geometricMean(nParams);
  const d0 = geometricMean(dSamples);
  const ns = Float64Array.from(nParams, (v) => v / n0);
  const ds = Float64Array.from(dSamples, (v) => v / d0);
  const ly = Float64Array.from(err, Math.log);
  const m = err.length;
  const problem: LeastSquaresProblem = {
    m,
    n: 5,
    evaluate(p, r, jac) {
      const [e, logA, alpha, logB, beta] = p;
      const ea = Math.exp(logA);
      const eb = Math.exp(logB);
      for (let i = 0; i < m; i++) {
        const pa = ea * ns[i] ** -alpha;
        const pb = eb * ds[i] ** -beta;
        const model = e + pa + pb;
        r[i] = ly[i] - Math.log(model);
        if (jac) {
          const row = i * 5;
          jac[row] = -1 / model;
          jac[row + 1] = -pa / model;
          jac[row + 2] = (pa * Math.log(ns[i])) / model;
          jac[row + 3] = -pb / model;
          jac[row + 4] = (pb * Math.log(ds[i])) / model;
        }
      }
    },
  };
  const lo = Math.max(bounds[0], 1e-3);
  const grid = Array.from({ length: 13 }, (_, s) => Math.min(bounds[1], lo * (bounds[1] / lo) ** (s / 12)));
  const starts: { cost: number; p: number[] }[] = [];
  const r = new Float64Array(m);
  const ones = new Float64Array(m).fill(1);
  for (const alpha of grid) {
    for (const beta of grid) {
      const c = nonNegativeWeightedLs(
        [ones, Float64Array.from(ns, (v) => v ** -alpha), Float64Array.from(ds, (v) => v ** -beta)],
        err,
      );
      if (c === null) continue;
      // The solver works on log A and log B: a zero coefficient starts small instead.
      const p = Float64Array.from([
        c[0],
        Math.log(Math.max(c[1], 1e-6 * err[0])),
        alpha,
        Math.log(Math.max(c[2], 1e-6 * err[0])),
        beta,
      ]);
      problem.evaluate(p, r, null);
      starts.push({ cost: r.reduce((s, v) => s + v * v, 0), p: [...p] });
    }
  }
  starts.sort((p, q) => p.cost - q.cost);
  let best: { params: number[]; cost: number; converged: boolean } | null = null;
  for (const s of starts.slice(0, 3)) {
    const res = boundedLevenbergMarquardt(problem, s.p, {
      lower: [0, -Infinity, bounds[0], -Infinity, bounds[0]],
      upper: [Infinity, Infinity, bounds[1], Infinity, bounds[1]],
      maxIterations: opts.maxIterations ?? 1000,
    });
    if (best === null || res.cost < best.cost) best = res;
  }
  if (best === null)
    throw new InvalidArgumentError('fitJointPowerLaw: no starting point fitted the data; does err fall with N and D?');
  const [eInf, logA, alpha, logB, beta] = best.params;
  const onBound = (v: number): boolean => v <= bounds[0] + 1e-6 || v >= bounds[1] - 1e-6;
  return {
    eInf,
    a: Math.exp(logA) * n0 ** alpha,
    alpha,
    b: Math.exp(logB) * d0 ** beta,
    beta,
    cost: best.cost,
    rmsLog: Math.sqrt(best.cost / m),
    n: m,
    converged: best.converged,
    atBound: { eInf: eInf === 0, alpha: onBound(alpha), beta: onBound(beta) },
  };
}

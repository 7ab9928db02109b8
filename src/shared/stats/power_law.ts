/**
 * The saturating power law err(x) = E∞ + A·x^(−α) of scaling studies (x = samples, parameters or FLOPs), fitted by
 * nonlinear least squares on log(err), so that every decade of error weighs the same and the small errors at
 * large x are not drowned by the large ones at small x.
 */
import { InvalidArgumentError } from '../errors.js';
import { boundedLevenbergMarquardt, type LeastSquaresProblem } from './least_squares.js';

/** Options of `fitSaturatingPowerLaw`. */
export interface SaturatingFitOptions {
  /** Range α may take (default [0, 5]); a fit that ends on either end is not credible. */
  alphaBounds?: readonly [number, number];
  /** Iteration cap of the solver (default 500). */
  maxIterations?: number;
}

/** A fitted err(x) = E∞ + A·x^(−α), with the data it was fitted to. */
export interface SaturatingFit {
  /** The asymptote E∞ ≥ 0: the error no amount of x removes. */
  eInf: number;
  /** The scale A > 0, in the units of err at x = 1. */
  a: number;
  /** The exponent α. */
  alpha: number;
  /** Sum of squared log residuals Σ (log y − log err(x))². */
  cost: number;
  /** Root-mean-square log residual: 0.1 means the curve misses the points by about 10%. */
  rmsLog: number;
  /** Points fitted and how many distinct x values they have. */
  n: number;
  distinctX: number;
  converged: boolean;
  /** Which constraints the fit ended on: E∞ = 0 (a pure power law), α at the low or high end of its range. */
  atBound: { eInf: boolean; alpha: 'lower' | 'upper' | null };
  alphaBounds: readonly [number, number];
  /** The fitted points (copies). */
  x: number[];
  y: number[];
}

const DEFAULT_ALPHA_BOUNDS: readonly [number, number] = [0, 5];

/** err(x) of a fit. */
export function predictSaturating(fit: Pick<SaturatingFit, 'eInf' | 'a' | 'alpha'>, x: number): number {
  return fit.eInf + fit.a * x ** -fit.alpha;
}

/** Throws unless x and y are equally long, finite and positive (log space needs err > 0). */
export function checkCurve(x: readonly number[], y: readonly number[], what: string, minPoints: number): void {
  if (x.length !== y.length) {
    throw new InvalidArgumentError(`${what}: x has ${x.length} values but y has ${y.length}; pass one y per x`);
  }
  for (let i = 0; i < x.length; i++) {
    if (!(Number.isFinite(x[i]) && x[i] > 0)) {
      throw new InvalidArgumentError(`${what}: x[${i}] = ${x[i]}; sizes must be finite and positive`);
    }
    if (!(Number.isFinite(y[i]) && y[i] > 0)) {
      throw new InvalidArgumentError(
        `${what}: y[${i}] = ${y[i]} at x = ${x[i]}; errors are fitted in log space and must be finite and positive (drop failed runs; a perfect score of 0 cannot be fitted)`,
      );
    }
  }
  const distinct = new Set(x).size;
  if (distinct < minPoints) {
    throw new InvalidArgumentError(
      `${what}: ${distinct} distinct x values, need at least ${minPoints} to fit ${minPoints} parameters; add sizes to the grid`,
    );
  }
}

/** Geometric mean: x is scaled by it inside the fit so that A and the Jacobian stay near 1 whatever the units. */
function geometricMean(x: readonly number[]): number {
  let s = 0;
  for (const v of x) s += Math.log(v);
  return Math.exp(s / x.length);
}

/** Parameters inside the solver: (E∞, log A', α) with x' = x / x0 and A = A'·x0^α. */
function logResidualProblem(xs: Float64Array, ly: Float64Array): LeastSquaresProblem {
  const m = xs.length;
  return {
    m,
    n: 3,
    evaluate(p, r, jac) {
      const [e, logA, alpha] = p;
      const aScale = Math.exp(logA);
      for (let i = 0; i < m; i++) {
        const pw = aScale * xs[i] ** -alpha;
        const model = e + pw;
        r[i] = ly[i] - Math.log(model);
        if (jac) {
          jac[i * 3] = -1 / model;
          jac[i * 3 + 1] = -pw / model;
          jac[i * 3 + 2] = (pw * Math.log(xs[i])) / model;
        }
      }
    },
  };
}

function logCost(xs: Float64Array, ly: Float64Array, e: number, a: number, alpha: number): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (ly[i] - Math.log(e + a * xs[i] ** -alpha)) ** 2;
  return s;
}

/**
 * Starting points: for α on a grid, the best (E∞ ≥ 0, A > 0) by least squares weighted by 1/y² (relative error,
 * close to the log-space fit and solvable in closed form); the grid's best few seed the solver, which guards
 * against the shallow second minima these fits can have.
 */
function startingPoints(xs: Float64Array, y: readonly number[], ly: Float64Array, bounds: readonly [number, number]) {
  const cands: { cost: number; p: number[] }[] = [];
  const lo = Math.max(bounds[0], 1e-3);
  const steps = 60;
  for (let s = 0; s <= steps; s++) {
    const alpha = Math.min(bounds[1], lo * (bounds[1] / lo) ** (s / steps));
    let sw = 0;
    let sz = 0;
    let szz = 0;
    let sy = 0;
    let szy = 0;
    for (let i = 0; i < xs.length; i++) {
      const w = 1 / (y[i] * y[i]);
      const z = xs[i] ** -alpha;
      sw += w;
      sz += w * z;
      szz += w * z * z;
      sy += w * y[i];
      szy += w * z * y[i];
    }
    const det = sw * szz - sz * sz;
    let e = det > 0 ? (szz * sy - sz * szy) / det : 0;
    let a = det > 0 ? (sw * szy - sz * sy) / det : 0;
    if (e < 0 || !(a > 0)) {
      e = 0;
      a = szy / szz;
    }
    if (!(a > 0)) continue;
    cands.push({ cost: logCost(xs, ly, e, a, alpha), p: [e, Math.log(a), alpha] });
  }
  cands.sort((p, q) => p.cost - q.cost);
  return cands.slice(0, 3).map((c) => c.p);
}

/**
 * Fits err(x) = E∞ + A·x^(−α) to points (x, y) by Levenberg–Marquardt on log residuals, with E∞ ≥ 0, A > 0 and α in
 * `alphaBounds`. Repeated x (one point per seed) are fine. Needs at least 3 distinct x; see `credibility` for
 * when a fit should be believed.
 */
export function fitSaturatingPowerLaw(
  x: readonly number[],
  y: readonly number[],
  opts: SaturatingFitOptions = {},
): SaturatingFit {
  checkCurve(x, y, 'fitSaturatingPowerLaw', 3);
  const bounds = opts.alphaBounds ?? DEFAULT_ALPHA_BOUNDS;
  if (!(bounds[0] >= 0 && bounds[1] > bounds[0] && Number.isFinite(bounds[1]))) {
    throw new InvalidArgumentError(
      `fitSaturatingPowerLaw: alphaBounds [${bounds.join(', ')}] must satisfy 0 ≤ low < high < ∞, e.g. [0, 5]`,
    );
  }
  const x0 = geometricMean(x);
  const xs = Float64Array.from(x, (v) => v / x0);
  const ly = Float64Array.from(y, Math.log);
  const problem = logResidualProblem(xs, ly);
  let best: { params: number[]; cost: number; converged: boolean } | null = null;
  for (const start of startingPoints(xs, y, ly, bounds)) {
    const res = boundedLevenbergMarquardt(problem, start, {
      lower: [0, -Infinity, bounds[0]],
      upper: [Infinity, Infinity, bounds[1]],
      maxIterations: opts.maxIterations ?? 500,
    });
    if (best === null || res.cost < best.cost) best = res;
  }
  if (best === null) {
    throw new InvalidArgumentError('fitSaturatingPowerLaw: no starting point gave A > 0; is err rising with x?');
  }
  const [eInf, logA, alpha] = best.params;
  const span = bounds[1] - bounds[0];
  return {
    eInf,
    a: Math.exp(logA) * x0 ** alpha,
    alpha,
    cost: best.cost,
    rmsLog: Math.sqrt(best.cost / x.length),
    n: x.length,
    distinctX: new Set(x).size,
    converged: best.converged,
    atBound: {
      eInf: eInf === 0,
      alpha: alpha <= bounds[0] + 1e-6 * span ? 'lower' : alpha >= bounds[1] - 1e-6 * span ? 'upper' : null,
    },
    alphaBounds: bounds,
    x: [...x],
    y: [...y],
  };
}

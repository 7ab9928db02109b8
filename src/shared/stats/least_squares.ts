/**
 * Box-bounded nonlinear least squares by Levenberg–Marquardt with an active set: the solver behind the
 * saturating power-law fits.
 *
 * Why not `ml-levenberg-marquardt`: it differentiates numerically with one absolute step for every parameter and
 * clamps bounds after each step, so a fit whose parameters span orders of magnitude (A ~ 1e3 beside α ~ 0.3) takes
 * steps of the wrong size and stalls on a bound. These fits have 3–5 parameters and analytic Jacobians, and need to
 * agree with SciPy's `curve_fit` to 1e-4; a small solver with exact derivatives and a real active set does that in
 * a page, with no dependency in the browser bundle.
 */
import { InvalidArgumentError } from '../errors.js';

/** A least-squares problem: m residuals in n parameters, with their Jacobian. */
export interface LeastSquaresProblem {
  /** Number of residuals. */
  m: number;
  /** Number of parameters. */
  n: number;
  /** Writes the residuals at `p` into `r` (length m) and, when `jac` is given, ∂r_i/∂p_j into jac[i·n + j]. */
  evaluate(p: Float64Array, r: Float64Array, jac: Float64Array | null): void;
}

/** Options of `boundedLevenbergMarquardt`. */
export interface BoundedLmOptions {
  /** Lower bounds, one per parameter (−Infinity for none). */
  lower: readonly number[];
  /** Upper bounds, one per parameter (Infinity for none). */
  upper: readonly number[];
  /** Iteration cap (default 500). */
  maxIterations?: number;
  /** Stop when an accepted step lowers the cost by less than this fraction (default 1e-14). */
  relativeTolerance?: number;
}

/** Where the solver stopped. */
export interface LeastSquaresResult {
  params: number[];
  /** Sum of squared residuals at `params`. */
  cost: number;
  iterations: number;
  /** False when the iteration cap was hit before the cost stopped falling. */
  converged: boolean;
}

function sumSquares(r: Float64Array): number {
  let s = 0;
  for (let i = 0; i < r.length; i++) s += r[i] * r[i];
  return s;
}

/** Solves the symmetric positive definite system a·x = b (k×k, row-major) by Cholesky; null when not SPD. */
function choleskySolve(a: Float64Array, b: Float64Array, k: number): Float64Array | null {
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * k + j];
      for (let q = 0; q < j; q++) s -= l[i * k + q] * l[j * k + q];
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * k + i] = Math.sqrt(s);
      } else {
        l[i * k + j] = s / l[j * k + j];
      }
    }
  }
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = b[i];
    for (let q = 0; q < i; q++) s -= l[i * k + q] * y[q];
    y[i] = s / l[i * k + i];
  }
  const x = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = y[i];
    for (let q = i + 1; q < k; q++) s -= l[q * k + i] * x[q];
    x[i] = s / l[i * k + i];
  }
  return x;
}

/**
 * Minimises Σ r_i(p)² over the box [lower, upper] from `start` (projected into the box). A parameter sitting on a
 * bound with the gradient pushing it outward is held there for the step; the others take a damped Gauss–Newton
 * step (Marquardt's diagonal scaling), projected back into the box.
 */
export function boundedLevenbergMarquardt(
  problem: LeastSquaresProblem,
  start: readonly number[],
  opts: BoundedLmOptions,
): LeastSquaresResult {
  const { m, n } = problem;
  if (start.length !== n || opts.lower.length !== n || opts.upper.length !== n) {
    throw new InvalidArgumentError(
      `boundedLevenbergMarquardt: start (${start.length}), lower (${opts.lower.length}) and upper (${opts.upper.length}) need one entry per parameter (${n})`,
    );
  }
  const maxIterations = opts.maxIterations ?? 500;
  const rtol = opts.relativeTolerance ?? 1e-14;
  const clamp = (v: number, j: number): number => Math.min(opts.upper[j], Math.max(opts.lower[j], v));
  const p = Float64Array.from(start, clamp);
  const r = new Float64Array(m);
  const jac = new Float64Array(m * n);
  const rTry = new Float64Array(m);
  const pTry = new Float64Array(n);
  problem.evaluate(p, r, jac);
  let cost = sumSquares(r);
  if (!Number.isFinite(cost)) {
    throw new InvalidArgumentError(
      `boundedLevenbergMarquardt: the residuals are not finite at the start point [${[...p].join(', ')}]; start inside the model's domain`,
    );
  }
  let lambda = 1e-3;
  let iterations = 0;
  let converged = false;
  const g = new Float64Array(n);
  const h = new Float64Array(n * n);
  while (iterations < maxIterations) {
    iterations++;
    g.fill(0);
    h.fill(0);
    for (let i = 0; i < m; i++) {
      for (let a = 0; a < n; a++) {
        const ja = jac[i * n + a];
        g[a] += ja * r[i];
        for (let b = 0; b <= a; b++) h[a * n + b] += ja * jac[i * n + b];
      }
    }
    for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) h[b * n + a] = h[a * n + b];
    const free: number[] = [];
    for (let j = 0; j < n; j++) {
      const atLower = p[j] <= opts.lower[j] && g[j] > 0;
      const atUpper = p[j] >= opts.upper[j] && g[j] < 0;
      if (!atLower && !atUpper) free.push(j);
    }
    let gradNorm = 0;
    for (const j of free) gradNorm = Math.max(gradNorm, Math.abs(g[j]) * Math.sqrt(h[j * n + j]));
    if (free.length === 0 || gradNorm <= 1e-30 + 1e-15 * cost) {
      converged = true;
      break;
    }
    const k = free.length;
    let maxDiag = 0;
    for (const j of free) maxDiag = Math.max(maxDiag, h[j * n + j]);
    let accepted = false;
    let gain = 0;
    while (lambda < 1e20) {
      const sys = new Float64Array(k * k);
      const rhs = new Float64Array(k);
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) sys[a * k + b] = h[free[a] * n + free[b]];
        // A floor on the diagonal keeps a parameter the residuals ignore (A when α = 0) from making it singular.
        sys[a * k + a] += lambda * Math.max(h[free[a] * n + free[a]], 1e-12 * maxDiag, 1e-300);
        rhs[a] = -g[free[a]];
      }
      const step = choleskySolve(sys, rhs, k);
      if (step === null) {
        lambda *= 4;
        continue;
      }
      pTry.set(p);
      for (let a = 0; a < k; a++) pTry[free[a]] = clamp(p[free[a]] + step[a], free[a]);
      problem.evaluate(pTry, rTry, null);
      const costTry = sumSquares(rTry);
      if (Number.isFinite(costTry) && costTry < cost) {
        gain = cost - costTry;
        p.set(pTry);
        cost = costTry;
        lambda = Math.max(lambda / 3, 1e-15);
        accepted = true;
        break;
      }
      lambda *= 4;
    }
    if (!accepted) {
      // No damped step lowers the cost: a minimum to working precision.
      converged = true;
      break;
    }
    problem.evaluate(p, r, jac);
    if (gain <= rtol * cost || cost === 0) {
      converged = true;
      break;
    }
  }
  return { params: [...p], cost, iterations, converged };
}

/** Student's t distribution: CDF and quantile (SciPy's `stats.t.cdf` / `stats.t.ppf`). */
import { InvalidArgumentError } from '../errors.js';
import { incompleteBeta } from './special.js';

function checkDf(df: number, what: string): void {
  if (!(df > 0) || !Number.isFinite(df)) {
    throw new InvalidArgumentError(`${what}: degrees of freedom must be a finite number > 0, got ${df}`);
  }
}

// P(T > t) for t ≥ 0: ½·I_{df/(df+t²)}(df/2, ½), with the complement t²/(df+t²) passed exactly.
function upperTail(t: number, df: number): number {
  if (t === Infinity) return 0;
  const t2 = t * t;
  return 0.5 * incompleteBeta(df / (df + t2), df / 2, 0.5, t2 / (df + t2));
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  checkDf(df, 'studentTCdf');
  if (Number.isNaN(t)) return NaN;
  return t < 0 ? upperTail(-t, df) : 1 - upperTail(t, df);
}

/** The t with P(T ≤ t) = p for Student's t with `df` degrees of freedom (inverse CDF). */
export function studentTQuantile(p: number, df: number): number {
  checkDf(df, 'studentTQuantile');
  if (!(p >= 0 && p <= 1)) throw new InvalidArgumentError(`studentTQuantile: p must be in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  // Solve in the smaller tail so that p near 0 keeps its relative precision; the answer is odd in p − ½.
  const tail = p < 0.5 ? p : 1 - p;
  let lo = 0;
  let hi = 1;
  while (upperTail(hi, df) > tail) {
    lo = hi;
    hi *= 2;
    if (!Number.isFinite(hi)) return p < 0.5 ? -Infinity : Infinity;
  }
  // Bisection to the last representable bit: the tail is monotone, and this is not on any hot path.
  for (;;) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    if (upperTail(mid, df) > tail) lo = mid;
    else hi = mid;
  }
  const t = upperTail(lo, df) - tail < tail - upperTail(hi, df) ? lo : hi;
  return p < 0.5 ? -t : t;
}

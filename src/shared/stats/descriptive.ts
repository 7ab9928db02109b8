/** Summaries of repeated measurements (seeds, episodes): mean, sample standard deviation, t confidence interval. */
import { InvalidArgumentError } from '../errors.js';
import { studentTQuantile } from './student_t.js';

/** A mean with the bounds of its confidence interval, over `n` values. */
export interface MeanCi {
  mean: number;
  lo: number;
  hi: number;
  n: number;
}

function checkValues(values: ArrayLike<number>, what: string): void {
  if (values.length === 0) throw new InvalidArgumentError(`${what}: needs at least one value, got an empty list`);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new InvalidArgumentError(
        `${what}: value ${i} is ${values[i]}; drop non-finite values (failed runs) before summarising`,
      );
    }
  }
}

function sum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s;
}

/** Arithmetic mean of finite values. */
export function mean(values: ArrayLike<number>): number {
  checkValues(values, 'mean');
  const m = sum(values) / values.length;
  // One correction pass (as NumPy's pairwise sum would approach) removes most rounding from the plain sum.
  let r = 0;
  for (let i = 0; i < values.length; i++) r += values[i] - m;
  return m + r / values.length;
}

/** Sample standard deviation (ddof = 1, NumPy's `std(ddof=1)`); NaN for a single value, as NumPy gives. */
export function std(values: ArrayLike<number>): number {
  checkValues(values, 'std');
  const n = values.length;
  if (n < 2) return NaN;
  const m = mean(values);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - m) ** 2;
  return Math.sqrt(ss / (n - 1));
}

/**
 * Mean with a two-sided confidence interval from Student's t (SciPy's
 * `stats.t.interval(confidence, n-1, loc=mean, scale=sem)`). With one value the interval is undefined: lo = hi = NaN.
 */
export function meanCi(values: ArrayLike<number>, confidence: number): MeanCi {
  if (!(confidence > 0 && confidence < 1)) {
    throw new InvalidArgumentError(`meanCi: confidence must be in (0, 1), e.g. 0.95; got ${confidence}`);
  }
  const m = mean(values);
  const n = values.length;
  if (n < 2) return { mean: m, lo: NaN, hi: NaN, n };
  const half = studentTQuantile((1 + confidence) / 2, n - 1) * (std(values) / Math.sqrt(n));
  return { mean: m, lo: m - half, hi: m + half, n };
}

/** Mean ± the 95% Student-t confidence interval across repeats (seeds). */
export function meanCi95(values: ArrayLike<number>): MeanCi {
  return meanCi(values, 0.95);
}

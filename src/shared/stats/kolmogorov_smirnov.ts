/**
 * Two-sample Kolmogorov–Smirnov test, two-sided: the statistic D = sup |F_a − F_b| of the two empirical CDFs and
 * its p-value, equal to SciPy's `ks_2samp(a, b)` (method 'auto': exact when both samples have at most 10 000
 * values, which is every sample evoscale compares). Larger samples get the Kolmogorov limit
 * Q(√(mn/(m+n))·D), which SciPy's asymptotic branch refines slightly.
 */
import { InvalidArgumentError } from '../errors.js';

/** The KS statistic D and the two-sided p-value. */
export interface KsResult {
  statistic: number;
  pValue: number;
}

function sorted(x: ArrayLike<number>, name: string): Float64Array {
  if (x.length === 0) throw new InvalidArgumentError(`ksTwoSample: sample ${name} is empty; both need ≥ 1 value`);
  const out = Float64Array.from(x as ArrayLike<number>);
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i])) throw new InvalidArgumentError(`ksTwoSample: sample ${name}[${i}] is NaN; drop it first`);
  }
  return out.sort();
}

/** m·n·D as an integer: D is a difference of i/m and j/n, so this is exact. */
function scaledStatistic(a: Float64Array, b: Float64Array): number {
  const m = a.length;
  const n = b.length;
  let i = 0;
  let j = 0;
  let best = 0;
  while (i < m || j < n) {
    // Step past every copy of the next value in both samples (ties move both CDFs at once).
    const v = j >= n || (i < m && a[i] <= b[j]) ? a[i] : b[j];
    while (i < m && a[i] === v) i++;
    while (j < n && b[j] === v) j++;
    best = Math.max(best, Math.abs(i * n - j * m));
  }
  return best;
}

/**
 * P(D ≥ h/(mn)) under the null, exactly: one minus the share of the C(m+n, m) lattice paths from (0,0) to (m,n)
 * that stay strictly inside |i·n − j·m| < h. Shares rather than counts (w(i,j) = paths(i,j)/C(i+j, i)) keep it in
 * floating point for any m, n.
 */
function exactPValue(m: number, n: number, h: number): number {
  if (h <= 0) return 1;
  const w = new Float64Array(n + 1);
  for (let j = 0; j <= n; j++) w[j] = Math.abs(j * m) < h ? (j === 0 ? 1 : w[j - 1]) : 0;
  for (let i = 1; i <= m; i++) {
    w[0] = Math.abs(i * n) < h ? w[0] : 0;
    for (let j = 1; j <= n; j++) {
      w[j] = Math.abs(i * n - j * m) < h ? (w[j] * i + w[j - 1] * j) / (i + j) : 0;
    }
  }
  return Math.min(1, Math.max(0, 1 - w[n]));
}

/** Kolmogorov's limiting survival function Q(λ) = 2 Σ (−1)^{k−1} e^{−2k²λ²}. */
function kolmogorovQ(lambda: number): number {
  if (lambda < 0.2) return 1;
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    sum += (k % 2 === 1 ? 1 : -1) * term;
    if (term < 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/** Two-sided two-sample KS test of `a` against `b` (see the module comment for the p-value's method). */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const sa = sorted(a, 'a');
  const sb = sorted(b, 'b');
  const m = sa.length;
  const n = sb.length;
  const h = scaledStatistic(sa, sb);
  const statistic = h / (m * n);
  if (Math.max(m, n) <= 10_000) return { statistic, pValue: exactPValue(m, n, h) };
  return { statistic, pValue: kolmogorovQ(Math.sqrt((m * n) / (m + n)) * statistic) };
}

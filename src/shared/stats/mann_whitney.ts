/**
 * Two-sided Mann–Whitney U test, equal to SciPy's `mannwhitneyu(a, b, alternative='two-sided')` with its
 * default method='auto' (SciPy 1.17): the exact null distribution when either sample has at most 8 values
 * and there are no ties; otherwise the normal approximation with tie and continuity corrections.
 */
import { InvalidArgumentError } from '../errors.js';
import { normalCdf } from './special.js';

/** The U statistic of the first sample and the two-sided p-value. */
export interface MannWhitneyResult {
  statistic: number;
  pValue: number;
}

function checkSample(x: ArrayLike<number>, name: string): void {
  if (x.length === 0) throw new InvalidArgumentError(`mannWhitneyU: sample ${name} is empty; both need ≥ 1 value`);
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i])) throw new InvalidArgumentError(`mannWhitneyU: sample ${name}[${i}] is NaN; drop it first`);
  }
}

/** Sum of the first sample's average ranks in the pooled data, and Σ(t³ − t) over groups of tied values. */
function rankSumAndTies(a: ArrayLike<number>, b: ArrayLike<number>): { r1: number; tieTerm: number } {
  const n1 = a.length;
  const n = n1 + b.length;
  const values = new Float64Array(n);
  for (let i = 0; i < n1; i++) values[i] = a[i];
  for (let i = 0; i < b.length; i++) values[n1 + i] = b[i];
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => values[i] - values[j] || i - j);
  let r1 = 0;
  let tieTerm = 0;
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && values[order[end]] === values[order[start]]) end++;
    const t = end - start;
    const avgRank = (start + 1 + end) / 2; // ranks start+1 … end share their average
    for (let k = start; k < end; k++) if (order[k] < n1) r1 += avgRank;
    tieTerm += t * t * t - t;
    start = end;
  }
  return { r1, tieTerm };
}

/**
 * P(U ≤ k) under the null for sample sizes m ≤ n, from the Gaussian binomial [m+n choose m]_q, whose
 * coefficient of q^u counts the orderings with U = u: built as Π_{i=1..m} (1 − q^{n+i}) / (1 − q^i),
 * truncated at degree k (every step only moves mass to higher degrees, so truncation is exact).
 */
function exactCdf(k: number, m: number, n: number): number {
  const c = new Float64Array(k + 1);
  c[0] = 1;
  let total = 1;
  for (let i = 1; i <= m; i++) {
    const shift = n + i;
    for (let u = k; u >= shift; u--) c[u] -= c[u - shift];
    for (let u = i; u <= k; u++) c[u] += c[u - i];
    total = (total * (n + i)) / i;
  }
  let s = 0;
  for (let u = 0; u <= k; u++) s += c[u];
  return s / total;
}

/** Two-sided Mann–Whitney U test of `a` against `b`; `statistic` is U₁, the U of sample `a` (as SciPy reports). */
export function mannWhitneyU(a: ArrayLike<number>, b: ArrayLike<number>): MannWhitneyResult {
  checkSample(a, 'a');
  checkSample(b, 'b');
  const n1 = a.length;
  const n2 = b.length;
  const { r1, tieTerm } = rankSumAndTies(a, b);
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const u = Math.max(u1, u2);
  const exact = (n1 <= 8 || n2 <= 8) && tieTerm === 0;
  let p: number;
  if (exact) {
    // By symmetry P(U ≥ u) = P(U ≤ n1·n2 − u), summed from the short end; u is an integer without ties.
    p = 2 * exactCdf(n1 * n2 - u, Math.min(n1, n2), Math.max(n1, n2));
  } else {
    const n = n1 + n2;
    const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
    const z = (u - (n1 * n2) / 2 - 0.5) / sigma; // −0.5: continuity correction toward the mean
    p = 2 * normalCdf(-z);
  }
  return { statistic: u1, pValue: Math.min(1, Math.max(0, p)) };
}

/** The proposal's significance marker for a p-value: '***' below 0.001, '**' below 0.005, else ''. */
export function significanceMarker(p: number): '***' | '**' | '' {
  if (p < 0.001) return '***';
  if (p < 0.005) return '**';
  return '';
}

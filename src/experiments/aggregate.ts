/** Aggregation of trial results across seeds: mean and 95% confidence interval per group. */
import { meanCi95 } from '../shared/stats/index.js';
import type { MetricRecord, TrialSummary } from '../trials/trial.js';

export interface Ci {
  mean: number;
  lo: number;
  hi: number;
  n: number;
}

/** Groups `items` by `key` (insertion order kept). */
export function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const arr = m.get(k);
    if (arr) arr.push(it);
    else m.set(k, [it]);
  }
  return m;
}

export function ci(values: readonly number[]): Ci {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { mean: NaN, lo: NaN, hi: NaN, n: 0 };
  if (finite.length === 1) return { mean: finite[0], lo: finite[0], hi: finite[0], n: 1 };
  const r = meanCi95(finite);
  return { mean: r.mean, lo: r.lo, hi: r.hi, n: r.n };
}

/** Histories of several seeds aligned on their k-th evaluation (the same runtime % in step-budget mode). */
export function alignHistories(
  histories: readonly MetricRecord[][],
  metric: keyof MetricRecord,
): { runtimePct: number; value: Ci }[] {
  const len = Math.min(...histories.map((h) => h.length));
  const out: { runtimePct: number; value: Ci }[] = [];
  for (let k = 0; k < len; k++) {
    const pct = histories.reduce((a, h) => a + h[k].runtimePct, 0) / histories.length;
    out.push({ runtimePct: pct, value: ci(histories.map((h) => Number(h[k][metric]))) });
  }
  return out;
}

/** A markdown table. */
export function markdownTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const fmt = (v: string | number): string =>
    typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : v;
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(fmt).join(' | ')} |`),
  ].join('\n');
}

export function fmtCi(c: Ci, digits = 3, scale = 1): string {
  if (!Number.isFinite(c.mean)) return 'n/a';
  const m = (c.mean * scale).toFixed(digits);
  return c.n > 1 ? `${m} ± ${(((c.hi - c.lo) / 2) * scale).toFixed(digits)}` : m;
}

export type { TrialSummary };

/**
 * The scaling study's measurements as numbers to fit: each trial's metric records turned into the four errors that
 * saturate (1 − action match, 1 − macro-F1, the normalised return gap, cross-entropy) at each point of its budget.
 */
import type { MetricRecord } from '../../trials/trial.js';
import { returnGap, type ReferenceReturns } from './reference.js';

export const ERROR_METRICS = ['action', 'f1', 'return', 'ce'] as const;
export type ErrorMetric = (typeof ERROR_METRICS)[number];

/** How each error reads in figures and the report. */
export const METRIC_LABELS: Readonly<Record<ErrorMetric, string>> = {
  action: 'test error (1 − action match)',
  f1: '1 − macro-F1 (sampled actions)',
  return: 'return gap (expert − return)/(expert − random)',
  ce: 'test cross-entropy',
};

/** One evaluation point of one trial, with its errors (absent when not measured: no rollouts, no expert). */
export interface CurvePoint {
  readonly index: number;
  readonly flops: number;
  readonly wallSeconds: number;
  readonly err: Partial<Record<ErrorMetric, number>>;
}

/** A trial's place in the grid and its curve. */
export interface TrialCurve {
  readonly id: string;
  readonly dataset: string;
  readonly method: string;
  readonly size: number;
  readonly width: number;
  readonly depth: number;
  readonly params: number;
  readonly seed: number;
  readonly points: readonly CurvePoint[];
}

/** The errors of one metric record; the return gap needs the seed's reference returns. */
export function errorsOf(r: MetricRecord, ref: ReferenceReturns | undefined): Partial<Record<ErrorMetric, number>> {
  const out: Partial<Record<ErrorMetric, number>> = {};
  if (r.testActionMatch !== undefined) out.action = 1 - r.testActionMatch;
  if (r.testMacroF1 !== undefined) out.f1 = 1 - r.testMacroF1;
  if (r.testLoss !== undefined) out.ce = r.testLoss;
  if (r.meanReturn !== undefined && ref !== undefined) {
    const g = returnGap(r.meanReturn, ref);
    if (g !== undefined) out.return = g;
  }
  return out;
}

/** A trial's curve from its metric records (in order; the first is the untrained network at 0 FLOPs). */
export function curveOf(
  trial: Omit<TrialCurve, 'points'>,
  records: readonly MetricRecord[],
  ref: ReferenceReturns | undefined,
): TrialCurve {
  return {
    ...trial,
    points: records.map((r, index) => ({ index, flops: r.flops, wallSeconds: r.wallSeconds, err: errorsOf(r, ref) })),
  };
}

/** The last point of a curve: the error at the end of the trial's budget. */
export function finalError(c: TrialCurve, metric: ErrorMetric): number | undefined {
  return c.points.at(-1)?.err[metric];
}

/** Experiment 2's figures: a metric against runtime % per method, and the final values as sorted bars. */
import type { TopLevelSpec } from 'vega-lite';
import { finiteOrNull, methodDomain, requireRows, SCHEMA, titleSpec, uniqueInOrder } from './common.js';
import type { CiValue, FigureTitle, MethodColours } from './common.js';

/** One method's metric at one point of its compute budget, aggregated across seeds. */
export interface Exp2LineRow {
  method: string;
  /** Share of the method's budget spent so far, 0–100. */
  runtimePct: number;
  value: CiValue;
}

/** One method's final value, aggregated across seeds. */
export interface Exp2BarRow {
  method: string;
  value: CiValue;
}

/** The metrics experiment 2 plots, each with the axis title (and unit) it is shown with. */
export type Exp2Metric = 'Test cross-entropy' | 'Test macro-F1';

const AXIS_TITLE: Record<Exp2Metric, string> = {
  'Test cross-entropy': 'Test cross-entropy (nats per sample)',
  'Test macro-F1': 'Test macro-F1 (0–1)',
};
const LOWER_IS_BETTER: Record<Exp2Metric, boolean> = { 'Test cross-entropy': true, 'Test macro-F1': false };

/** Line plot of a test metric against runtime % of the budget, one line per method, 95% CI bands across seeds. */
export function exp2Lines(
  rows: readonly Exp2LineRow[],
  options: { metric: Exp2Metric } & FigureTitle & MethodColours,
): TopLevelSpec {
  requireRows(rows, 'exp2Lines');
  const methods = methodDomain(
    rows.map((r) => r.method),
    options.methodOrder,
  );
  const values = [...rows]
    .sort((a, b) => a.runtimePct - b.runtimePct)
    .map((r) => ({
      method: r.method,
      band: r.method, // its own field, so the hidden band legend does not merge with (and hide) the line legend
      pct: r.runtimePct,
      mean: finiteOrNull(r.value.mean),
      lo: finiteOrNull(r.value.lo),
      hi: finiteOrNull(r.value.hi),
    }));
  const scale = { domain: methods };
  const legend = { values: uniqueInOrder(rows.map((r) => r.method)) }; // only the methods this figure shows
  return {
    $schema: SCHEMA,
    title: titleSpec(
      options.title ?? `${options.metric} vs runtime`,
      options.subtitle ??
        `Mean across seeds with 95% confidence bands; ${LOWER_IS_BETTER[options.metric] ? 'lower' : 'higher'} is better`,
    ),
    data: { values },
    width: 560,
    height: 330,
    encoding: {
      x: {
        field: 'pct',
        type: 'quantitative',
        title: 'Runtime (% of compute budget)',
        scale: { domain: [0, 100] },
        axis: { values: [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100] },
      },
    },
    layer: [
      {
        mark: { type: 'area', opacity: 0.15 },
        encoding: {
          y: { field: 'lo', type: 'quantitative' },
          y2: { field: 'hi' },
          fill: { field: 'band', type: 'nominal', scale, legend: null },
        },
      },
      {
        mark: { type: 'line', point: { size: 30, filled: true } },
        encoding: {
          y: { field: 'mean', type: 'quantitative', title: AXIS_TITLE[options.metric], scale: { zero: false } },
          color: { field: 'method', type: 'nominal', title: 'Method', scale, legend },
          shape: { field: 'method', type: 'nominal', title: 'Method', scale, legend },
        },
      },
    ],
  } as TopLevelSpec;
}

/** Bars of each method's final value, sorted best to worst, with the value printed above each bar and 95% CI whiskers. */
export function exp2FinalBars(
  rows: readonly Exp2BarRow[],
  options: { metric?: Exp2Metric } & FigureTitle & MethodColours = {},
): TopLevelSpec {
  requireRows(rows, 'exp2FinalBars');
  const metric = options.metric ?? 'Test macro-F1';
  const methods = methodDomain(
    rows.map((r) => r.method),
    options.methodOrder,
  );
  const sign = LOWER_IS_BETTER[metric] ? 1 : -1;
  const sorted = [...rows].sort((a, b) => sign * (a.value.mean - b.value.mean));
  const values = sorted.map((r) => ({
    method: r.method,
    mean: finiteOrNull(r.value.mean),
    lo: finiteOrNull(r.value.lo),
    hi: finiteOrNull(r.value.hi),
    // Labels sit above the whisker when there is one, so the number never overlaps it.
    top: finiteOrNull(Math.max(r.value.mean, Number.isFinite(r.value.hi) ? r.value.hi : -Infinity)),
    label: Number.isFinite(r.value.mean) ? r.value.mean.toFixed(3) : 'n/a',
  }));
  const x = {
    field: 'method',
    type: 'nominal',
    title: 'Method (best to worst)',
    sort: sorted.map((r) => r.method),
    axis: { labelAngle: -35, labelLimit: 200 },
  } as const;
  return {
    $schema: SCHEMA,
    title: titleSpec(
      options.title ?? `Final ${metric.charAt(0).toLowerCase()}${metric.slice(1)}`,
      options.subtitle ?? 'Mean across seeds; whiskers are 95% confidence intervals',
    ),
    data: { values },
    width: { step: 58 },
    height: 320,
    encoding: { x },
    layer: [
      {
        mark: { type: 'bar', width: { band: 0.75 } },
        encoding: {
          y: { field: 'mean', type: 'quantitative', title: AXIS_TITLE[metric] },
          color: { field: 'method', type: 'nominal', scale: { domain: methods }, legend: null },
        },
      },
      {
        mark: { type: 'rule', strokeWidth: 1.5, color: '#222222' },
        encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } },
      },
      {
        mark: { type: 'text', baseline: 'bottom', dy: -4, fontSize: 11, color: '#111111' },
        encoding: { y: { field: 'top', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
  } as TopLevelSpec;
}

/**
 * Experiment 2's figures: a metric against runtime % per method (one per training set, and all training sets of a
 * dataset faceted in one), the final values as sorted bars, and the proposal's own figure: final macro-F1 error
 * on a log axis, every method × training size. Methods appear by name ("GA, adaptive σ, CE"), coloured by family
 * and dashed by σ mode (method_names.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import { finiteOrNull, methodDomain, requireRows, SCHEMA, titleSpec, uniqueInOrder } from './common.js';
import type { CiValue, FigureTitle, MethodColours } from './common.js';
import { methodLooks, methodScales, type MethodLook } from './method_names.js';

/** Looks of the figure's methods in colour order, and each id's label. */
function looksOf(
  rowMethods: readonly string[],
  methodOrder?: readonly string[],
): {
  looks: MethodLook[];
  label: (id: string) => string;
} {
  const looks = methodLooks(methodDomain(rowMethods, methodOrder));
  const byId = new Map(looks.map((l) => [l.id, l.label]));
  return { looks, label: (id) => byId.get(id) ?? id };
}

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
  const { looks, label } = looksOf(
    rows.map((r) => r.method),
    options.methodOrder,
  );
  return {
    $schema: SCHEMA,
    title: titleSpec(
      options.title ?? `${options.metric} vs runtime`,
      options.subtitle ??
        `Mean across seeds with 95% confidence bands; ${LOWER_IS_BETTER[options.metric] ? 'lower' : 'higher'} is better`,
    ),
    data: { values: lineValues(rows, label) },
    width: 560,
    height: 330,
    ...lineLayers(looks, uniqueInOrder(rows.map((r) => label(r.method))), AXIS_TITLE[options.metric]),
  } as TopLevelSpec;
}

function lineValues(
  rows: readonly Exp2LineRow[],
  label: (id: string) => string,
  extra: (r: Exp2LineRow) => Record<string, unknown> = () => ({}),
): Record<string, unknown>[] {
  return [...rows]
    .sort((a, b) => a.runtimePct - b.runtimePct)
    .map((r) => ({
      method: label(r.method),
      band: label(r.method), // its own field, so the hidden band legend does not merge with (and hide) the line legend
      pct: r.runtimePct,
      mean: finiteOrNull(r.value.mean),
      lo: finiteOrNull(r.value.lo),
      hi: finiteOrNull(r.value.hi),
      ...extra(r),
    }));
}

/** Encoding and layers of a runtime line plot: CI band, and a line per method (family colour, σ-mode dash). */
function lineLayers(
  looks: readonly MethodLook[],
  shown: readonly string[],
  yTitle: string,
  y: Record<string, unknown> = { zero: false },
): Record<string, unknown> {
  const scales = methodScales(looks);
  // Only the methods this figure shows, each drawn as a stroke so its dash (σ mode) shows in the legend too.
  const legend = { values: [...shown], symbolType: 'stroke', symbolStrokeWidth: 2.5, symbolSize: 420 };
  return {
    encoding: {
      x: {
        field: 'pct',
        type: 'quantitative',
        title: 'Runtime (% of compute budget)',
        scale: { domain: [0, 100] },
        axis: { values: [0, 20, 40, 60, 80, 100] },
      },
    },
    layer: [
      {
        mark: { type: 'area', opacity: 0.12 },
        encoding: {
          y: { field: 'lo', type: 'quantitative', scale: y },
          y2: { field: 'hi' },
          fill: { field: 'band', type: 'nominal', scale: scales.colour, legend: null },
        },
      },
      {
        // No shape channel: the legend then draws each method's line with its dash, which is what tells σ modes apart.
        mark: { type: 'line', point: { size: 18, filled: true } },
        encoding: {
          y: { field: 'mean', type: 'quantitative', title: yTitle, scale: y },
          color: { field: 'method', type: 'nominal', title: 'Method', scale: scales.colour, legend },
          strokeDash: { field: 'method', type: 'nominal', title: 'Method', scale: scales.dash, legend },
        },
      },
    ],
  };
}

/** One training set's metric at one point of a method's budget, for the faceted figure of a dataset. */
export interface Exp2FacetRow extends Exp2LineRow {
  metric: Exp2Metric;
  /** How the training set reads in the facet header, e.g. "1e3 rows" or "30%". */
  trainSet: string;
}

/**
 * One figure per dataset: test CE (top, log axis, CE-optimising methods only) and macro-F1 (bottom) against
 * runtime, a column per training set in `trainSetOrder`.
 */
export function exp2Facets(
  rows: readonly Exp2FacetRow[],
  options: { trainSetOrder: readonly string[] } & FigureTitle & MethodColours,
): TopLevelSpec {
  requireRows(rows, 'exp2Facets');
  const { looks, label } = looksOf(
    rows.map((r) => r.method),
    options.methodOrder,
  );
  const shown = uniqueInOrder(rows.map((r) => label(r.method)));
  const panel = (metric: Exp2Metric): Record<string, unknown> => {
    const mine = rows.filter((r) => r.metric === metric);
    return {
      data: { values: lineValues(mine, label, (r) => ({ trainSet: (r as Exp2FacetRow).trainSet })) },
      facet: {
        column: {
          field: 'trainSet',
          type: 'nominal',
          title: null,
          sort: [...options.trainSetOrder],
          header: { labelFontSize: 13, labelFontWeight: 'bold', labelExpr: "'train ' + datum.value" },
        },
      },
      spec: {
        width: 250,
        height: 210,
        ...lineLayers(
          looks,
          shown,
          AXIS_TITLE[metric],
          metric === 'Test cross-entropy' ? { type: 'log' } : { zero: false },
        ),
      },
    };
  };
  const panels = (['Test cross-entropy', 'Test macro-F1'] as const)
    .filter((m) => rows.some((r) => r.metric === m))
    .map(panel);
  return {
    $schema: SCHEMA,
    title: titleSpec(
      options.title ?? 'Test metrics vs runtime by training size',
      options.subtitle ??
        'Mean across seeds with 95% bands; colour = method family, dashes = adaptive σ; CE (log axis) only for CE-optimising methods',
    ),
    vconcat: panels,
    resolve: { scale: { color: 'shared', strokeDash: 'shared', shape: 'shared' } },
  } as unknown as TopLevelSpec;
}

/** One method's final macro-F1 on one training set, for the proposal's figure. */
export interface Exp2ErrorRow {
  method: string;
  /** e.g. "1e3"; `trainSetOrder` gives the order of the bars within a method. */
  trainSet: string;
  /** Final test macro-F1 (the figure shows 1 − F1). */
  f1: CiValue;
}

/** "1.90e-2", the proposal's label format. */
function sci(v: number): string {
  if (!(v > 0) || !Number.isFinite(v)) return 'n/a';
  const e = Math.floor(Math.log10(v));
  let m = v / 10 ** e;
  let exp = e;
  if (Number(m.toFixed(2)) >= 10) {
    m /= 10;
    exp += 1;
  }
  return `${m.toFixed(2)}e${exp}`;
}

/**
 * The proposal's figure ("Final Macro F1 Error", old/2_dl_vs_ga_es/main.py): 1 − final macro-F1 on a log axis,
 * a group of bars per method (sorted by its best error over training sets, best first), a bar per training set
 * (largest first, darker), the value printed on each bar.
 */
export function exp2ErrorBars(
  rows: readonly Exp2ErrorRow[],
  options: { trainSetOrder: readonly string[] } & FigureTitle & MethodColours,
): TopLevelSpec {
  requireRows(rows, 'exp2ErrorBars');
  const { looks, label } = looksOf(
    rows.map((r) => r.method),
    options.methodOrder,
  );
  const error = (r: Exp2ErrorRow): number => 1 - r.f1.mean;
  const best = new Map<string, number>();
  for (const r of rows) best.set(r.method, Math.min(best.get(r.method) ?? Infinity, error(r)));
  const order = [...best.keys()].sort((a, b) => (best.get(a) as number) - (best.get(b) as number)).map(label);
  const sizes = options.trainSetOrder.filter((t) => rows.some((r) => r.trainSet === t));
  const opacity = sizes.map((_, i) => (sizes.length === 1 ? 1 : 1 - (0.75 * i) / (sizes.length - 1)));
  // A perfect score has no place on a log axis: it is drawn at the axis floor and labelled 0.
  const positive = rows.map(error).filter((e) => e > 0);
  const floor = positive.length > 0 ? 10 ** Math.floor(Math.log10(Math.min(...positive)) - 0.3) : 1e-3;
  const values = rows.map((r) => {
    const e = error(r);
    return {
      method: label(r.method),
      trainSet: r.trainSet,
      error: finiteOrNull(Math.max(e, floor)),
      lo: finiteOrNull(Math.max(1 - r.f1.hi, floor)),
      hi: finiteOrNull(Math.max(1 - r.f1.lo, floor)),
      label: e > 0 ? sci(e) : '0',
    };
  });
  const scales = methodScales(looks);
  const x = {
    field: 'method',
    type: 'nominal',
    title: 'Method (best to worst, by its lowest error)',
    sort: order,
    axis: { labelAngle: -35, labelLimit: 220 },
  } as const;
  const xOffset = { field: 'trainSet', type: 'nominal', sort: sizes, scale: { paddingInner: 0.08 } } as const;
  return {
    $schema: SCHEMA,
    title: titleSpec(
      options.title ?? 'Final macro-F1 error',
      options.subtitle ?? '1 − test macro-F1 at the end of the budget, log axis; lower is better',
    ),
    data: { values },
    // A fixed width: with xOffset a step would size every bar, not every method's group.
    width: Math.max(360, order.length * (20 * sizes.length + 26)),
    height: 360,
    encoding: { x, xOffset },
    layer: [
      {
        mark: { type: 'bar', stroke: '#222222', strokeWidth: 0.5 },
        encoding: {
          y: {
            field: 'error',
            type: 'quantitative',
            title: 'Final macro-F1 error (1 − F1)',
            scale: { type: 'log', domainMin: floor },
          },
          y2: { datum: floor },
          color: { field: 'method', type: 'nominal', scale: scales.colour, legend: null },
          opacity: {
            field: 'trainSet',
            type: 'nominal',
            title: 'Training size',
            scale: { domain: sizes, range: opacity },
            legend: { orient: 'right', symbolType: 'square', symbolFillColor: '#444444', symbolStrokeWidth: 0 },
          },
        },
      },
      {
        mark: { type: 'rule', strokeWidth: 1, color: '#222222' },
        encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } },
      },
      {
        mark: { type: 'text', angle: 270, align: 'left', baseline: 'middle', dx: 3, fontSize: 9, color: '#111111' },
        encoding: { y: { field: 'error', type: 'quantitative' }, text: { field: 'label' } },
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
  const { looks, label } = looksOf(
    rows.map((r) => r.method),
    options.methodOrder,
  );
  const sign = LOWER_IS_BETTER[metric] ? 1 : -1;
  const sorted = [...rows].sort((a, b) => sign * (a.value.mean - b.value.mean));
  const values = sorted.map((r) => ({
    method: label(r.method),
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
    sort: sorted.map((r) => label(r.method)),
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
          color: { field: 'method', type: 'nominal', scale: methodScales(looks).colour, legend: null },
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

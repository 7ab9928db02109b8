/** The hybrid experiment's figures: a test metric against compute (FLOPs) and the final metric against training size. */
import type { TopLevelSpec } from 'vega-lite';
import { finiteOrNull, methodDomain, requireRows, SCHEMA, titleSpec, uniqueInOrder } from './common.js';
import type { CiValue, FigureTitle, MethodColours } from './common.js';

/** One method's metric at one point of training, aggregated across seeds. */
export interface HybridCurveRow {
  method: string;
  /** Training FLOPs spent so far (the proposal's convention: forward 2·in·out per sample, backward twice that). */
  flops: number;
  value: CiValue;
}

/** One method's final metric on one training set, aggregated across seeds. */
export interface HybridSizeRow {
  method: string;
  /** Training set as a percentage of the dataset. */
  trainPct: number;
  value: CiValue;
}

function lines(
  values: { method: string; x: number; mean: number | null; lo: number | null; hi: number | null }[],
  methods: string[],
  legendMethods: string[],
  x: { title: string },
  yTitle: string,
  title: TopLevelSpec['title'],
): TopLevelSpec {
  const scale = { domain: methods };
  const legend = { values: legendMethods };
  return {
    $schema: SCHEMA,
    title,
    data: { values: values.map((v) => ({ ...v, band: v.method })) },
    width: 560,
    height: 330,
    encoding: { x: { field: 'x', type: 'quantitative', title: x.title, scale: { type: 'log' } } },
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
          y: { field: 'mean', type: 'quantitative', title: yTitle, scale: { zero: false } },
          color: { field: 'method', type: 'nominal', title: 'Method', scale, legend },
          shape: { field: 'method', type: 'nominal', title: 'Method', scale, legend },
        },
      },
    ],
  } as TopLevelSpec;
}

/** A test metric against training FLOPs (log axis), one line per method with 95% CI bands across seeds. */
export function hybridByFlops(
  rows: readonly HybridCurveRow[],
  options: { metric: string } & FigureTitle & MethodColours,
): TopLevelSpec {
  requireRows(rows, 'hybridByFlops');
  const values = rows
    .filter((r) => r.flops > 0)
    .sort((a, b) => a.flops - b.flops)
    .map((r) => ({
      method: r.method,
      x: r.flops,
      mean: finiteOrNull(r.value.mean),
      lo: finiteOrNull(r.value.lo),
      hi: finiteOrNull(r.value.hi),
    }));
  return lines(
    values,
    methodDomain(
      rows.map((r) => r.method),
      options.methodOrder,
    ),
    uniqueInOrder(rows.map((r) => r.method)),
    { title: 'Training FLOPs (log scale)' },
    options.metric,
    titleSpec(
      options.title ?? `${options.metric} vs compute`,
      options.subtitle ?? 'Mean across seeds with 95% confidence bands; hybrids switch from DL to evolution mid-way',
    ),
  );
}

/** The final test metric against training-set rows (log axis), one line per method. */
export function hybridBySize(
  rows: readonly HybridSizeRow[],
  options: { metric: string } & FigureTitle & MethodColours,
): TopLevelSpec {
  requireRows(rows, 'hybridBySize');
  const values = [...rows]
    .sort((a, b) => a.trainPct - b.trainPct)
    .map((r) => ({
      method: r.method,
      x: r.trainPct,
      mean: finiteOrNull(r.value.mean),
      lo: finiteOrNull(r.value.lo),
      hi: finiteOrNull(r.value.hi),
    }));
  return lines(
    values,
    methodDomain(
      rows.map((r) => r.method),
      options.methodOrder,
    ),
    uniqueInOrder(rows.map((r) => r.method)),
    { title: 'Training set (% of the dataset, log scale)' },
    options.metric,
    titleSpec(
      options.title ?? `Final ${options.metric} vs training size`,
      options.subtitle ?? 'Mean across seeds with 95% confidence bands',
    ),
  );
}

/**
 * The scaling study's figures: error against data, parameters and FLOPs on log–log axes with the fitted saturating
 * law, its bootstrap band and the asymptote E∞; IsoFLOP curves with the frontier; compute curves against FLOPs and
 * wall time.
 */
import type { TopLevelSpec } from 'vega-lite';
import { finiteOrNull, methodDomain, requireRows, SCHEMA, titleSpec, uniqueInOrder } from './common.js';

/** A measured point: mean over seeds with its 95% CI. */
export interface ScalingPointRow {
  panel: string;
  method: string;
  x: number;
  y: number;
  lo: number;
  hi: number;
}

/** A point of a fitted curve with its band (only credible fits are drawn as laws). */
export interface ScalingFitRow {
  panel: string;
  method: string;
  x: number;
  fit: number;
  bandLo: number;
  bandHi: number;
}

/** The asymptote E∞ of a credible fit. */
export interface ScalingFloorRow {
  panel: string;
  method: string;
  eInf: number;
}

const PANEL = { width: 260, height: 200 };

/** Log axes cannot show 0 or negative values: those points are left out, and the caller says so. */
const positive = (v: number): number | null => (v > 0 && Number.isFinite(v) ? v : null);

/**
 * One panel per entry of `panels` (e.g. one per error metric), each log–log: points with CI bars per method, the
 * fitted curve (solid) in its band, and E∞ as a dashed rule in the method's colour.
 */
export function scalingAxisFigure(
  data: { points: readonly ScalingPointRow[]; fits: readonly ScalingFitRow[]; floors: readonly ScalingFloorRow[] },
  options: {
    title: string;
    subtitle?: string;
    xTitle: string;
    panels: readonly { key: string; yTitle: string }[];
    methodOrder?: readonly string[];
  },
): TopLevelSpec {
  requireRows(data.points, 'scalingAxisFigure');
  const methods = methodDomain(
    data.points.map((r) => r.method),
    options.methodOrder,
  );
  const legend = { values: uniqueInOrder(data.points.map((r) => r.method)) };
  const color = { field: 'method', type: 'nominal', title: 'Method', scale: { domain: methods }, legend } as const;
  const panel = (key: string, yTitle: string) => {
    const pts = data.points
      .filter((p) => p.panel === key)
      .map((p) => ({ method: p.method, x: p.x, y: positive(p.y), lo: positive(p.lo), hi: positive(p.hi) }))
      .filter((p) => p.y !== null);
    const fits = data.fits
      .filter((f) => f.panel === key)
      .map((f) => ({
        method: f.method,
        band: f.method,
        x: f.x,
        fit: positive(f.fit),
        bandLo: positive(f.bandLo),
        bandHi: positive(f.bandHi),
      }));
    const floors = data.floors
      .filter((f) => f.panel === key && f.eInf > 0)
      .map((f) => ({ method: f.method, eInf: f.eInf }));
    const x = {
      field: 'x',
      type: 'quantitative' as const,
      scale: { type: 'log' as const, nice: false, padding: 10 },
      title: options.xTitle,
      axis: { format: '~s', labelOverlap: 'greedy' as const },
    };
    const yScale = { type: 'log' as const, nice: false, padding: 10 };
    const layers: object[] = [];
    if (fits.length > 0) {
      layers.push({
        data: { values: fits },
        mark: { type: 'area', opacity: 0.15 },
        encoding: {
          x,
          y: { field: 'bandLo', type: 'quantitative', scale: yScale },
          y2: { field: 'bandHi' },
          fill: { ...color, field: 'band', legend: null },
        },
      });
      layers.push({
        data: { values: fits },
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: { x, y: { field: 'fit', type: 'quantitative', scale: yScale }, color },
      });
    }
    if (floors.length > 0) {
      layers.push({
        data: { values: floors },
        mark: { type: 'rule', strokeDash: [5, 4], strokeWidth: 1 },
        encoding: { y: { field: 'eInf', type: 'quantitative', scale: yScale }, color },
      });
    }
    layers.push({
      data: { values: pts },
      mark: { type: 'rule', strokeWidth: 1 },
      encoding: { x, y: { field: 'lo', type: 'quantitative', scale: yScale }, y2: { field: 'hi' }, color },
    });
    layers.push({
      data: { values: pts },
      mark: { type: 'point', filled: true, size: 36 },
      encoding: {
        x,
        y: { field: 'y', type: 'quantitative', scale: yScale, title: yTitle, axis: { format: '~g' } },
        color,
        shape: { field: 'method', type: 'nominal', title: 'Method', scale: { domain: methods }, legend },
      },
    });
    return { ...PANEL, title: { text: yTitle, fontSize: 12, anchor: 'middle' as const }, layer: layers };
  };
  return {
    $schema: SCHEMA,
    title: titleSpec(options.title, options.subtitle),
    columns: Math.min(2, options.panels.length),
    concat: options.panels.map((p) => panel(p.key, p.yTitle)),
    resolve: { scale: { y: 'independent' } },
  } as unknown as TopLevelSpec;
}

/** A capacity's mean error at one FLOPs budget. */
export interface IsoFlopRow {
  method: string;
  flops: number;
  params: number;
  err: number;
}

/** The best size of one budget (the frontier). */
export interface IsoFlopOptimumRow {
  method: string;
  flops: number;
  params: number;
  err: number;
}

/** One panel per method: error against parameters, one line per FLOPs budget (darker = more compute), optima marked. */
export function isoFlopFigure(
  rows: readonly IsoFlopRow[],
  optima: readonly IsoFlopOptimumRow[],
  options: { title: string; subtitle?: string; yTitle: string },
): TopLevelSpec {
  requireRows(rows, 'isoFlopFigure');
  const methods = uniqueInOrder(rows.map((r) => r.method));
  const panel = (method: string) => ({
    ...PANEL,
    title: { text: method, fontSize: 12, anchor: 'middle' as const },
    layer: [
      {
        data: {
          values: rows
            .filter((r) => r.method === method)
            .map((r) => ({ ...r, budget: Number(r.flops.toPrecision(2)) })),
        },
        mark: { type: 'line', point: true, strokeWidth: 1.2 },
        encoding: {
          x: {
            field: 'params',
            type: 'quantitative',
            scale: { type: 'log', nice: false, padding: 10 },
            title: 'Parameters N (log)',
            axis: { format: '~s' },
          },
          y: {
            field: 'err',
            type: 'quantitative',
            scale: { type: 'log', nice: false, padding: 10 },
            title: options.yTitle,
            axis: { format: '~g' },
          },
          color: {
            field: 'budget',
            type: 'ordinal',
            scale: { scheme: 'viridis', reverse: true },
            title: 'FLOPs budget',
            legend: { format: '.0e' },
          },
          detail: { field: 'budget', type: 'nominal' },
        },
      },
      {
        data: { values: optima.filter((o) => o.method === method).map((o) => ({ ...o, err: finiteOrNull(o.err) })) },
        mark: { type: 'point', shape: 'diamond', filled: true, size: 70, color: '#000000' },
        encoding: {
          x: { field: 'params', type: 'quantitative', scale: { type: 'log' } },
          y: { field: 'err', type: 'quantitative', scale: { type: 'log' } },
          tooltip: [{ field: 'flops', format: '.1e' }],
        },
      },
    ],
  });
  return {
    $schema: SCHEMA,
    title: titleSpec(
      options.title,
      options.subtitle ?? 'Each line is one FLOPs budget; black diamonds: the best size at each budget (the frontier)',
    ),
    columns: Math.min(2, methods.length),
    concat: methods.map(panel),
    resolve: { scale: { color: 'shared' } },
  } as unknown as TopLevelSpec;
}

/** A capacity's mean error at one point of its budget. */
export interface ComputeCurveRow {
  method: string;
  capacity: string;
  params: number;
  flops: number;
  wallSeconds: number;
  err: number;
}

/** Error against FLOPs (left) and wall time (right) per method, one line per capacity. */
export function computeCurvesFigure(
  rows: readonly ComputeCurveRow[],
  options: { title: string; subtitle?: string; yTitle: string },
): TopLevelSpec {
  requireRows(rows, 'computeCurvesFigure');
  const methods = uniqueInOrder(rows.map((r) => r.method));
  const values = rows.filter((r) => r.err > 0 && r.flops > 0 && r.wallSeconds > 0);
  const capacities = uniqueInOrder([...values].sort((a, b) => a.params - b.params).map((r) => r.capacity));
  const panel = (method: string, xField: 'flops' | 'wallSeconds') => ({
    ...PANEL,
    title: {
      text: `${method} — vs ${xField === 'flops' ? 'FLOPs' : 'wall time'}`,
      fontSize: 12,
      anchor: 'middle' as const,
    },
    data: { values: values.filter((r) => r.method === method) },
    mark: { type: 'line', point: true, strokeWidth: 1.2 },
    encoding: {
      x: {
        field: xField,
        type: 'quantitative',
        scale: { type: 'log', nice: false, padding: 10 },
        title: xField === 'flops' ? 'Training FLOPs (log)' : 'Wall time, s (log)',
        axis: { format: xField === 'flops' ? '.0e' : '~g', labelOverlap: 'greedy' },
      },
      y: {
        field: 'err',
        type: 'quantitative',
        scale: { type: 'log', nice: false, padding: 10 },
        title: options.yTitle,
        axis: { format: '~g' },
      },
      color: {
        field: 'capacity',
        type: 'ordinal',
        scale: { domain: capacities, scheme: 'viridis' },
        title: 'Capacity',
        sort: capacities,
      },
    },
  });
  return {
    $schema: SCHEMA,
    title: titleSpec(options.title, options.subtitle),
    columns: 2,
    concat: methods.flatMap((m) => [panel(m, 'flops'), panel(m, 'wallSeconds')]),
    resolve: { scale: { y: 'shared' } },
  } as unknown as TopLevelSpec;
}

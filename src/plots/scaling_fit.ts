/**
 * Log–log scaling figures with fitted saturating power laws: each method's measured points, the fitted curve with
 * its bootstrap band and its asymptote E∞ as a dashed line, one panel per metric. A fit that is not credible is not
 * drawn: its points stand alone, so the figure never shows a law the data do not support.
 */
import type { TopLevelSpec } from 'vega-lite';
import { InvalidArgumentError } from '../shared/errors.js';
import { finiteOrNull, methodDomain, SCHEMA, titleSpec, uniqueInOrder } from './common.js';
import type { FigureTitle, MethodColours } from './common.js';

/** One measured value (one seed at one size). */
export interface ScalingFitPoint {
  method: string;
  /** The panel it belongs to, e.g. 'Test error (1 − action match)'. */
  panel: string;
  x: number;
  value: number;
}

/** A credible fit's curve on a grid: the fitted value with its band, and its asymptote. */
export interface ScalingFitCurve {
  method: string;
  panel: string;
  grid: readonly { x: number; err: number; lo: number; hi: number }[];
  /** E∞, drawn as a dashed horizontal line when positive (a log axis has no 0). */
  eInf: number;
}

/** Options of `scalingFitPanels`. */
export interface ScalingFitOptions extends FigureTitle, MethodColours {
  /** The x axis title, with its unit. */
  xTitle: string;
}

const PANEL = { width: 340, height: 250 };

/** One panel per distinct `panel`, log x and log y, points per seed, fitted curve, band and E∞ per method. */
export function scalingFitPanels(
  points: readonly ScalingFitPoint[],
  curves: readonly ScalingFitCurve[],
  options: ScalingFitOptions,
): TopLevelSpec {
  if (points.length === 0) {
    throw new InvalidArgumentError('scalingFitPanels: no points to plot; check the results directory');
  }
  const methods = methodDomain(
    points.map((p) => p.method),
    options.methodOrder,
  );
  const panels = uniqueInOrder(points.map((p) => p.panel));
  const values = [
    ...points
      .filter((p) => p.value > 0)
      .map((p) => ({ kind: 'point', method: p.method, panel: p.panel, x: p.x, y: p.value })),
    ...curves.flatMap((c) =>
      c.grid.map((g) => ({
        kind: 'curve',
        method: c.method,
        band: c.method,
        panel: c.panel,
        x: g.x,
        y: finiteOrNull(g.err),
        lo: finiteOrNull(g.lo),
        hi: finiteOrNull(g.hi),
      })),
    ),
    ...curves
      .filter((c) => c.eInf > 0)
      .map((c) => ({ kind: 'floor', method: c.method, panel: c.panel, y: c.eInf, label: `E∞ ${c.method}` })),
  ];
  const legend = { values: uniqueInOrder(points.map((p) => p.method)) };
  const color = { field: 'method', type: 'nominal', title: 'Method', scale: { domain: methods }, legend } as const;
  const logX = {
    field: 'x',
    type: 'quantitative' as const,
    scale: { type: 'log' as const, nice: false, padding: 12 },
    title: options.xTitle,
    axis: { format: '~s', values: uniqueInOrder(points.map((p) => p.x)).sort((a, b) => a - b) },
  };
  const logY = (title: string) => ({
    field: 'y',
    type: 'quantitative' as const,
    scale: { type: 'log' as const, nice: false, padding: 8 },
    title: `${title} (log scale)`,
    axis: { format: '~g', tickCount: 6 },
  });
  const panel = (name: string) => ({
    ...PANEL,
    title: { text: name, fontSize: 13, anchor: 'middle' as const },
    transform: [{ filter: { field: 'panel', equal: name } }],
    layer: [
      {
        transform: [{ filter: { field: 'kind', equal: 'curve' } }],
        mark: { type: 'area' as const, opacity: 0.16 },
        encoding: {
          x: logX,
          y: { field: 'lo', type: 'quantitative' as const },
          y2: { field: 'hi' },
          fill: { ...color, field: 'band', legend: null },
        },
      },
      {
        transform: [{ filter: { field: 'kind', equal: 'curve' } }],
        mark: { type: 'line' as const },
        encoding: { x: logX, y: logY(name), color },
      },
      {
        transform: [{ filter: { field: 'kind', equal: 'floor' } }],
        mark: { type: 'rule' as const, strokeDash: [5, 4], strokeWidth: 1.5 },
        encoding: { y: { field: 'y', type: 'quantitative' as const }, color },
      },
      {
        transform: [{ filter: { field: 'kind', equal: 'point' } }],
        mark: { type: 'point' as const, size: 40, opacity: 0.85 },
        encoding: {
          x: logX,
          y: logY(name),
          color,
          shape: { field: 'method', type: 'nominal' as const, title: 'Method', scale: { domain: methods }, legend },
        },
      },
    ],
    resolve: { scale: { y: 'shared' as const } },
  });
  return {
    $schema: SCHEMA,
    title: titleSpec(
      options.title ?? 'Saturating power-law fits',
      options.subtitle ??
        'Points: one per seed. Lines: fitted E∞ + A·x^(−α) with 95% bootstrap band; dashed: the asymptote E∞. No line: fit not credible.',
    ),
    data: { values },
    hconcat: panels.map(panel),
  } as TopLevelSpec;
}

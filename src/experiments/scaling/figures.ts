/** The scaling study's figures, from its analysis: one set per dataset under `<dir>/plots/`. */
import { join } from 'node:path';
import {
  computeCurvesFigure,
  isoFlopFigure,
  renderVegaLite,
  scalingAxisFigure,
  type ComputeCurveRow,
  type ScalingFitRow,
  type ScalingFloorRow,
  type ScalingPointRow,
} from '../../plots/index.js';
import type { ScalingConfig } from '../../shared/config/scaling.js';
import { groupBy } from '../aggregate.js';
import { AXES, AXIS_LABELS, capacityLabel, type Axis, type ScalingAnalysis } from './analysis.js';
import { ERROR_METRICS, METRIC_LABELS, type TrialCurve } from './curves.js';

/** Figure files (relative to the study's folder, without extension) per dataset, for the report. */
export interface ScalingFigures {
  readonly byDataset: Record<string, { axes: Record<Axis, string>; isoflop?: string; compute?: string }>;
}

export const datasetTag = (d: string): string => d.replace(/[^A-Za-z0-9_-]/g, '_');

/** The error metric the IsoFLOP and compute-curve figures show: action error, or the first one measured. */
export const PRIMARY_METRIC = 'action';

export async function writeScalingFigures(
  dir: string,
  cfg: ScalingConfig,
  curves: readonly TrialCurve[],
  analysis: ScalingAnalysis,
): Promise<ScalingFigures> {
  const byDataset: ScalingFigures['byDataset'] = {};
  for (const dataset of cfg.datasets) {
    const tag = datasetTag(dataset);
    const files = { axes: {} as Record<Axis, string> } as ScalingFigures['byDataset'][string];
    for (const axis of AXES) {
      const rows = analysis.axes.filter((a) => a.dataset === dataset && a.axis === axis);
      const points: ScalingPointRow[] = [];
      const fits: ScalingFitRow[] = [];
      const floors: ScalingFloorRow[] = [];
      for (const a of rows) {
        for (const m of a.means)
          points.push({ panel: a.metric, method: a.method, x: m.x, y: m.value.mean, lo: m.value.lo, hi: m.value.hi });
        // A fit that is not credible is reported in the table, not drawn as a law.
        if (a.fit !== undefined && a.credibility?.credible === true && a.band !== undefined) {
          for (const b of a.band)
            fits.push({ panel: a.metric, method: a.method, x: b.x, fit: b.fit, bandLo: b.lo, bandHi: b.hi });
          floors.push({ panel: a.metric, method: a.method, eInf: a.fit.fit.eInf });
        }
      }
      if (points.length === 0) continue;
      const panels = ERROR_METRICS.filter((m) => rows.some((r) => r.metric === m)).map((m) => ({
        key: m,
        yTitle: METRIC_LABELS[m],
      }));
      const file = `plots/${tag}_${axis}`;
      await renderVegaLite(
        scalingAxisFigure(
          { points, fits, floors },
          {
            title: `${dataset}: error vs ${AXIS_LABELS[axis]}`,
            subtitle: `${rows[0].slice}. Points: mean ± 95% CI over seeds; lines: credible fits E∞ + A·x^(−α) with 95% bootstrap band; dashed: E∞`,
            xTitle: `${AXIS_LABELS[axis]} (log)`,
            panels,
            methodOrder: cfg.methods,
          },
        ),
        join(dir, file),
      );
      files.axes[axis] = file;
    }
    const iso = analysis.isoflop.filter((i) => i.dataset === dataset && i.metric === PRIMARY_METRIC);
    if (iso.some((i) => i.points.length > 0)) {
      const file = `plots/${tag}_isoflop`;
      // Six budgets spread over the range keep the lines apart; the report lists the frontier at every budget.
      const shown = spread(
        [...new Set(iso.flatMap((i) => i.points.map((p) => p.flops)))].sort((a, b) => a - b),
        6,
      );
      const near = (f: number): boolean => shown.some((v) => Math.abs(v - f) <= 1e-6 * v);
      await renderVegaLite(
        isoFlopFigure(
          iso.flatMap((i) =>
            i.points
              .filter((p) => near(p.flops))
              .map((p) => ({ method: i.method, flops: p.flops, params: p.params, err: p.err })),
          ),
          iso.flatMap((i) =>
            (i.frontier?.budgets ?? [])
              .filter((b) => near(b.flops))
              .map((b) => ({ method: i.method, flops: b.flops, params: b.params, err: b.err })),
          ),
          { title: `${dataset}: IsoFLOP curves (largest training set)`, yTitle: METRIC_LABELS[PRIMARY_METRIC] },
        ),
        join(dir, file),
      );
      files.isoflop = file;
    }
    const rows = computeRows(curves.filter((c) => c.dataset === dataset));
    if (rows.length > 0) {
      const file = `plots/${tag}_compute`;
      await renderVegaLite(
        computeCurvesFigure(rows, {
          title: `${dataset}: compute curves (largest training set)`,
          subtitle: 'Mean over seeds of each capacity, at the log-spaced points of its budget',
          yTitle: METRIC_LABELS[PRIMARY_METRIC],
        }),
        join(dir, file),
      );
      files.compute = file;
    }
    byDataset[dataset] = files;
  }
  return { byDataset };
}

/** Mean over seeds of each method × capacity's curve at the largest training set. */
function computeRows(curves: readonly TrialCurve[]): ComputeCurveRow[] {
  const largest = Math.max(...curves.map((c) => c.size));
  const out: ComputeCurveRow[] = [];
  for (const [, g] of groupBy(
    curves.filter((c) => c.size === largest),
    (c) => `${c.method}|${c.width}|${c.depth}`,
  )) {
    const len = Math.min(...g.map((c) => c.points.length));
    for (let k = 1; k < len; k++) {
      const errs = g.map((c) => c.points[k].err[PRIMARY_METRIC]);
      if (errs.some((e) => e === undefined)) continue;
      out.push({
        method: g[0].method,
        capacity: capacityLabel(g[0]),
        params: g[0].params,
        flops: g.reduce((a, c) => a + c.points[k].flops, 0) / g.length,
        wallSeconds: g.reduce((a, c) => a + c.points[k].wallSeconds, 0) / g.length,
        err: (errs as number[]).reduce((a, b) => a + b, 0) / errs.length,
      });
    }
  }
  return out;
}

/** At most `n` values of a sorted list, evenly spread and including both ends. */
function spread(values: readonly number[], n: number): number[] {
  if (values.length <= n) return [...values];
  return Array.from({ length: n }, (_, i) => values[Math.round((i * (values.length - 1)) / (n - 1))]);
}

/**
 * The scaling study's analysis: for each dataset × method × error metric, the error against data, parameters and
 * FLOPs, a saturating power law fitted to each (bootstrap over seeds, forecast of the largest point, credibility), the
 * joint law err(N, D) and the IsoFLOP frontier. Pure numbers; the report and the figures read them.
 */
import {
  bootstrapSaturatingFit,
  credibility,
  fitJointPowerLaw,
  forecastValidation,
  isoFlopFrontier,
  type CurveGroup,
  type Credibility,
  type ForecastValidation,
  type IsoFlopFrontier,
  type JointFit,
  type SaturatingBootstrap,
} from '../../shared/stats/index.js';
import { fitSaturatingPowerLaw, percentile, predictSaturating } from '../../shared/stats/index.js';
import { CounterRng, RngPurpose } from '../../shared/rng/philox.js';
import { InvalidArgumentError } from '../../shared/errors.js';
import { ci, groupBy, type Ci } from '../aggregate.js';
import { ERROR_METRICS, type ErrorMetric, type TrialCurve } from './curves.js';

export const AXES = ['data', 'params', 'flops'] as const;
export type Axis = (typeof AXES)[number];

export const AXIS_LABELS: Readonly<Record<Axis, string>> = {
  data: 'training samples D',
  params: 'parameters N',
  flops: 'training FLOPs C',
};

/** Bootstrap resamples per fit: enough for stable 95% percentile intervals, few enough for a laptop report. */
const RESAMPLES = 400;

/** A forecast "held" when the held-out point is predicted within this relative error. */
export const FORECAST_TOLERANCE = 0.1;

/** One axis of one method and metric: the measured points, and the law fitted to them when it could be. */
export interface AxisAnalysis {
  readonly dataset: string;
  readonly method: string;
  readonly metric: ErrorMetric;
  readonly axis: Axis;
  /** Which slice of the grid the points come from, in words, for the report. */
  readonly slice: string;
  /** Mean and 95% CI over seeds at each x. */
  readonly means: readonly { x: number; value: Ci }[];
  /** One curve per seed (what the bootstrap resamples). */
  readonly groups: readonly CurveGroup[];
  readonly fit?: SaturatingBootstrap;
  readonly credibility?: Credibility;
  readonly forecast?: ForecastValidation;
  /** Why no law was fitted. */
  readonly notFitted?: string;
  /** Points whose error was below the metric's resolution and was set to it. */
  readonly clipped: number;
  /** The fitted curve on a log grid over the measured x, with its pointwise 95% bootstrap band (over seeds). */
  readonly band?: readonly { x: number; fit: number; lo: number; hi: number }[];
  /** x where the fitted excess A·x^(−α) falls to ε: how much of this axis the method needs to come within ε of E∞. */
  readonly xWithinEps?: number;
}

export interface IsoFlopAnalysis {
  readonly dataset: string;
  readonly method: string;
  readonly metric: ErrorMetric;
  /** Mean error of each capacity at each budget (largest training set). */
  readonly points: readonly { flops: number; params: number; err: number; label: string }[];
  readonly frontier?: IsoFlopFrontier;
  readonly notFitted?: string;
}

export interface JointAnalysis {
  readonly dataset: string;
  readonly method: string;
  readonly metric: ErrorMetric;
  readonly fit?: JointFit;
  readonly notFitted?: string;
}

export interface ScalingAnalysis {
  readonly axes: AxisAnalysis[];
  readonly isoflop: IsoFlopAnalysis[];
  readonly joint: JointAnalysis[];
}

export interface AnalysisOptions {
  readonly epsilon: number;
  /**
   * The smallest error a metric can resolve (half a test row for the error rates, half a return step of the
   * episodes for the return gap): errors below it, a perfect score included, are set to it so that log-space fits
   * can pass through them, and each axis counts how many were. Absent: no floor (cross-entropy is never 0).
   */
  readonly resolution?: Partial<Record<ErrorMetric, number>>;
  /** FLOPs of evaluation point k (k ≥ 1), the same for every trial: budget × 10^(−decades·(P−k)/(P−1)). */
  readonly nominalFlops?: (k: number) => number;
}

const capacityKey = (c: TrialCurve): string => `${c.width}x${c.depth}`;
export const capacityLabel = (c: { width: number; depth: number }): string =>
  c.depth === 1 ? `width ${c.width}` : `${c.depth}×${c.width}`;

/** Mean over seeds of one metric of a set of trials (one per seed), or NaN when any is missing. */
function meanOver(trials: readonly TrialCurve[], value: (c: TrialCurve) => number | undefined): number {
  const v = trials.map(value);
  return v.some((x) => x === undefined || !Number.isFinite(x))
    ? NaN
    : (v as number[]).reduce((a, b) => a + b, 0) / v.length;
}

const finalErr = (metric: ErrorMetric) => (c: TrialCurve) => c.points.at(-1)?.err[metric];
const errAt = (metric: ErrorMetric, k: number) => (c: TrialCurve) => c.points[k]?.err[metric];

/** Per-seed curves y(x) from rows (x, seed, y): the units a bootstrap over seeds draws. */
function groupsOf(rows: readonly { x: number; seed: number; y: number }[]): CurveGroup[] {
  return [...groupBy(rows, (r) => String(r.seed)).values()].map((g) => ({
    x: g.map((r) => r.x),
    y: g.map((r) => r.y),
  }));
}

function meansOf(rows: readonly { x: number; y: number }[]): { x: number; value: Ci }[] {
  return [...groupBy(rows, (r) => String(r.x)).values()]
    .map((g) => ({ x: g[0].x, value: ci(g.map((r) => r.y)) }))
    .sort((a, b) => a.x - b.x);
}

/** Fits a saturating law to the rows when it can, with every check the report needs. */
function fitAxis(
  base: Omit<AxisAnalysis, 'means' | 'groups' | 'clipped'>,
  measured: readonly { x: number; seed: number; y: number }[],
  epsilon: number,
  floor: number | undefined,
): AxisAnalysis {
  const rows = floor === undefined ? measured : measured.map((r) => (r.y < floor ? { ...r, y: floor } : r));
  const clipped = floor === undefined ? 0 : measured.filter((r) => r.y < floor).length;
  const groups = groupsOf(rows);
  const means = meansOf(rows);
  const out = { ...base, groups, means, clipped };
  const distinct = new Set(rows.map((r) => r.x)).size;
  if (distinct < 3) return { ...out, notFitted: `only ${distinct} distinct ${AXIS_LABELS[base.axis]} values` };
  const bad = rows.find((r) => !(r.y > 0));
  if (bad !== undefined) {
    return {
      ...out,
      notFitted: `an error of ${bad.y.toPrecision(3)} at x = ${bad.x.toPrecision(3)} (seed ${bad.seed}) is not positive, and a law in log space cannot be fitted through it`,
    };
  }
  try {
    const fit = bootstrapSaturatingFit(groups, { seed: 0, resamples: RESAMPLES });
    const forecast = forecastValidation(
      rows.map((r) => r.x),
      rows.map((r) => r.y),
    );
    const cred = credibility(fit.fit, { bootstrap: fit });
    const band = bandOf(groups, fit.fit);
    const xWithinEps = fit.fit.alpha > 0 ? (fit.fit.a / epsilon) ** (1 / fit.fit.alpha) : undefined;
    return {
      ...out,
      fit,
      forecast,
      credibility: cred,
      band,
      ...(xWithinEps !== undefined && Number.isFinite(xWithinEps) ? { xWithinEps } : {}),
    };
  } catch (err) {
    if (!(err instanceof InvalidArgumentError)) throw err;
    return { ...out, notFitted: err.message };
  }
}

/** Analyses every dataset × method × metric of the study's curves. */
export function analyseScaling(curves: readonly TrialCurve[], opts: AnalysisOptions): ScalingAnalysis {
  const axes: AxisAnalysis[] = [];
  const isoflop: IsoFlopAnalysis[] = [];
  const joint: JointAnalysis[] = [];
  for (const [, group] of groupBy(curves, (c) => `${c.dataset}|${c.method}`)) {
    const { dataset, method } = group[0];
    const sizes = [...new Set(group.map((c) => c.size))].sort((a, b) => a - b);
    const largest = sizes[sizes.length - 1];
    const cells = groupBy(group, (c) => `${c.size}|${capacityKey(c)}`);
    const cell = (size: number, cap: string): TrialCurve[] => cells.get(`${size}|${cap}`) ?? [];
    const capacities = [...groupBy(group, capacityKey).values()].map((g) => g[0]).sort((a, b) => a.params - b.params);
    const points = Math.min(...group.map((c) => c.points.length));
    for (const metric of ERROR_METRICS) {
      if (group.every((c) => c.points.at(-1)?.err[metric] === undefined)) continue;
      const base = { dataset, method, metric };
      // Data: at each size the capacity whose seed-mean final error is lowest (capacity chosen on means, not per
      // seed, so that choosing does not bias the errors down).
      const dataRows: { x: number; seed: number; y: number }[] = [];
      for (const size of sizes) {
        const best = bestBy(capacities, (cap) => meanOver(cell(size, capacityKey(cap)), finalErr(metric)));
        if (best !== undefined)
          for (const t of cell(size, capacityKey(best)))
            dataRows.push({ x: size, seed: t.seed, y: finalErr(metric)(t) as number });
      }
      axes.push(
        fitAxis(
          { ...base, axis: 'data', slice: 'error at the full budget; at each size the best capacity' },
          dataRows,
          opts.epsilon,
          opts.resolution?.[metric],
        ),
      );
      const paramRows: { x: number; seed: number; y: number }[] = [];
      for (const cap of capacities)
        for (const t of cell(largest, capacityKey(cap)))
          if (finalErr(metric)(t) !== undefined)
            paramRows.push({ x: cap.params, seed: t.seed, y: finalErr(metric)(t) as number });
      axes.push(
        fitAxis(
          {
            ...base,
            axis: 'params',
            slice: `error at the full budget, largest training set (${largest} samples); equal FLOPs, so larger networks take fewer steps`,
          },
          paramRows,
          opts.epsilon,
          opts.resolution?.[metric],
        ),
      );
      // Compute: the frontier over capacities at each evaluation point of the largest training set.
      const flopRows: { x: number; seed: number; y: number }[] = [];
      for (let k = 1; k < points; k++) {
        const best = bestBy(capacities, (cap) => meanOver(cell(largest, capacityKey(cap)), errAt(metric, k)));
        if (best !== undefined)
          for (const t of cell(largest, capacityKey(best)))
            flopRows.push({
              // With a wall-clock budget the points are not at planned FLOPs: each seed's point is where it got.
              x: opts.nominalFlops?.(k) ?? t.points[k].flops,
              seed: t.seed,
              y: errAt(metric, k)(t) as number,
            });
      }
      axes.push(
        fitAxis(
          { ...base, axis: 'flops', slice: `compute frontier: at each budget the best capacity; ${largest} samples` },
          flopRows,
          opts.epsilon,
          opts.resolution?.[metric],
        ),
      );
      const iso: IsoFlopAnalysis['points'][number][] = [];
      for (let k = 1; k < points; k++)
        for (const cap of capacities) {
          const err = Math.max(
            opts.resolution?.[metric] ?? 0,
            meanOver(cell(largest, capacityKey(cap)), errAt(metric, k)),
          );
          if (err > 0 && opts.nominalFlops !== undefined)
            iso.push({ flops: opts.nominalFlops(k), params: cap.params, err, label: capacityLabel(cap) });
        }
      try {
        if (opts.nominalFlops === undefined)
          throw new InvalidArgumentError('trials ran on wall-clock budgets, so capacities did not reach equal FLOPs');
        isoflop.push({ ...base, points: iso, frontier: isoFlopFrontier(iso) });
      } catch (err) {
        if (!(err instanceof InvalidArgumentError)) throw err;
        isoflop.push({ ...base, points: iso, notFitted: err.message });
      }
      const jn: number[] = [];
      const jd: number[] = [];
      const je: number[] = [];
      for (const c of group) {
        const e = finalErr(metric)(c);
        if (e === undefined) continue;
        jn.push(c.params);
        jd.push(c.size);
        je.push(Math.max(opts.resolution?.[metric] ?? 0, e));
      }
      try {
        if (je.some((e) => !(e > 0)))
          throw new InvalidArgumentError('some final errors are not positive (at the floor the test set resolves)');
        joint.push({ ...base, fit: fitJointPowerLaw(jn, jd, je) });
      } catch (err) {
        if (!(err instanceof InvalidArgumentError)) throw err;
        joint.push({ ...base, notFitted: err.message });
      }
    }
  }
  return { axes, isoflop, joint };
}

function bestBy<T>(items: readonly T[], score: (t: T) => number): T | undefined {
  let best: T | undefined;
  let bestScore = Infinity;
  for (const it of items) {
    const s = score(it);
    if (Number.isFinite(s) && s < bestScore) {
      best = it;
      bestScore = s;
    }
  }
  return best;
}

const BAND_RESAMPLES = 200;
const BAND_POINTS = 40;

/**
 * The pointwise band of the fitted curve: refits to seeds drawn with replacement (points, with one seed), each
 * predicted on the grid; the 2.5th and 97.5th percentiles at each x. Deterministic (a fixed bootstrap stream).
 */
function bandOf(
  groups: readonly CurveGroup[],
  fit: Parameters<typeof predictSaturating>[0],
): { x: number; fit: number; lo: number; hi: number }[] {
  const allX = groups.flatMap((g) => [...g.x]);
  const allY = groups.flatMap((g) => [...g.y]);
  const units = groups.length > 1 ? groups : allX.map((x, i) => ({ x: [x], y: [allY[i]] }));
  const lo = Math.log(Math.min(...allX));
  const hi = Math.log(Math.max(...allX));
  const grid = Array.from({ length: BAND_POINTS }, (_, i) => Math.exp(lo + ((hi - lo) * i) / (BAND_POINTS - 1)));
  const preds: number[][] = grid.map(() => []);
  const rng = CounterRng.from(1, RngPurpose.bootstrap);
  for (let b = 0; b < BAND_RESAMPLES; b++) {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let k = 0; k < units.length; k++) {
      const u = units[rng.nextInt(units.length)];
      xs.push(...u.x);
      ys.push(...u.y);
    }
    try {
      const f = fitSaturatingPowerLaw(xs, ys);
      grid.forEach((x, i) => preds[i].push(predictSaturating(f, x)));
    } catch (err) {
      if (!(err instanceof InvalidArgumentError)) throw err;
    }
  }
  return grid.map((x, i) => {
    const s = preds[i].filter(Number.isFinite).sort((a, b) => a - b);
    return { x, fit: predictSaturating(fit, x), lo: percentile(s, 0.025), hi: percentile(s, 0.975) };
  });
}

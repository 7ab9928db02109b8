/**
 * Experiment 3's figures per environment × participant: how far each model's mean return is from the human's,
 * what adding continual-learning (session/run) inputs changes, and the return distributions as violins.
 */
import type { TopLevelSpec } from 'vega-lite';
import { finiteOrNull, requireRows, SCHEMA, titleSpec } from './common.js';
import type { FigureTitle } from './common.js';
import { gaussianKde } from './kde.js';
import { CATEGORY_COLORS, HUMAN_COLOR, NO_CL_COLOR, TARGET_LINE_COLOR, WITH_CL_COLOR } from './palette.js';

/** One model's return compared with the human's: `pctDiff` = (model − human)/|human| × 100. */
export interface Exp3AggregateRow {
  method: string;
  withCl: boolean;
  pctDiff: number;
  /** Standard deviation of the per-episode % differences. */
  pctDiffStd: number;
  /** Significance marker of the Mann–Whitney U test against the human's returns ('***', '**' or ''). */
  marker: string;
}

/** One base method's % difference from the human without and with continual-learning inputs. */
export interface Exp3ClImpactRow {
  baseMethod: string;
  noCl: number;
  withCl: number;
}

/** The episode returns of the human or of one model. */
export interface Exp3ViolinRow {
  who: string;
  returns: readonly number[];
}

const WITH_CL = 'with CL inputs';
const NO_CL = 'no CL inputs';
const variantColour = { domain: [WITH_CL, NO_CL], range: [WITH_CL_COLOR, NO_CL_COLOR] };

const fmtPct = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)}%`;

// A y domain with room beyond the extreme bars for the labels printed past their ends.
function paddedDomain(lows: number[], highs: number[]): [number, number] {
  const lo = Math.min(0, ...lows.filter(Number.isFinite));
  const hi = Math.max(0, ...highs.filter(Number.isFinite));
  const pad = 0.14 * (hi - lo || 1);
  return [lo < 0 ? lo - pad : lo, hi > 0 ? hi + pad : hi];
}

/** Bars of each model's % difference from the human, sorted by |difference| (best match first), ±1 s.d. whiskers. */
export function exp3AggregateReturns(rows: readonly Exp3AggregateRow[], options: FigureTitle = {}): TopLevelSpec {
  requireRows(rows, 'exp3AggregateReturns');
  const sorted = [...rows].sort((a, b) => Math.abs(a.pctDiff) - Math.abs(b.pctDiff));
  const values = sorted.map((r) => {
    const std = Number.isFinite(r.pctDiffStd) ? r.pctDiffStd : 0;
    const end = r.pctDiff >= 0 ? r.pctDiff + std : r.pctDiff - std;
    return {
      method: r.method,
      variant: r.withCl ? WITH_CL : NO_CL,
      pct: finiteOrNull(r.pctDiff),
      lo: finiteOrNull(r.pctDiff - std),
      hi: finiteOrNull(r.pctDiff + std),
      end: finiteOrNull(end),
      up: r.pctDiff >= 0,
      label: `${fmtPct(r.pctDiff)}${r.marker ? ` ${r.marker}` : ''}`,
    };
  });
  const domain = paddedDomain(
    values.map((v) => v.lo ?? 0),
    values.map((v) => v.hi ?? 0),
  );
  const label = (up: boolean) => ({
    transform: [{ filter: `datum.up === ${up}` }],
    mark: {
      type: 'text' as const,
      baseline: up ? ('bottom' as const) : ('top' as const),
      dy: up ? -4 : 4,
      fontSize: 11,
    },
    encoding: { y: { field: 'end', type: 'quantitative' as const }, text: { field: 'label' } },
  });
  return {
    $schema: SCHEMA,
    title: titleSpec(
      options.title ?? 'Mean return of each model vs the human',
      options.subtitle ??
        '(model − human) / |human| × 100, closest first; whiskers ±1 s.d. across episodes; Mann–Whitney U: ** p < 0.005, *** p < 0.001',
    ),
    data: { values },
    width: { step: 90 },
    height: 320,
    encoding: {
      x: {
        field: 'method',
        type: 'nominal',
        sort: sorted.map((r) => r.method),
        title: 'Model (closest to the human first)',
        axis: { labelAngle: -25, labelLimit: 220 },
      },
    },
    layer: [
      {
        mark: { type: 'bar', width: { band: 0.7 } },
        encoding: {
          y: {
            field: 'pct',
            type: 'quantitative',
            title: 'Mean return vs human (% difference)',
            scale: { domain, nice: true },
          },
          color: { field: 'variant', type: 'nominal', title: 'Model inputs', scale: variantColour },
        },
      },
      {
        mark: { type: 'rule', strokeWidth: 1.5, color: '#222222' },
        encoding: { y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } },
      },
      { mark: { type: 'rule', color: '#222222' }, encoding: { y: { datum: 0 } } },
      label(true),
      label(false),
    ],
  } as TopLevelSpec;
}

/**
 * Paired bars per base method (no CL vs with CL) of the % difference from the human, a dashed 0% line (a perfect
 * match), an arrow from the no-CL value to the with-CL value, and ✓/✗ with the change in percentage points.
 */
export function exp3ClImpact(rows: readonly Exp3ClImpactRow[], options: FigureTitle = {}): TopLevelSpec {
  requireRows(rows, 'exp3ClImpact');
  const bars = rows.flatMap((r) => [
    { base: r.baseMethod, variant: NO_CL, pct: finiteOrNull(r.noCl) },
    { base: r.baseMethod, variant: WITH_CL, pct: finiteOrNull(r.withCl) },
  ]);
  const arrows = rows.map((r) => {
    const both = Number.isFinite(r.noCl) && Number.isFinite(r.withCl);
    // "Closer" means nearer 0%: the gain is the drop in |difference|, in percentage points.
    const gain = Math.abs(r.noCl) - Math.abs(r.withCl);
    const better = both && gain > 0;
    const verdict = better ? 'closer' : gain === 0 ? 'change' : 'further';
    return {
      base: r.baseMethod,
      from: finiteOrNull(r.noCl),
      to: finiteOrNull(r.withCl),
      head: r.withCl >= r.noCl ? 'triangle-up' : 'triangle-down',
      moved: both && r.withCl !== r.noCl,
      top: Math.max(0, ...[r.noCl, r.withCl].filter(Number.isFinite)),
      note: both
        ? [
            `${better ? '✓' : '✗'} ${Math.abs(gain).toFixed(1)} pp ${verdict}`,
            `${fmtPct(r.noCl)} → ${fmtPct(r.withCl)}`,
          ]
        : ['no comparison:', `${Number.isFinite(r.noCl) ? 'with' : 'no'}-CL result missing`],
      noteColour: better ? TARGET_LINE_COLOR : both ? NO_CL_COLOR : '#555555',
    };
  });
  const all = rows.flatMap((r) => [r.noCl, r.withCl]);
  const domain = paddedDomain(all, all);
  // Room above the tallest group for the two-line note.
  domain[1] += 0.18 * (domain[1] - domain[0]);
  const x = {
    field: 'base',
    type: 'nominal' as const,
    title: 'Base method',
    sort: rows.map((r) => r.baseMethod),
    axis: { labelAngle: 0, labelLimit: 180 },
    scale: { paddingInner: 0.3 },
  };
  return {
    $schema: SCHEMA,
    title: titleSpec(
      options.title ?? 'Effect of continual-learning inputs on matching the human',
      options.subtitle ??
        'Return % difference from the human without and with session/run inputs; dashed line: 0% = same as the human',
    ),
    // A fixed width: layers with and without xOffset would otherwise disagree on the band step.
    width: 190 * rows.length,
    height: 340,
    layer: [
      {
        data: { values: bars },
        mark: { type: 'bar' },
        encoding: {
          x,
          xOffset: { field: 'variant', type: 'nominal', sort: [NO_CL, WITH_CL], scale: { paddingInner: 0.25 } },
          y: {
            field: 'pct',
            type: 'quantitative',
            title: 'Mean return vs human (% difference)',
            scale: { domain, nice: true },
          },
          color: {
            field: 'variant',
            type: 'nominal',
            title: 'Model inputs',
            scale: variantColour,
            legend: { symbolType: 'square' },
          },
        },
      },
      {
        data: { values: [{}] }, // one datum: a layer without data draws nothing
        mark: { type: 'rule', color: TARGET_LINE_COLOR, strokeDash: [7, 5], strokeWidth: 2 },
        encoding: { y: { datum: 0, type: 'quantitative' } },
      },
      {
        data: { values: arrows },
        transform: [{ filter: 'datum.moved' }],
        mark: { type: 'rule', strokeWidth: 2.5, color: '#222222' },
        encoding: { x, y: { field: 'from', type: 'quantitative' }, y2: { field: 'to' } },
      },
      {
        data: { values: arrows },
        transform: [{ filter: 'datum.moved' }],
        mark: { type: 'point', filled: true, size: 140, color: '#222222', opacity: 1 },
        encoding: {
          x,
          y: { field: 'to', type: 'quantitative' },
          shape: { field: 'head', type: 'nominal', scale: null },
        },
      },
      {
        data: { values: arrows },
        mark: { type: 'text', baseline: 'bottom', dy: -22, fontSize: 12, lineHeight: 15 },
        encoding: {
          x,
          y: { field: 'top', type: 'quantitative' },
          text: { field: 'note' },
          // Literal colours (no scale) so the notes do not share the bars' colour scale.
          color: { field: 'noteColour', type: 'nominal', scale: null },
        },
      },
    ],
  } as TopLevelSpec;
}

/** Colour of a violin: the human in grey, models with CL inputs blue, without red, anything else from the palette. */
function violinColour(who: string, i: number): string {
  if (/human/i.test(who)) return HUMAN_COLOR;
  if (/with[_ -]?cl/i.test(who)) return WITH_CL_COLOR;
  if (/no[_ -]?cl/i.test(who)) return NO_CL_COLOR;
  return CATEGORY_COLORS[i % CATEGORY_COLORS.length];
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const i = Math.floor(pos);
  return i + 1 < sorted.length ? sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
}

/**
 * Violins of episode-return distributions (the human's and each model's), each scaled to the same width, with the
 * interquartile range as a thick bar, the median as a white dot and the sample size under each name.
 */
export function exp3Violins(
  rows: readonly Exp3ViolinRow[],
  options: FigureTitle & { yTitle?: string } = {},
): TopLevelSpec {
  requireRows(rows, 'exp3Violins');
  const all = rows.flatMap((r) => r.returns.filter(Number.isFinite));
  const span = all.length ? Math.max(...all) - Math.min(...all) : 0;
  // A floor on the bandwidth keeps a constant sample (every episode at the time limit) a visible sliver.
  const minBandwidth = Math.max(span * 0.01, 1e-6 * Math.max(1, ...all.map(Math.abs)));
  const shapes: { who: string; i: number; value: number; left: number; right: number }[] = [];
  const summaries: { who: string; i: number; q1: number; median: number; q3: number; min: number; max: number }[] = [];
  rows.forEach((r, i) => {
    const xs = r.returns.filter(Number.isFinite);
    if (xs.length === 0) return;
    const { value, density } = gaussianKde(xs, minBandwidth, 80, 0);
    const peak = Math.max(...density);
    value.forEach((v, k) => {
      const half = (0.42 * density[k]) / peak;
      shapes.push({ who: r.who, i, value: v, left: i - half, right: i + half });
    });
    const s = [...xs].sort((a, b) => a - b);
    summaries.push({
      who: r.who,
      i,
      q1: quantile(s, 0.25),
      median: quantile(s, 0.5),
      q3: quantile(s, 0.75),
      min: s[0],
      max: s[s.length - 1],
    });
  });
  const labels = rows.map((r) => [r.who, `n = ${r.returns.filter(Number.isFinite).length}`]);
  const colours = { domain: rows.map((r) => r.who), range: rows.map((r, i) => violinColour(r.who, i)) };
  return {
    $schema: SCHEMA,
    title: titleSpec(
      options.title ?? 'Episode return distributions: human vs models',
      options.subtitle ?? 'Kernel density of returns per episode; bar: interquartile range, dot: median, line: min–max',
    ),
    // Each violin gets room for its name (about 7.5 px per character at 11 px), so neighbouring labels never touch.
    width: Math.max(360, rows.length * Math.max(130, 24 + 7.5 * Math.max(...rows.map((r) => r.who.length)))),
    height: 340,
    encoding: {
      x: {
        type: 'quantitative',
        scale: { domain: [-0.6, rows.length - 0.4], nice: false, zero: false },
        axis: {
          title: null,
          values: rows.map((_, i) => i),
          labelExpr: `${JSON.stringify(labels)}[datum.value]`,
          grid: false,
          labelOverlap: false,
          labelFontSize: 11,
          labelLineHeight: 14,
          labelLimit: 200,
        },
      },
    },
    layer: [
      {
        data: { values: shapes },
        mark: { type: 'area', orient: 'horizontal', opacity: 0.75, stroke: '#333333', strokeWidth: 0.8 },
        encoding: {
          y: { field: 'value', type: 'quantitative', title: options.yTitle ?? 'Episode return (sum of rewards)' },
          x: { field: 'left', type: 'quantitative' },
          x2: { field: 'right' },
          color: { field: 'who', type: 'nominal', scale: colours, legend: null },
          detail: { field: 'who' },
        },
      },
      {
        data: { values: summaries },
        mark: { type: 'rule', strokeWidth: 1.2, color: '#222222' },
        encoding: {
          x: { field: 'i', type: 'quantitative' },
          y: { field: 'min', type: 'quantitative' },
          y2: { field: 'max' },
        },
      },
      {
        data: { values: summaries },
        mark: { type: 'rule', strokeWidth: 7, color: '#222222' },
        encoding: {
          x: { field: 'i', type: 'quantitative' },
          y: { field: 'q1', type: 'quantitative' },
          y2: { field: 'q3' },
        },
      },
      {
        data: { values: summaries },
        mark: { type: 'point', filled: true, color: 'white', size: 30, opacity: 1 },
        encoding: { x: { field: 'i', type: 'quantitative' }, y: { field: 'median', type: 'quantitative' } },
      },
    ],
  } as TopLevelSpec;
}

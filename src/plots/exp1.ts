/** Experiment 1's figure: action match and return against training-set size and against FLOPs, DL vs GA. */
import type { TopLevelSpec } from 'vega-lite';
import { finiteOrNull, methodDomain, requireRows, SCHEMA, titleSpec, uniqueInOrder } from './common.js';
import type { CiValue, FigureTitle, MethodColours } from './common.js';

/** One method at one training-set size, aggregated across seeds. */
export interface Exp1Row {
  /** e.g. 'DL' or 'GA' (any label; one colour each). */
  method: string;
  datasetSize: number;
  flops: number;
  /** Test action match as a fraction in [0, 1]. */
  actionMatch: CiValue;
  episodeReturn: CiValue;
}

const PANEL = { width: 330, height: 220 };

function decades(xs: readonly (number | null)[]): number[] {
  const pos = xs.filter((x): x is number => x !== null && x > 0);
  if (pos.length === 0) return [];
  const lo = Math.floor(Math.log10(Math.min(...pos)));
  const hi = Math.ceil(Math.log10(Math.max(...pos)));
  return Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
}

/** 2×2 panel: action match and episode return against dataset size (top) and FLOPs (bottom), log x, 95% CI bands. */
export function exp1FourPanel(rows: readonly Exp1Row[], options: FigureTitle & MethodColours = {}): TopLevelSpec {
  requireRows(rows, 'exp1FourPanel');
  const methods = methodDomain(
    rows.map((r) => r.method),
    options.methodOrder,
  );
  const values = [...rows]
    .sort((a, b) => a.datasetSize - b.datasetSize)
    .map((r) => ({
      method: r.method,
      // The bands' colour channel reads its own copy of the method: Vega-Lite merges legends of channels that
      // share a field, and the band's hidden legend would hide the line's.
      band: r.method,
      size: r.datasetSize,
      flops: finiteOrNull(r.flops),
      am: finiteOrNull(r.actionMatch.mean),
      amLo: finiteOrNull(r.actionMatch.lo),
      amHi: finiteOrNull(r.actionMatch.hi),
      ret: finiteOrNull(r.episodeReturn.mean),
      retLo: finiteOrNull(r.episodeReturn.lo),
      retHi: finiteOrNull(r.episodeReturn.hi),
    }));
  // Ticks at the sizes actually run, and at whole decades of FLOPs: the default log ticks crowd and overlap.
  const xs = {
    size: {
      field: 'size',
      title: 'Training set size (samples, log scale)',
      format: '~s',
      ticks: uniqueInOrder(values.map((v) => v.size)),
    },
    flops: {
      field: 'flops',
      title: 'Training compute (FLOPs, log scale)',
      format: '.0e',
      ticks: decades(values.map((v) => v.flops)),
    },
  };
  const ys = {
    am: { field: 'am', lo: 'amLo', hi: 'amHi', title: 'Test action match (%)', format: '.0%' },
    ret: { field: 'ret', lo: 'retLo', hi: 'retHi', title: 'Mean episode return (50 episodes)', format: '~s' },
  };
  const legend = { values: uniqueInOrder(rows.map((r) => r.method)) }; // only the methods this figure shows
  const color = { field: 'method', type: 'nominal', title: 'Method', scale: { domain: methods }, legend } as const;
  const panel = (x: (typeof xs)[keyof typeof xs], y: (typeof ys)[keyof typeof ys], title: string) => ({
    ...PANEL,
    title: { text: title, fontSize: 13, anchor: 'middle' as const },
    encoding: {
      x: {
        field: x.field,
        type: 'quantitative' as const,
        // No rounding of the domain out to whole decades: it would leave most of a panel empty.
        scale: { type: 'log' as const, nice: false, padding: 14 },
        title: x.title,
        axis: { format: x.format, values: x.ticks, labelOverlap: 'greedy' as const },
      },
    },
    layer: [
      {
        mark: { type: 'area' as const, opacity: 0.18 },
        encoding: {
          y: { field: y.lo, type: 'quantitative' as const },
          y2: { field: y.hi },
          fill: { ...color, field: 'band', legend: null },
        },
      },
      {
        mark: { type: 'line' as const, point: true },
        encoding: {
          y: {
            field: y.field,
            type: 'quantitative' as const,
            title: y.title,
            scale: { zero: false },
            axis: { format: y.format },
          },
          color,
          shape: { field: 'method', type: 'nominal' as const, title: 'Method', scale: { domain: methods }, legend },
        },
      },
    ],
  });
  return {
    $schema: SCHEMA,
    title: titleSpec(
      options.title ?? 'Experiment 1: behaviour cloning, deep learning vs genetic algorithm',
      options.subtitle ?? 'Mean across seeds; shaded bands are 95% confidence intervals',
    ),
    data: { values },
    columns: 2,
    concat: [
      panel(xs.size, ys.am, 'Action match vs dataset size'),
      panel(xs.size, ys.ret, 'Episode return vs dataset size'),
      panel(xs.flops, ys.am, 'Action match vs FLOPs'),
      panel(xs.flops, ys.ret, 'Episode return vs FLOPs'),
    ],
  } as TopLevelSpec;
}

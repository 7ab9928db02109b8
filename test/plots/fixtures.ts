/** Realistic fake results for the figure tests, shaped like what experiments 1–3 produce, plus SVG reading helpers. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  Exp1Row,
  Exp2BarRow,
  Exp2LineRow,
  Exp3AggregateRow,
  Exp3ClImpactRow,
  Exp3ViolinRow,
} from '../../src/plots/index.js';
import { decodePng } from './png.js';

/** A fresh temp folder removed after the test. */
export function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'evoscale-figures-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Seeded uniform generator (mulberry32) and a normal draw from it. */
export function rng(seed: number): { u: () => number; normal: () => number } {
  let s = seed >>> 0;
  const u = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { u, normal: () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u()) };
}

const ci = (mean: number, half: number) => ({ mean, lo: mean - half, hi: mean + half });

export const EXP1_SIZES = [100, 300, 1000, 3000, 10000, 30000];

/** DL saturating near 100% / 500 return, GA plateauing near 84%, FLOPs as the proposal counts them. */
export function exp1Rows(): Exp1Row[] {
  return EXP1_SIZES.flatMap((size, i) => [
    {
      method: 'DL',
      datasetSize: size,
      flops: 6.39e10 * (size / 30000),
      actionMatch: ci(Math.min(0.995, 0.8 + 0.04 * i), 0.02 / (i + 1)),
      episodeReturn: ci(Math.min(500, 120 + 80 * i), 40 / (i + 1)),
    },
    {
      method: 'GA',
      datasetSize: size,
      flops: 1.44e12 * (size / 30000),
      actionMatch: ci(0.72 + 0.02 * i, 0.04),
      episodeReturn: ci(90 + 25 * i, 60),
    },
  ]);
}

export const EXP2_METHODS = [
  'sgd',
  'ga_fixed_ce',
  'ga_fixed_f1',
  'ga_adaptive_ce',
  'ga_adaptive_f1',
  'es_fixed_ce',
  'es_fixed_f1',
  'es_adaptive_ce',
  'es_adaptive_f1',
];

/** Macro-F1 histories rising to method-specific finals, 11 evaluations per method. */
export function exp2F1Rows(): Exp2LineRow[] {
  return EXP2_METHODS.flatMap((method, k) =>
    Array.from({ length: 11 }, (_, i) => {
      const final = 0.95 - 0.055 * k;
      const v = 0.45 + (final - 0.45) * (1 - Math.exp((-i * 10) / (15 + 4 * k)));
      return { method, runtimePct: i * 10, value: ci(v, 0.02 + 0.003 * k) };
    }),
  );
}

/** Cross-entropy histories for the CE-optimising methods only (as experiment 2 plots them). */
export function exp2CeRows(): Exp2LineRow[] {
  return exp2F1Rows()
    .filter((r) => !r.method.endsWith('_f1'))
    .map((r) => ({ ...r, value: ci(1.0 - 0.6 * r.value.mean, 0.015) }));
}

/** Final values (last point of each F1 history), given in a shuffled order. */
export function exp2FinalRows(): Exp2BarRow[] {
  const rows = exp2F1Rows().filter((r) => r.runtimePct === 100);
  return [rows[4], rows[0], rows[8], rows[2], rows[6], rows[1], rows[3], rows[7], rows[5]].map((r) => ({
    method: r.method,
    value: r.value,
  }));
}

export function exp3AggregateRows(): Exp3AggregateRow[] {
  return [
    { method: 'sgd_no_cl', withCl: false, pctDiff: -23.9, pctDiffStd: 18.2, marker: '**' },
    { method: 'adaptive_ga_CE_with_cl', withCl: true, pctDiff: 41.5, pctDiffStd: 30.1, marker: '***' },
    { method: 'sgd_with_cl', withCl: true, pctDiff: -8.4, pctDiffStd: 21.3, marker: '' },
    { method: 'adaptive_ga_CE_no_cl', withCl: false, pctDiff: -55.2, pctDiffStd: 12.7, marker: '***' },
  ];
}

export function exp3ClImpactRows(): Exp3ClImpactRow[] {
  return [
    { baseMethod: 'sgd', noCl: -23.9, withCl: -8.4 },
    { baseMethod: 'adaptive_ga_CE', noCl: 12.0, withCl: 30.5 },
  ];
}

/** A human's CartPole returns and four models', one of them always at the 500-step limit. */
export function exp3ViolinRows(): Exp3ViolinRow[] {
  const { normal } = rng(11);
  const clip = (x: number) => Math.round(Math.min(500, Math.max(9, x)));
  const human = Array.from({ length: 30 }, () => clip(180 + 90 * normal()));
  return [
    { who: 'human', returns: human },
    { who: 'sgd_no_cl', returns: human.map(() => clip(130 + 40 * normal())) },
    { who: 'sgd_with_cl', returns: human.map(() => clip(170 + 80 * normal())) },
    { who: 'adaptive_ga_CE_no_cl', returns: human.map(() => 500) },
    { who: 'adaptive_ga_CE_with_cl', returns: human.map(() => clip(300 + 150 * normal())) },
  ];
}

/** The visible strings of an SVG (each <text>, its <tspan> lines joined by a space) with their x translation. */
export function svgTexts(svg: string): { text: string; x: number }[] {
  const out: { text: string; x: number }[] = [];
  for (const m of svg.matchAll(/<text([^>]*)>([\s\S]*?)<\/text>/g)) {
    const x = Number(/translate\(([-\d.e]+)/.exec(m[1])?.[1] ?? NaN);
    const text = m[2]
      .replace(/<tspan[^>]*>/g, ' ')
      .replace(/<[^>]+>/g, '')
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .trim()
      .replace(/\s+/g, ' ');
    out.push({ text, x });
  }
  return out;
}

/** Reads a rendered figure: its SVG text, its strings, and the decoded PNG size. */
export function readFigure(paths: { svgPath: string; pngPath: string }): {
  svg: string;
  texts: string[];
  png: { width: number; height: number };
} {
  const svg = readFileSync(paths.svgPath, 'utf8');
  const png = decodePng(readFileSync(paths.pngPath));
  return { svg, texts: svgTexts(svg).map((t) => t.text), png: { width: png.width, height: png.height } };
}

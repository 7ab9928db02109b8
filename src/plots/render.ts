/**
 * Headless rendering of Vega-Lite specs to SVG and PNG: Vega-Lite compiles, Vega lays out and writes SVG in
 * Node (no browser, no canvas), and resvg rasterises the SVG with the shipped DejaVu Sans font.
 */
import { Resvg } from '@resvg/resvg-js';
import type { TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../platform/atomic_file.js';
import { EvoscaleError } from '../shared/errors.js';
import { figureFontMetrics, figureFonts } from './fonts.js';
import { FONT_FAMILY, THEME } from './theme.js';

/** Thrown when a spec cannot be compiled or drawn; the message names the output file. */
export class PlotRenderError extends EvoscaleError {
  constructor(message: string) {
    super(message, 'PLOT_RENDER');
  }
}

/** Where a figure was written. */
export interface RenderedFigure {
  svgPath: string;
  pngPath: string;
}

/** PNGs are drawn at twice the SVG's size so that they stay sharp in reports and on high-density screens. */
export const PNG_SCALE = 2;

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}
interface VegaTextMetrics {
  width: (item: TextItem, text: unknown) => number;
}

interface Renderer {
  readonly vega: typeof import('vega');
  readonly compile: (typeof import('vega-lite'))['compile'];
}
let renderer: Promise<Renderer> | undefined;

/**
 * Loads Vega and Vega-Lite once (about 0.8 s of CPU on the 2-core machine, most of a command's start when they were
 * imported with it). The first figure waits for them; an experiment calls this as its trials start, so they load
 * while the trials run on other threads.
 */
export function loadRenderer(): Promise<Renderer> {
  renderer ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vl]) => ({ vega, compile: vl.compile }));
  renderer.catch(() => (renderer = undefined));
  return renderer;
}

let metricsInstalled = false;

// Vega keeps text measurement in a module-level object (the hook vl-convert uses too): point it at real font widths.
function installTextMetrics(vega: Renderer['vega']): void {
  if (metricsInstalled) return;
  const fonts = figureFontMetrics();
  const textMetrics = (vega as unknown as { textMetrics: VegaTextMetrics }).textMetrics;
  textMetrics.width = (item, text) => {
    const s = text === undefined || text === null ? '' : String(text).trim();
    const size = item.fontSize ?? 11;
    if (!s || size <= 0) return 0;
    const w = item.fontWeight;
    const bold = w === 'bold' || w === 'bolder' || (typeof w === 'number' && w >= 600) || Number(w) >= 600;
    const width = (bold ? fonts.bold : fonts.regular).textWidth(s, size);
    // Vega truncates text to `limit` when drawing; measure what will be drawn.
    return item.limit && item.limit > 0 ? Math.min(width, item.limit) : width;
  };
  metricsInstalled = true;
}

/** Compiles a Vega-Lite spec with the house theme and lays it out to an SVG string (no browser, no canvas). */
export async function svgOfVegaLite(spec: TopLevelSpec): Promise<string> {
  const { vega, compile } = await loadRenderer();
  installTextMetrics(vega);
  const themed = { ...spec, config: { ...THEME, ...(spec.config ?? {}) } } as TopLevelSpec;
  const { spec: vgSpec } = compile(themed);
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises an SVG produced by `svgOfVegaLite` to PNG bytes at `scale`× its size. */
export function pngOfSvg(svg: string, scale: number = PNG_SCALE): Uint8Array {
  const fonts = figureFonts();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { fontFiles: [fonts.regular, fonts.bold], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
  });
  return resvg.render().asPng();
}

/** Renders `spec` to `<outBase>.svg` and `<outBase>.png` (PNG at 2x), creating the folder; returns both paths. */
export async function renderVegaLite(spec: TopLevelSpec, outBase: string): Promise<RenderedFigure> {
  const svgPath = `${outBase}.svg`;
  const pngPath = `${outBase}.png`;
  let svg: string;
  let png: Uint8Array;
  try {
    svg = await svgOfVegaLite(spec);
    png = pngOfSvg(svg);
  } catch (err) {
    if (err instanceof EvoscaleError) throw err;
    throw new PlotRenderError(`could not render ${svgPath}: ${(err as Error).message}`);
  }
  writeFileAtomic(svgPath, svg);
  writeFileAtomic(pngPath, png);
  return { svgPath, pngPath };
}

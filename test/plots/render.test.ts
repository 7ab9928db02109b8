import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import type { TopLevelSpec } from 'vega-lite';
import { figureFontMetrics, figureFonts } from '../../src/plots/fonts.js';
import { PlotRenderError, renderVegaLite } from '../../src/plots/render.js';
import { darkPixels, decodePng } from './png.js';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'evoscale-plots-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const barSpec = (title: string): TopLevelSpec => ({
  title,
  data: {
    values: [
      { k: 'a', v: 1 },
      { k: 'b', v: 3 },
    ],
  },
  mark: 'bar',
  encoding: {
    x: { field: 'k', type: 'nominal', title: 'Group (label)' },
    y: { field: 'v', type: 'quantitative', title: 'Value (units)' },
  },
});

test('renderVegaLite writes <outBase>.svg and <outBase>.png, creating missing folders', async (t) => {
  const base = join(tempDir(t), 'nested', 'deeper', 'figure');
  const out = await renderVegaLite(barSpec('A title'), base);
  assert.deepEqual(out, { svgPath: `${base}.svg`, pngPath: `${base}.png` });
  assert.match(readFileSync(out.svgPath, 'utf8'), /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(existsSync(out.pngPath));
});

test('the PNG is a valid image at twice the size of the SVG', async (t) => {
  const out = await renderVegaLite(barSpec('Scale check'), join(tempDir(t), 'f'));
  const svg = readFileSync(out.svgPath, 'utf8');
  const w = Number(/<svg[^>]* width="([\d.]+)"/.exec(svg)![1]);
  const h = Number(/<svg[^>]* height="([\d.]+)"/.exec(svg)![1]);
  const png = decodePng(readFileSync(out.pngPath));
  assert.equal(png.width, Math.round(2 * w));
  assert.equal(png.height, Math.round(2 * h));
});

test('text is actually drawn in the PNG with the shipped font (not left blank for want of a font)', async (t) => {
  const dir = tempDir(t);
  // Only a text mark, in black: every dark pixel is a glyph.
  const textOnly = (s: string): TopLevelSpec => ({
    data: { values: [{ s }] },
    mark: { type: 'text', fontSize: 24, color: 'black' },
    encoding: { text: { field: 's' } },
    config: { view: { stroke: null } },
  });
  const withText = decodePng(readFileSync((await renderVegaLite(textOnly('Readable ✓ ✗'), join(dir, 'a'))).pngPath));
  const blank = decodePng(readFileSync((await renderVegaLite(textOnly(''), join(dir, 'b'))).pngPath));
  assert.equal(darkPixels(blank), 0);
  assert.ok(darkPixels(withText) > 500, `only ${darkPixels(withText)} dark pixels: glyphs were not drawn`);
});

test('the background is opaque white, so figures read on dark viewers too', async (t) => {
  const png = decodePng(readFileSync((await renderVegaLite(barSpec('Bg'), join(tempDir(t), 'bg'))).pngPath));
  assert.deepEqual([...png.pixels.subarray(0, 4)], [255, 255, 255, 255]);
});

test('text widths used for layout agree with what resvg draws (within 3%)', () => {
  const fonts = figureFonts();
  const { regular, bold } = figureFontMetrics();
  for (const [text, weight, metrics] of [
    ['Test macro-F1 vs runtime — CartPole-v1, train 90%', 'normal', regular],
    ['Training compute (FLOPs, log scale) ✓ ✗', 'bold', bold],
  ] as const) {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="60"><text x="10" y="40" font-family="DejaVu Sans" font-weight="${weight}" font-size="20">${text}</text></svg>`;
    const bbox = new Resvg(svg, { font: { fontFiles: [fonts.regular, fonts.bold], loadSystemFonts: false } }).getBBox();
    assert.ok(bbox, 'resvg found nothing to draw');
    const ours = metrics.textWidth(text, 20);
    assert.ok(
      Math.abs(ours - bbox.width) < 0.03 * bbox.width,
      `${weight} "${text}": ours ${ours}, resvg ${bbox.width}`,
    );
  }
});

test('a spec Vega-Lite cannot compile is reported as PlotRenderError naming the file', async (t) => {
  const base = join(tempDir(t), 'broken');
  const bad = { data: { values: [] }, mark: 'no-such-mark' } as unknown as TopLevelSpec;
  await assert.rejects(renderVegaLite(bad, base), (err: unknown) => {
    assert.ok(err instanceof PlotRenderError);
    assert.match(err.message, /broken\.svg/);
    return true;
  });
  assert.equal(existsSync(`${base}.svg`), false);
});

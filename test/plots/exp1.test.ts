import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../src/shared/errors.js';
import { exp1FourPanel, renderVegaLite } from '../../src/plots/index.js';
import { exp1Rows, readFigure, tempDir } from './fixtures.js';

test('the experiment 1 figure has its title, four panel titles and axis titles with units', async (t) => {
  const fig = readFigure(await renderVegaLite(exp1FourPanel(exp1Rows()), join(tempDir(t), 'exp1')));
  for (const s of [
    'Experiment 1: behaviour cloning, deep learning vs genetic algorithm',
    'Action match vs dataset size',
    'Episode return vs dataset size',
    'Action match vs FLOPs',
    'Episode return vs FLOPs',
    'Training set size (samples, log scale)',
    'Training compute (FLOPs, log scale)',
    'Test action match (%)',
    'Mean episode return (50 episodes)',
  ]) {
    assert.ok(fig.texts.includes(s), `missing text: ${s}`);
  }
});

test('the experiment 1 figure has a legend naming both methods', async (t) => {
  const fig = readFigure(await renderVegaLite(exp1FourPanel(exp1Rows()), join(tempDir(t), 'exp1')));
  assert.ok(fig.texts.includes('Method'));
  assert.ok(fig.texts.includes('DL') && fig.texts.includes('GA'));
});

test('dataset-size axes are logarithmic with ticks at the sizes run, FLOPs axes at whole decades', async (t) => {
  const fig = readFigure(await renderVegaLite(exp1FourPanel(exp1Rows()), join(tempDir(t), 'exp1')));
  for (const s of ['100', '300', '1k', '3k', '10k', '30k', '1e+9', '1e+10', '1e+11', '1e+12']) {
    assert.ok(fig.texts.includes(s), `missing tick label ${s}`);
  }
  const spec = JSON.stringify(exp1FourPanel(exp1Rows()));
  assert.equal(spec.match(/"type":"log"/g)?.length, 4);
});

test('the experiment 1 PNG is a 2x raster of a two-by-two figure', async (t) => {
  const { png } = readFigure(await renderVegaLite(exp1FourPanel(exp1Rows()), join(tempDir(t), 'exp1')));
  assert.ok(png.width > 1400 && png.width < 2400, `width ${png.width}`);
  assert.ok(png.height > 1000 && png.height < 1800, `height ${png.height}`);
});

test('a single seed (NaN interval) renders without bands rather than failing', async (t) => {
  const rows = exp1Rows().map((r) => ({ ...r, actionMatch: { ...r.actionMatch, lo: NaN, hi: NaN } }));
  const fig = readFigure(await renderVegaLite(exp1FourPanel(rows), join(tempDir(t), 'exp1')));
  assert.ok(!fig.svg.includes('NaN'));
});

test('exp1FourPanel refuses an empty result set', () => {
  assert.throws(() => exp1FourPanel([]), InvalidArgumentError);
});

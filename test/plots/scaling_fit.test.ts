import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../src/shared/errors.js';
import { renderVegaLite, scalingFitPanels } from '../../src/plots/index.js';
import { readFigure, tempDir, EXP1_SIZES } from './fixtures.js';

const points = EXP1_SIZES.flatMap((x) =>
  [0, 1, 2].flatMap((s) => [
    { method: 'DL', panel: 'Test error', x, value: (0.002 + 20 * x ** -0.9) * (1 + 0.1 * s) },
    { method: 'GA', panel: 'Test error', x, value: 0.16 + 0.01 * s },
  ]),
);
const curve = {
  method: 'DL',
  panel: 'Test error',
  grid: EXP1_SIZES.map((x) => ({
    x,
    err: 0.002 + 20 * x ** -0.9,
    lo: 0.0015 + 18 * x ** -0.9,
    hi: 0.003 + 22 * x ** -0.9,
  })),
  eInf: 0.002,
};

test('the fit figure has its titles and log axes on both x and y', async (t) => {
  const spec = scalingFitPanels(points, [curve], { xTitle: 'Training set size (samples, log scale)', title: 'Fits' });
  const fig = readFigure(await renderVegaLite(spec, join(tempDir(t), 'fit')));
  for (const s of [
    'Fits',
    'Test error',
    'Training set size (samples, log scale)',
    'Test error (log scale)',
    'DL',
    'GA',
  ]) {
    assert.ok(fig.texts.includes(s), `missing text: ${s}`);
  }
  assert.ok((JSON.stringify(spec).match(/"type":"log"/g)?.length ?? 0) >= 2);
  assert.ok(!fig.svg.includes('NaN'));
});

test('only the curves passed are drawn: a method without a credible fit shows points and no line', () => {
  const spec = scalingFitPanels(points, [curve], { xTitle: 'n' }) as {
    data: { values: { kind: string; method: string }[] };
  };
  const lines = spec.data.values.filter((v) => v.kind === 'curve');
  assert.ok(lines.length > 0 && lines.every((v) => v.method === 'DL'));
  assert.equal(spec.data.values.filter((v) => v.kind === 'floor').length, 1);
  assert.equal(spec.data.values.filter((v) => v.kind === 'point' && v.method === 'GA').length, 18);
});

test('scalingFitPanels refuses an empty result set', () => {
  assert.throws(() => scalingFitPanels([], [], { xTitle: 'n' }), InvalidArgumentError);
});

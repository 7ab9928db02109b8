import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { compile } from 'vega-lite';
import { InvalidArgumentError } from '../../src/shared/errors.js';
import { exp2FinalBars, exp2Lines, renderVegaLite } from '../../src/plots/index.js';
import { EXP2_METHODS, exp2CeRows, exp2F1Rows, exp2FinalRows, readFigure, svgTexts, tempDir } from './fixtures.js';

test('the macro-F1 line plot has its title, runtime % axis, metric axis and all nine methods in the legend', async (t) => {
  const spec = exp2Lines(exp2F1Rows(), { metric: 'Test macro-F1', title: 'Test macro-F1 vs runtime — CartPole-v1' });
  const fig = readFigure(await renderVegaLite(spec, join(tempDir(t), 'f1')));
  for (const s of [
    'Test macro-F1 vs runtime — CartPole-v1',
    'Runtime (% of compute budget)',
    'Test macro-F1 (0–1)',
    ...EXP2_METHODS,
  ]) {
    assert.ok(fig.texts.includes(s), `missing text: ${s}`);
  }
  assert.ok(fig.png.width > 1000 && fig.png.height > 500, `${fig.png.width}×${fig.png.height}`);
});

test('the cross-entropy plot labels its unit and lists only the methods it shows', async (t) => {
  const spec = exp2Lines(exp2CeRows(), { metric: 'Test cross-entropy', title: 'Test CE', methodOrder: EXP2_METHODS });
  const fig = readFigure(await renderVegaLite(spec, join(tempDir(t), 'ce')));
  assert.ok(fig.texts.includes('Test cross-entropy (nats per sample)'));
  assert.ok(fig.texts.includes('ga_adaptive_ce'));
  assert.ok(!fig.texts.includes('ga_adaptive_f1'), 'an F1-optimising method appears in the CE legend');
});

test('with methodOrder a method keeps its colour across figures that show different subsets', () => {
  // Colours come from the theme's category range in domain order, so equal domain positions mean equal colours.
  const colourOf = (spec: ReturnType<typeof exp2Lines>, method: string): number => {
    const color = (compile(spec).spec.scales ?? []).find((s) => s.name === 'color');
    return (color?.domain as string[]).indexOf(method);
  };
  const f1 = exp2Lines(exp2F1Rows(), { metric: 'Test macro-F1', methodOrder: EXP2_METHODS });
  const ce = exp2Lines(exp2CeRows(), { metric: 'Test cross-entropy', methodOrder: EXP2_METHODS });
  for (const m of ['sgd', 'ga_adaptive_ce', 'es_adaptive_ce']) assert.equal(colourOf(ce, m), colourOf(f1, m));
});

test('final bars are sorted best to worst with each value printed above its bar', async (t) => {
  const rows = exp2FinalRows();
  const fig = readFigure(
    await renderVegaLite(exp2FinalBars(rows, { title: 'Final test macro-F1' }), join(tempDir(t), 'bars')),
  );
  const labels = svgTexts(fig.svg).filter((s) => /^\d\.\d{3}$/.test(s.text));
  assert.equal(labels.length, rows.length);
  const leftToRight = [...labels].sort((a, b) => a.x - b.x).map((s) => Number(s.text));
  const expected = rows.map((r) => Number(r.value.mean.toFixed(3))).sort((a, b) => b - a);
  assert.deepEqual(leftToRight, expected);
  assert.ok(fig.texts.includes('Method (best to worst)') && fig.texts.includes('Test macro-F1 (0–1)'));
});

test('for cross-entropy the final bars put the lowest value first', () => {
  const rows = [
    { method: 'a', value: { mean: 0.5, lo: 0.4, hi: 0.6 } },
    { method: 'b', value: { mean: 0.2, lo: 0.1, hi: 0.3 } },
  ];
  const spec = exp2FinalBars(rows, { metric: 'Test cross-entropy' }) as { encoding: { x: { sort: string[] } } };
  assert.deepEqual(spec.encoding.x.sort, ['b', 'a']);
});

test('experiment 2 builders refuse empty rows', () => {
  assert.throws(() => exp2Lines([], { metric: 'Test macro-F1' }), InvalidArgumentError);
  assert.throws(() => exp2FinalBars([]), InvalidArgumentError);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { compile } from 'vega-lite';
import { InvalidArgumentError } from '../../src/shared/errors.js';
import {
  exp2ErrorBars,
  exp2Facets,
  exp2FinalBars,
  exp2Lines,
  methodLook,
  renderVegaLite,
} from '../../src/plots/index.js';
import { METHOD_FAMILY_COLORS } from '../../src/plots/palette.js';
import { EXP2_METHODS, exp2CeRows, exp2F1Rows, exp2FinalRows, readFigure, svgTexts, tempDir } from './fixtures.js';

test('the macro-F1 line plot has its title, runtime % axis, metric axis and all nine methods in the legend', async (t) => {
  const spec = exp2Lines(exp2F1Rows(), { metric: 'Test macro-F1', title: 'Test macro-F1 vs runtime — CartPole-v1' });
  const fig = readFigure(await renderVegaLite(spec, join(tempDir(t), 'f1')));
  for (const s of [
    'Test macro-F1 vs runtime — CartPole-v1',
    'Runtime (% of compute budget)',
    'Test macro-F1 (0–1)',
    ...EXP2_METHODS.map((m) => methodLook(m).label),
  ]) {
    assert.ok(fig.texts.includes(s), `missing text: ${s}`);
  }
  assert.ok(fig.png.width > 1000 && fig.png.height > 500, `${fig.png.width}×${fig.png.height}`);
});

test('the cross-entropy plot labels its unit and lists only the methods it shows', async (t) => {
  const spec = exp2Lines(exp2CeRows(), { metric: 'Test cross-entropy', title: 'Test CE', methodOrder: EXP2_METHODS });
  const fig = readFigure(await renderVegaLite(spec, join(tempDir(t), 'ce')));
  assert.ok(fig.texts.includes('Test cross-entropy (nats per sample)'));
  assert.ok(fig.texts.includes('GA, adaptive σ, CE'));
  assert.ok(!fig.texts.includes('GA, adaptive σ, macro-F1'), 'an F1-optimising method appears in the CE legend');
  assert.ok(!fig.texts.includes('ga_adaptive_ce'), 'figures name methods, not ids');
});

test('a method keeps its colour and dash across figures that show different subsets', () => {
  const scaleOf = (spec: ReturnType<typeof exp2Lines>, name: string, label: string): unknown => {
    const scale = (compile(spec).spec.scales ?? []).find((s) => s.name === name);
    const domain = scale?.domain as string[];
    return ((scale as { range?: unknown[] } | undefined)?.range ?? [])[domain.indexOf(label)];
  };
  const f1 = exp2Lines(exp2F1Rows(), { metric: 'Test macro-F1', methodOrder: EXP2_METHODS });
  const ce = exp2Lines(exp2CeRows(), { metric: 'Test cross-entropy', methodOrder: EXP2_METHODS });
  for (const m of ['sgd', 'ga_adaptive_ce', 'es_adaptive_ce']) {
    const label = methodLook(m).label;
    assert.equal(scaleOf(ce, 'color', label), scaleOf(f1, 'color', label), m);
    assert.deepEqual(scaleOf(ce, 'strokeDash', label), scaleOf(f1, 'strokeDash', label), m);
  }
});

test('methods read as names, one colour per family (algorithm and objective) and a dash per σ mode', () => {
  assert.equal(methodLook('sgd').label, 'SGD');
  assert.equal(methodLook('ga_adaptive_ce').label, 'GA, adaptive σ, CE');
  assert.equal(methodLook('es_fixed_f1').label, 'ES, fixed σ, macro-F1');
  const looks = EXP2_METHODS.map((m) => methodLook(m));
  assert.equal(new Set(looks.map((l) => l.colour)).size, 5, 'SGD, GA (CE), GA (F1), ES (CE), ES (F1)');
  assert.equal(new Set(looks.map((l) => `${l.colour} ${l.dash.join(',')}`)).size, 9, 'every method drawn apart');
  assert.equal(methodLook('ga_fixed_ce').colour, methodLook('ga_adaptive_ce').colour);
  assert.notDeepEqual(methodLook('ga_fixed_ce').dash, methodLook('ga_adaptive_ce').dash);
  assert.equal(methodLook('es_adaptive_f1').colour, METHOD_FAMILY_COLORS['ES (macro-F1)']);
  const later = methodLook('cmaes_ce');
  assert.equal(later.label, 'cmaes_ce', 'a method the figures do not know keeps its id');
});

test('the faceted figure of a dataset has a column per training set and rows for CE and macro-F1', async (t) => {
  const sets = ['1e2 rows', '1e3 rows', '1e4 rows'];
  const rows = sets.flatMap((trainSet) => [
    ...exp2CeRows().map((r) => ({ ...r, metric: 'Test cross-entropy' as const, trainSet })),
    ...exp2F1Rows().map((r) => ({ ...r, metric: 'Test macro-F1' as const, trainSet })),
  ]);
  const fig = readFigure(
    await renderVegaLite(
      exp2Facets(rows, { trainSetOrder: sets, title: 'CartPole', methodOrder: EXP2_METHODS }),
      join(tempDir(t), 'facets'),
    ),
  );
  for (const s of sets) assert.equal(fig.texts.filter((x) => x === `train ${s}`).length, 2, s);
  assert.ok(fig.texts.includes('Test cross-entropy (nats per sample)') && fig.texts.includes('Test macro-F1 (0–1)'));
  assert.ok(fig.texts.includes('ES, adaptive σ, macro-F1'));
});

test("the proposal's figure: 1 − F1 on a log axis, methods sorted by their best error, values on the bars", async (t) => {
  const f1 = (mean: number) => ({ mean, lo: NaN, hi: NaN });
  const rows = [
    { method: 'sgd', trainSet: '1e3', f1: f1(0.97) },
    { method: 'sgd', trainSet: '1e2', f1: f1(0.8) },
    { method: 'ga_adaptive_ce', trainSet: '1e3', f1: f1(0.995) },
    { method: 'ga_adaptive_ce', trainSet: '1e2', f1: f1(0.95) },
    { method: 'es_fixed_f1', trainSet: '1e3', f1: f1(0.55) },
    { method: 'es_fixed_f1', trainSet: '1e2', f1: f1(0.51) },
  ];
  const spec = exp2ErrorBars(rows, { trainSetOrder: ['1e3', '1e2'], methodOrder: EXP2_METHODS });
  const compiled = compile(spec).spec;
  assert.equal((compiled.scales ?? []).find((s) => s.name === 'y')?.type, 'log');
  assert.deepEqual((spec as { encoding: { x: { sort: string[] } } }).encoding.x.sort, [
    'GA, adaptive σ, CE',
    'SGD',
    'ES, fixed σ, macro-F1',
  ]);
  const fig = readFigure(await renderVegaLite(spec, join(tempDir(t), 'errors')));
  for (const label of ['5.00e-3', '5.00e-2', '3.00e-2', '2.00e-1', '4.50e-1', '4.90e-1']) {
    assert.ok(fig.texts.includes(label), `value on its bar: ${label}`);
  }
  assert.ok(fig.texts.includes('Final macro-F1 error (1 − F1)') && fig.texts.includes('Training size'));
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
  assert.throws(() => exp2Facets([], { trainSetOrder: [] }), InvalidArgumentError);
  assert.throws(() => exp2ErrorBars([], { trainSetOrder: [] }), InvalidArgumentError);
});

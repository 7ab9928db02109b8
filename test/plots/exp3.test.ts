import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../src/shared/errors.js';
import {
  exp3AggregateReturns,
  exp3ClImpact,
  exp3Violins,
  NO_CL_COLOR,
  renderVegaLite,
  TARGET_LINE_COLOR,
  WITH_CL_COLOR,
} from '../../src/plots/index.js';
import { exp3AggregateRows, exp3ClImpactRows, exp3ViolinRows, readFigure, svgTexts, tempDir } from './fixtures.js';

test('aggregate returns: bars sorted by |% difference| with values and significance markers beyond them', async (t) => {
  const spec = exp3AggregateReturns(exp3AggregateRows(), { title: 'CartPole-v1, P01: aggregate returns' });
  const fig = readFigure(await renderVegaLite(spec, join(tempDir(t), 'agg')));
  assert.ok(fig.texts.includes('CartPole-v1, P01: aggregate returns'));
  assert.ok(fig.texts.includes('Mean return vs human (% difference)'));
  const xLabels = svgTexts(fig.svg).filter((s) => /_(no|with)_cl$/.test(s.text));
  assert.deepEqual(
    [...xLabels].sort((a, b) => a.x - b.x).map((s) => s.text),
    ['sgd_with_cl', 'sgd_no_cl', 'adaptive_ga_CE_with_cl', 'adaptive_ga_CE_no_cl'],
  );
  for (const s of ['−8.4%', '−23.9% **', '+41.5% ***', '−55.2% ***']) assert.ok(fig.texts.includes(s), `missing ${s}`);
});

test('aggregate returns: with-CL bars are blue and no-CL bars red, with a legend saying so', async (t) => {
  const fig = readFigure(await renderVegaLite(exp3AggregateReturns(exp3AggregateRows()), join(tempDir(t), 'agg')));
  assert.ok(fig.svg.includes(`fill="${WITH_CL_COLOR}"`));
  assert.ok(fig.svg.includes(`fill="${NO_CL_COLOR}"`));
  assert.ok(fig.texts.includes('with CL inputs') && fig.texts.includes('no CL inputs'));
});

test('CL impact: a green dashed 0% line, arrows, and ✓/✗ with the change in percentage points', async (t) => {
  const fig = readFigure(await renderVegaLite(exp3ClImpact(exp3ClImpactRows()), join(tempDir(t), 'cl')));
  assert.match(fig.svg, new RegExp(`stroke="${TARGET_LINE_COLOR}"[^>]*stroke-dasharray`));
  // sgd moves from −23.9% to −8.4%: 15.5 pp closer; the GA moves from +12% to +30.5%: 18.5 pp further.
  assert.ok(fig.texts.includes('✓ 15.5 pp closer −23.9% → −8.4%'), fig.texts.join(' | '));
  assert.ok(fig.texts.includes('✗ 18.5 pp further +12.0% → +30.5%'));
  assert.equal(fig.svg.match(/aria-roledescription="point"/g)?.length ?? 0, 2, 'one arrowhead per base method');
  assert.ok(fig.texts.includes('sgd') && fig.texts.includes('adaptive_ga_CE'));
});

test('CL impact: a missing variant is said plainly instead of drawing an arrow to nowhere', async (t) => {
  const rows = [...exp3ClImpactRows(), { baseMethod: 'simple_es', noCl: -10, withCl: Number.NaN }];
  const fig = readFigure(await renderVegaLite(exp3ClImpact(rows), join(tempDir(t), 'cl')));
  assert.ok(!fig.svg.includes('NaN'));
  assert.ok(fig.texts.includes('no comparison: with-CL result missing'), fig.texts.join(' | '));
  assert.equal(fig.svg.match(/aria-roledescription="point"/g)?.length ?? 0, 2);
});

test('violins: one per player or model with its sample size, even when every return is the same', async (t) => {
  const rows = exp3ViolinRows();
  const fig = readFigure(
    await renderVegaLite(exp3Violins(rows, { title: 'Return distributions' }), join(tempDir(t), 'v')),
  );
  assert.ok(!fig.svg.includes('NaN'), 'a constant sample produced NaN coordinates');
  for (const r of rows) assert.ok(fig.texts.includes(`${r.who} n = 30`), `missing label for ${r.who}`);
  assert.ok(fig.texts.includes('Episode return (sum of rewards)'));
  assert.equal(fig.svg.match(/aria-roledescription="area mark"/g)?.length ?? 0, rows.length);
});

test('experiment 3 builders refuse empty rows', () => {
  assert.throws(() => exp3AggregateReturns([]), InvalidArgumentError);
  assert.throws(() => exp3ClImpact([]), InvalidArgumentError);
  assert.throws(() => exp3Violins([]), InvalidArgumentError);
});

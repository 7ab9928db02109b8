import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { gaussianKde } from '../../src/plots/index.js';
import { rng } from './fixtures.js';

test("gaussianKde equals scipy.stats.gaussian_kde (Scott's rule) on its grid", (t) => {
  const { normal } = rng(3);
  const xs = Array.from({ length: 40 }, () => 200 + 80 * normal());
  const curve = gaussianKde(xs, 0, 60, 2);
  const res = spawnSync(
    'python3',
    [
      '-c',
      'import json,sys\nfrom scipy import stats\nd=json.load(sys.stdin)\nprint(json.dumps(stats.gaussian_kde(d["xs"])(d["grid"]).tolist()))',
    ],
    { input: JSON.stringify({ xs, grid: curve.value }), encoding: 'utf8', timeout: 60_000 },
  );
  if (res.error || /No module named/.test(res.stderr)) return t.skip('python3 with SciPy is not available');
  assert.equal(res.status, 0, res.stderr);
  const expected = JSON.parse(res.stdout) as number[];
  curve.density.forEach((d, i) =>
    assert.ok(Math.abs(d - expected[i]) <= 1e-12 + 1e-10 * expected[i], `grid ${i}: ${d} vs ${expected[i]}`),
  );
});

test('gaussianKde spans the sample range when cut = 0 (returns stay within what was observed)', () => {
  const curve = gaussianKde([10, 200, 500, 350], 0, 30, 0);
  assert.equal(curve.value[0], 10);
  assert.equal(curve.value.at(-1), 500);
});

test('a constant sample gets a finite, visible density instead of NaN', () => {
  const curve = gaussianKde([500, 500, 500], 5, 20, 0);
  assert.ok(curve.density.every(Number.isFinite));
  assert.ok(Math.max(...curve.density) > 0);
  assert.ok(curve.value[0] < 500 && curve.value.at(-1)! > 500);
});

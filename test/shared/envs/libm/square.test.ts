import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { square64, squareInternals } from '../../../../src/shared/envs/libm/square.js';
import { digest, fixture, fromHex, inputs } from './glibc_fixture.js';

describe("square64 reproduces Python/NumPy's x ** 2 (glibc pow) bit for bit", () => {
  it('where glibc pow(x, 2) differs from x * x (recorded arguments)', () => {
    assert.ok(fixture.square_not_x_times_x.length >= 50);
    for (const [xh, yh] of fixture.square_not_x_times_x) {
      const x = fromHex(xh);
      const y = fromHex(yh);
      assert.notEqual(x * x, y);
      assert.equal(square64(x), y, `${x} ** 2`);
      assert.equal(squareInternals.glibcSquare(Math.abs(x)), y, `ported pow(${x}, 2)`);
    }
  });

  for (const set of fixture.sets.filter((s) => s.function === 'square')) {
    it(`on ${fixture.count} arguments in ±${set.scale}`, () => {
      const xs = inputs(set.seed, set.scale, fixture.count);
      set.first.forEach(([x, y], i) => {
        assert.equal(fromHex(x), xs[i], 'regenerated input');
        assert.equal(square64(fromHex(x)), fromHex(y), `${fromHex(x)} ** 2`);
      });
      assert.equal(digest(xs.map(square64)), set.sha256, 'digest of all outputs');
    });
  }

  it('squares 0, ±∞ and NaN like x * x', () => {
    assert.equal(square64(0), 0);
    assert.equal(square64(-Infinity), Infinity);
    assert.ok(Number.isNaN(square64(NaN)));
  });
});

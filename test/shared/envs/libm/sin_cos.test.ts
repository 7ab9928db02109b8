import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cos64, sin64, sinCosInternals } from '../../../../src/shared/envs/libm/sin_cos.js';
import { digest, fixture, fromHex, inputs } from './glibc_fixture.js';

const FUNCTIONS = { sin: sin64, cos: cos64 } as const;

describe('sin64 and cos64 reproduce glibc (NumPy, Python math) bit for bit', () => {
  for (const set of fixture.sets.filter((s) => s.function !== 'square')) {
    const fn = FUNCTIONS[set.function as 'sin' | 'cos'];
    it(`${set.function} on ${fixture.count} arguments in ±${set.scale}`, () => {
      const xs = inputs(set.seed, set.scale, fixture.count);
      set.first.forEach(([xh, yh], i) => {
        const x = fromHex(xh);
        assert.equal(x, xs[i], 'regenerated input');
        assert.ok(Object.is(fn(x), fromHex(yh)), `${set.function}(${x}) = ${fn(x)}, glibc ${fromHex(yh)}`);
      });
      assert.equal(digest(xs.map(fn)), set.sha256, 'digest of all outputs');
    });
  }

  it('handles zeros, tiny, huge and non-finite arguments like glibc', () => {
    assert.ok(Object.is(sin64(-0), -0) && Object.is(sin64(0), 0) && cos64(-0) === 1);
    assert.equal(sin64(1e-9), 1e-9);
    assert.equal(cos64(1e-9), 1);
    for (const v of [NaN, Infinity, -Infinity]) assert.ok(Number.isNaN(sin64(v)) && Number.isNaN(cos64(v)));
    assert.ok(Math.abs(sin64(1e12) - Math.sin(1e12)) < 1e-15); // beyond 1.05e8: the documented Math fallback
  });

  it('accepts its fast unfused result only when the fused computation agrees', () => {
    const { doCosExact, doCosFast, doSinExact, doSinFast } = sinCosInternals;
    const xs = inputs(2024, 0.855, 200_000);
    let fallbacks = 0;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i];
      const dx = i % 2 === 0 ? 0 : x * 2 ** -53 * ((i % 7) - 3) * 0.3;
      for (const [fast, exact] of [
        [doCosFast, doCosExact],
        [doSinFast, doSinExact],
      ] as const) {
        const f = fast(x, dx);
        if (Number.isNaN(f)) fallbacks++;
        else if (!Object.is(f, exact(x, dx))) assert.fail(`fast path wrong at x=${x}, dx=${dx}`);
      }
    }
    assert.ok(fallbacks < 0.1 * 2 * xs.length, `fallback rate ${fallbacks / (2 * xs.length)}`);
  });
});

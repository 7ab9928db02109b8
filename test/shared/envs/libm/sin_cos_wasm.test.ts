import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fma } from '../../../../src/shared/envs/libm/fma.js';
import { cos64, sin64, sinCosInternals, sinCosParts } from '../../../../src/shared/envs/libm/sin_cos.js';
import { inputs } from './glibc_fixture.js';
import { harness } from './wasm_sin_cos_harness.js';

const wasm = harness();
const { doCosFast, doSinFast, doCosExact, doSinExact } = sinCosInternals;
const { SIN_TINY, COS_TINY, SMALL } = sinCosParts;

/** The double next to x, upwards (dir 1) or downwards (-1). */
function nextAfter(x: number, dir: 1 | -1): number {
  if (x === 0) return dir * 5e-324;
  const b = new BigInt64Array(new Float64Array([x]).buffer);
  b[0] += BigInt(x > 0 === dir > 0 ? 1 : -1);
  return new Float64Array(b.buffer)[0];
}

/** Arguments where the code changes branch or could mishandle signs, zeros and non-finite values. */
function edgeArguments(): number[] {
  const centres = [
    0,
    5e-324,
    2.2250738585072014e-308,
    1e-300,
    1e-20,
    COS_TINY,
    SIN_TINY,
    1e-8,
    0.01,
    0.05,
    0.126,
    0.2,
    0.2094395,
    SMALL,
    0.855,
    0.86,
    1,
    Math.PI / 4,
    2.4,
    10,
    1e5,
    105414350,
    1e9,
    1e300,
    Number.MAX_VALUE,
  ];
  // Table nodes k/128 (where r = 0 exactly) and the midpoints between them, where the nearest node changes.
  for (let k = 0; k <= 110; k++) centres.push(k / 128, (k + 0.5) / 128);
  const out: number[] = [NaN, Infinity, -Infinity, -0];
  for (const c of centres) {
    let up = c;
    let down = c;
    out.push(c);
    for (let j = 0; j < 3; j++) {
      up = nextAfter(up, 1);
      down = nextAfter(down, -1);
      out.push(up, down);
    }
  }
  return [...out, ...out.map((x) => -x)];
}

/** Random arguments over the scales the kernels see and beyond, then the edges; an even count. */
function testArguments(): Float64Array {
  const scales = [1e-8, 0.05, 0.126, 0.25, 0.86, 3, 1e9];
  const random = scales.flatMap((s, j) => Array.from(inputs(9000 + j, s, 40_000)));
  const all = [...random, ...edgeArguments()];
  if (all.length % 2 === 1) all.push(0.1);
  return Float64Array.from(all);
}

const xs = testArguments();
const same = (a: number, b: number): boolean => Object.is(a, b);
const inFastRange = (x: number): boolean => Math.abs(x) >= SIN_TINY && Math.abs(x) < SMALL;

describe('glibc sin/cos spliced into WebAssembly', () => {
  it('equals sin64 and cos64 bit for bit on random and edge arguments (fused stages rerun at once)', () => {
    const r = wasm.scalarCall(xs);
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i];
      assert.ok(same(r.cos[i], cos64(x)), `cos(${x}): wasm ${r.cos[i]}, cos64 ${cos64(x)}`);
      assert.ok(same(r.sin[i], sin64(x)), `sin(${x}): wasm ${r.sin[i]}, sin64 ${sin64(x)}`);
    }
    // Only arguments outside the fast range go to JavaScript.
    assert.equal(r.importCalls, 2 * xs.filter((x) => !inFastRange(x)).length);
  });

  it('accepts a fast stage exactly where sin_cos.ts does, with its value, when deferring rejections', () => {
    const r = wasm.scalarDefer(xs);
    let rejected = 0;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i];
      if (!inFastRange(x)) {
        assert.equal(r.flags[i], 0);
        assert.ok(same(r.cos[i], cos64(x)) && same(r.sin[i], sin64(x)), `outside the fast range: ${x}`);
        continue;
      }
      const [c, s] = [doCosFast(x, 0), doSinFast(x, 0)];
      assert.equal(r.flags[i] & 1, Number.isNaN(c) ? 1 : 0, `cos decision at ${x}`);
      assert.equal((r.flags[i] >> 1) & 1, Number.isNaN(s) ? 1 : 0, `sin decision at ${x}`);
      if (!Number.isNaN(c)) assert.ok(same(r.cos[i], c) && same(c, cos64(x)), `cos(${x})`);
      if (!Number.isNaN(s)) assert.ok(same(r.sin[i], s) && same(s, sin64(x)), `sin(${x})`);
      rejected += (r.flags[i] & 1) + ((r.flags[i] >> 1) & 1);
    }
    assert.ok(rejected > 100, 'the arguments exercise rejections');
  });

  it('gives the same lanes as the scalar code when computing two arguments at once (f64x2)', () => {
    const r = wasm.pair(xs);
    for (let j = 0; j < xs.length / 2; j++) {
      const [x0, x1] = [xs[2 * j], xs[2 * j + 1]];
      const flags = r.flags[j];
      if (!inFastRange(x0) || !inFastRange(x1)) {
        assert.equal(flags, 16, `pair (${x0}, ${x1}) is not for the fast stages`);
        continue;
      }
      for (const [lane, x] of [
        [0, x0],
        [1, x1],
      ] as const) {
        const [c, s] = [doCosFast(x, 0), doSinFast(x, 0)];
        assert.equal((flags >> lane) & 1, Number.isNaN(c) ? 0 : 1, `cos decision at ${x}`);
        assert.equal((flags >> (2 + lane)) & 1, Number.isNaN(s) ? 0 : 1, `sin decision at ${x}`);
        if (!Number.isNaN(c)) assert.ok(same(r.cos[2 * j + lane], cos64(x)), `cos(${x})`);
        if (!Number.isNaN(s)) assert.ok(same(r.sin[2 * j + lane], sin64(x)), `sin(${x})`);
      }
    }
  });

  it("runs glibc's fused do_cos/do_sin exactly as sin_cos.ts does", () => {
    const args = xs.filter(inFastRange);
    for (const x of args) {
      assert.ok(same(wasm.cosExact(x), doCosExact(x, 0)), `cosExact(${x})`);
      assert.ok(same(wasm.sinExact(x), doSinExact(x, 0)), `sinExact(${x})`);
    }
  });

  it("emulates fma with fma.ts's roundings", () => {
    const a = inputs(77, 3, 30_000);
    const b = inputs(78, 1, 30_000);
    const c = inputs(79, 1e-3, 30_000);
    for (let i = 0; i < a.length; i++) {
      for (const [p, q, r] of [
        [a[i], b[i], c[i]],
        [a[i], b[i], -a[i] * b[i]], // cancellation: the result is the product's rounding error
        [a[i], 0.5, -0],
        [-0, b[i], 0],
      ]) {
        assert.ok(same(wasm.fma(p, q, r), fma(p, q, r)), `fma(${p}, ${q}, ${r})`);
      }
    }
  });
});

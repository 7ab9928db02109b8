// The portable Math the collection page and the server's replay thread share, so that LunarLander (planck) gives
// the same bits in every JavaScript engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  atan2Portable,
  atanPortable,
  installPortableMath,
  portableMathInstalled,
} from '../../src/collect/client/portable_math.js';
import { cos64, sin64 } from '../../src/shared/envs/libm/sin_cos.js';
import { lcg } from './helpers/episodes.js';

const nativeAtan2 = Math.atan2;
const nativeAtan = Math.atan;

function ulpDistance(a: number, b: number): number {
  const buf = new DataView(new ArrayBuffer(16));
  buf.setFloat64(0, a);
  buf.setFloat64(8, b);
  return Number(buf.getBigInt64(0) - buf.getBigInt64(8));
}

function* inputs(n: number): Generator<[number, number]> {
  const r = lcg(2024);
  for (let i = 0; i < n; i++) {
    const scale = 10 ** ((r() - 0.5) * 8);
    yield [(r() - 0.5) * scale, (r() - 0.5) * 10 ** ((r() - 0.5) * 8)];
  }
}

// fdlibm is what V8 shipped through version 11 (Node 20): there the engine itself is the oracle, bit for bit.
const fdlibmEngine = Number(process.versions.v8.split('.')[0]) <= 11;

test(
  "atan2 equals fdlibm's (Node 20's V8) bit for bit",
  { skip: fdlibmEngine ? false : `this V8 (${process.versions.v8}) no longer uses fdlibm's atan2` },
  () => {
    let n = 0;
    for (const [y, x] of inputs(300_000)) {
      assert.ok(Object.is(atan2Portable(y, x), nativeAtan2(y, x)), `atan2(${y}, ${x})`);
      assert.ok(Object.is(atanPortable(y), nativeAtan(y)), `atan(${y})`);
      n++;
    }
    const r = lcg(7);
    for (let i = 0; i < 100_000; i++) {
      const a = (r() - 0.5) * 7; // the (sin, cos) pairs planck turns back into angles
      assert.ok(Object.is(atan2Portable(Math.sin(a), Math.cos(a)), nativeAtan2(Math.sin(a), Math.cos(a))));
    }
    assert.equal(n, 300_000);
  },
);

test('atan2 is within one ulp of the engine everywhere and exact on signed zeros, infinities and NaN', () => {
  for (const [y, x] of inputs(100_000)) assert.ok(Math.abs(ulpDistance(atan2Portable(y, x), nativeAtan2(y, x))) <= 1);
  const special = [0, -0, 1, -1, 2.5, -2.5, Infinity, -Infinity, NaN, 5e-324, -5e-324, 1e308, -1e308];
  for (const y of special)
    for (const x of special) assert.ok(Object.is(atan2Portable(y, x), nativeAtan2(y, x)), `atan2(${y}, ${x})`);
});

test('once installed, Math.sin/cos are the glibc port and Math.atan2 the fdlibm port, and stay so', () => {
  installPortableMath();
  installPortableMath(); // idempotent
  assert.ok(portableMathInstalled());
  const r = lcg(3);
  for (let i = 0; i < 50_000; i++) {
    const x = (r() - 0.5) * 40;
    assert.ok(Object.is(Math.sin(x), sin64(x)));
    assert.ok(Object.is(Math.cos(x), cos64(x)));
    assert.ok(Object.is(Math.atan2(x, 1.5), atan2Portable(x, 1.5)));
  }
  assert.ok(Number.isNaN(Math.sin(NaN)));
  assert.ok(Math.abs(Math.sin(1e300)) <= 1); // huge angles fall back to the engine instead of recursing
});

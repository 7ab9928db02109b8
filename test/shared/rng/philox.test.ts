import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CounterRng, RngPurpose, philox4x32_10 } from '../../../src/shared/rng/index.js';
import { counterRngUsesWasm } from '../../../src/shared/rng/philox.js';
import { InvalidArgumentError } from '../../../src/shared/errors.js';

const hex = (a: Uint32Array): string[] => Array.from(a, (x) => x.toString(16).padStart(8, '0'));

/** Standard normal CDF via erfc (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7). */
function normalCdf(x: number): number {
  return x >= 0 ? 1 - upperTail(x) : upperTail(-x);
}

/** P(Z > x) for x >= 0, as 0.5·erfc(x/√2) so that it keeps its relative precision far in the tail. */
function upperTail(x: number): number {
  const z = x / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return 0.5 * erfc;
}

describe('philox4x32_10', () => {
  // Known-answer vectors from Random123's kat_vectors (philox4x32_10).
  const kat: [number[], number[], string[]][] = [
    [
      [0, 0, 0, 0],
      [0, 0],
      ['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8'],
    ],
    [
      [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
      [0xffffffff, 0xffffffff],
      ['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd'],
    ],
    [
      [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
      [0xa4093822, 0x299f31d0],
      ['d16cfe09', '94fdcceb', '5001e420', '24126ea1'],
    ],
  ];
  for (const [c, k, expected] of kat) {
    it(`matches Random123's known answer for counter ${hex(new Uint32Array(c)).join(' ')}`, () => {
      const out = new Uint32Array(4);
      philox4x32_10(c[0], c[1], c[2], c[3], k[0], k[1], out);
      assert.deepEqual(hex(out), expected);
    });
  }
});

describe('CounterRng streams', () => {
  it('gives the same draws for the same seed and stream ids, wherever it is created', () => {
    const a = CounterRng.from(42, RngPurpose.mutation, 7, 3);
    const b = CounterRng.from(42, RngPurpose.mutation, 7, 3);
    const xs = Array.from({ length: 50 }, () => a.nextUint32());
    assert.deepEqual(
      Array.from({ length: 50 }, () => b.nextUint32()),
      xs,
    );
  });

  it('gives unrelated streams for different seeds, ids, id counts and large seeds', () => {
    const streams = [
      CounterRng.from(42),
      CounterRng.from(43),
      CounterRng.from(42, 1),
      CounterRng.from(42, 1, 0),
      CounterRng.from(42, 0, 1),
      CounterRng.from(42, 2),
      CounterRng.from(2 ** 53 - 1, 1),
      CounterRng.from(2 ** 32 + 42, 1),
    ];
    const firsts = streams.map((r) => Array.from({ length: 8 }, () => r.nextUint32()).join(','));
    assert.equal(new Set(firsts).size, streams.length);
  });

  it('has uncorrelated neighbouring streams (agents i and i+1 of a generation)', () => {
    const n = 20000;
    const x = CounterRng.from(9, RngPurpose.mutation, 5, 100).fillNormal(new Float32Array(n));
    const y = CounterRng.from(9, RngPurpose.mutation, 5, 101).fillNormal(new Float32Array(n));
    let sxy = 0;
    for (let i = 0; i < n; i++) sxy += x[i] * y[i];
    // Correlation of independent N(0,1) samples has sd 1/sqrt(n) ≈ 0.007; 5 sd is a generous bound.
    assert.ok(Math.abs(sxy / n) < 5 / Math.sqrt(n), `correlation ${sxy / n}`);
  });

  it('regenerates any block without replaying the earlier ones (skipTo)', () => {
    const r = CounterRng.from(5, 1);
    const all = Array.from({ length: 40 }, () => r.nextUint32());
    const jumped = CounterRng.from(5, 1).skipTo(7);
    assert.deepEqual(
      Array.from({ length: 12 }, () => jumped.nextUint32()),
      all.slice(28, 40),
    );
  });

  it('lays out word j as word j mod 4 of the Philox block for counter j div 4 (seed-only key = seed)', () => {
    const start = 2 ** 32 - 70; // crosses the carry into the counter's high word
    const r = CounterRng.from(2 ** 40 + 123).skipTo(start);
    const block = new Uint32Array(4);
    for (let b = start; b < start + 300; b++) {
      philox4x32_10(b % 2 ** 32, Math.floor(b / 2 ** 32), 0, 0, 123, 2 ** 8, block);
      for (let w = 0; w < 4; w++) assert.equal(r.nextUint32(), block[w]);
    }
  });

  it('gives identical words from the WebAssembly and JavaScript block functions', () => {
    assert.ok(counterRngUsesWasm, 'WebAssembly should be available in Node');
    const wasm = CounterRng.from(123, 4, 5).skipTo(2 ** 32 - 70);
    const js = CounterRng.from(123, 4, 5)
      .withoutWasm()
      .skipTo(2 ** 32 - 70);
    for (let j = 0; j < 4 * 300; j++) assert.equal(js.nextUint32(), wasm.nextUint32());
  });

  it('derives child streams that differ from the parent and from each other', () => {
    const parent = CounterRng.from(11, 3);
    const c1 = parent.derive(1).nextUint32();
    const c2 = parent.derive(2).nextUint32();
    assert.notEqual(c1, c2);
    assert.equal(parent.derive(1).nextUint32(), c1);
    assert.notEqual(parent.nextUint32(), c1);
  });

  it('rejects negative, fractional or too-large seeds and stream ids', () => {
    for (const bad of [-1, 0.5, 2 ** 53, Number.NaN]) assert.throws(() => CounterRng.from(bad), InvalidArgumentError);
    for (const bad of [-1, 0.5, 2 ** 32]) assert.throws(() => CounterRng.from(1, bad), InvalidArgumentError);
  });
});

describe('CounterRng uniform draws', () => {
  it('nextFloat lies in [0, 1) with mean 1/2 and variance 1/12', () => {
    const r = CounterRng.from(1);
    const n = 100000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const u = r.nextFloat();
      assert.ok(u >= 0 && u < 1);
      s += u;
      s2 += u * u;
    }
    const mean = s / n;
    assert.ok(Math.abs(mean - 0.5) < 5 * Math.sqrt(1 / 12 / n));
    assert.ok(Math.abs(s2 / n - mean * mean - 1 / 12) < 0.002);
  });

  it('nextInt(n) is uniform over [0, n) (chi-square, 10 cells) and unbiased for n near 2^32', () => {
    const r = CounterRng.from(2);
    const counts = new Array<number>(10).fill(0);
    const n = 100000;
    for (let i = 0; i < n; i++) counts[r.nextInt(10)]++;
    const chi2 = counts.reduce((acc, c) => acc + (c - n / 10) ** 2 / (n / 10), 0);
    // 99.9th percentile of chi-square with 9 degrees of freedom is 27.88.
    assert.ok(chi2 < 27.88, `chi2 ${chi2}`);
    // n = 3·2^30: a modulo reduction would put half again as many draws below 2^30 as in each other quarter.
    const big = 3 * 2 ** 30;
    let low = 0;
    for (let i = 0; i < 30000; i++) {
      const v = r.nextInt(big);
      assert.ok(Number.isInteger(v) && v >= 0 && v < big);
      if (v < 2 ** 30) low++;
    }
    assert.ok(Math.abs(low / 30000 - 1 / 3) < 0.015, `fraction below 2^30: ${low / 30000}`);
    assert.ok(r.nextInt(2 ** 32) < 2 ** 32);
    assert.throws(() => r.nextInt(0), InvalidArgumentError);
  });

  it('fillUniform covers [low, high) with the right mean', () => {
    const out = CounterRng.from(3).fillUniform(new Float32Array(50000), -2, 6);
    let s = 0;
    for (const v of out) {
      assert.ok(v >= -2 && v <= 6);
      s += v;
    }
    assert.ok(Math.abs(s / out.length - 2) < 0.05);
  });
});

describe('CounterRng normal draws', () => {
  const n = 200000;
  const z = CounterRng.from(20240601, RngPurpose.mutation, 0, 0).fillNormal(new Float32Array(n));
  const sorted = Float64Array.from(z).sort();

  it('has mean 0, variance 1, skewness 0 and kurtosis 3', () => {
    let m1 = 0;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    for (const x of z) {
      m1 += x;
      m2 += x * x;
      m3 += x * x * x;
      m4 += x * x * x * x;
    }
    m1 /= n;
    m2 /= n;
    m3 /= n;
    m4 /= n;
    // Bounds are ~5 standard errors: sd(mean)=1/√n, sd(var)=√(2/n), sd(skew)=√(6/n), sd(kurt)=√(24/n).
    assert.ok(Math.abs(m1) < 5 / Math.sqrt(n), `mean ${m1}`);
    assert.ok(Math.abs(m2 - 1) < 5 * Math.sqrt(2 / n), `var ${m2}`);
    assert.ok(Math.abs(m3) < 5 * Math.sqrt(6 / n), `skew ${m3}`);
    assert.ok(Math.abs(m4 - 3) < 5 * Math.sqrt(24 / n), `kurtosis ${m4}`);
  });

  it('passes a Kolmogorov–Smirnov test against the normal CDF', () => {
    let d = 0;
    for (let i = 0; i < n; i++) {
      const f = normalCdf(sorted[i]);
      d = Math.max(d, Math.abs(f - i / n), Math.abs((i + 1) / n - f));
    }
    // Critical value at α = 0.001 is 1.949/√n.
    assert.ok(d < 1.949 / Math.sqrt(n), `KS statistic ${d}`);
  });

  it('puts the right mass in the tails beyond the ziggurat base (|x| > 3.65)', () => {
    let tail = 0;
    for (const x of z) if (Math.abs(x) > 3.6541528853610088) tail++;
    const p = 2 * (1 - normalCdf(3.6541528853610088));
    const sd = Math.sqrt(n * p * (1 - p));
    assert.ok(Math.abs(tail - n * p) < 5 * sd, `tail count ${tail}, expected ${n * p}`);
  });

  it('draws the tail beyond the ziggurat base from the normal tail law (KS on 20M draws)', () => {
    const r = 3.6541528853610088;
    const rng = CounterRng.from(31337, RngPurpose.mutation);
    const chunk = new Float32Array(1 << 20);
    const tail: number[] = [];
    for (let k = 0; k < 20; k++) {
      for (const x of rng.fillNormal(chunk)) if (Math.abs(x) > r) tail.push(Math.abs(x));
    }
    tail.sort((a, b) => a - b);
    // Conditional law of |x| given |x| > r: (Q(r) - Q(x)) / Q(r), Q the upper tail, computed directly for precision.
    const qr = upperTail(r);
    let d = 0;
    for (let i = 0; i < tail.length; i++) {
      const f = (qr - upperTail(tail[i])) / qr;
      d = Math.max(d, Math.abs(f - i / tail.length), Math.abs((i + 1) / tail.length - f));
    }
    assert.ok(tail.length > 4000, `only ${tail.length} tail draws`);
    assert.ok(d < 1.949 / Math.sqrt(tail.length), `KS statistic ${d} over ${tail.length} tail draws`);
  });

  it('matches the normal law bin by bin (chi-square over 40 equiprobable cells)', () => {
    // Equiprobable cells by bisection on the CDF; catches wedge/rectangle mistakes that moments can hide.
    const cells = 40;
    const edges: number[] = [];
    for (let k = 1; k < cells; k++) {
      let lo = -10;
      let hi = 10;
      for (let it = 0; it < 60; it++) {
        const mid = (lo + hi) / 2;
        if (normalCdf(mid) < k / cells) lo = mid;
        else hi = mid;
      }
      edges.push(lo);
    }
    const counts = new Array<number>(cells).fill(0);
    let cell = 0;
    for (const x of sorted) {
      while (cell < cells - 1 && x >= edges[cell]) cell++;
      counts[cell]++;
    }
    const e = n / cells;
    const chi2 = counts.reduce((acc, c) => acc + (c - e) ** 2 / e, 0);
    // 99.9th percentile of chi-square with 39 degrees of freedom is 72.05.
    assert.ok(chi2 < 72.05, `chi2 ${chi2}`);
  });

  it('fillNormal gives the same values through WebAssembly and JavaScript, from any position in the stream', () => {
    const a = CounterRng.from(5, RngPurpose.mutation, 1, 2);
    const b = CounterRng.from(5, RngPurpose.mutation, 1, 2).withoutWasm();
    a.nextUint32();
    b.nextUint32();
    a.nextUint32();
    b.nextUint32();
    assert.deepEqual(a.fillNormal(new Float32Array(9003), -1, 3), b.fillNormal(new Float32Array(9003), -1, 3));
    assert.equal(a.nextUint32(), b.nextUint32());
  });

  it('takes exactly one stream word per normal, so any block can be regenerated alone (skipTo)', () => {
    const all = CounterRng.from(8, 2).fillNormal(new Float32Array(4000));
    const block = 613;
    const again = CounterRng.from(8, 2).skipTo(block).fillNormal(new Float32Array(8));
    assert.deepEqual(again, all.subarray(4 * block, 4 * block + 8));
  });

  it('fillNormal writes the same sequence as nextNormal, shifted and scaled', () => {
    const a = CounterRng.from(77, RngPurpose.sigma);
    const b = CounterRng.from(77, RngPurpose.sigma);
    const filled = a.fillNormal(new Float32Array(5000), 1.5, 0.25);
    for (let i = 0; i < filled.length; i++) {
      assert.equal(filled[i], Math.fround(1.5 + 0.25 * b.nextNormal()));
    }
  });
});

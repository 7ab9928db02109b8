/**
 * Double-precision sin/cos exactly as glibc computes them on x86-64 (sysdeps/ieee754/dbl-64/s_sin.c, the IBM
 * Accurate Mathematical Library, in the FMA build that glibc selects on CPUs with FMA). NumPy's float64 `sin`/`cos`
 * and Python's `math.sin`/`math.cos` call these, so Gymnasium's classic-control dynamics do too. V8's `Math.sin` and
 * `Math.cos` (fdlibm) round differently for about 3% of arguments; in Acrobot's chaotic dynamics one such last-bit
 * difference grows until the float32 observations leave Gymnasium's within a few hundred steps.
 *
 * The algorithm is ported step by step: a table of sin/cos at k/128, short polynomials around the nearest node, and
 * Cody–Waite reduction by π/2, with every multiply-add that GCC fuses into an FMA instruction (read from its
 * optimized GIMPLE for this source) rounded once. Emulating those FMAs is slow, so each table/polynomial stage first
 * runs with plain arithmetic and keeps that result when a rigorous bound on the fused-minus-plain difference cannot
 * move the final rounding (checked by rounding both ends of the interval); otherwise, in a few percent of calls, it
 * reruns with the emulated FMAs.
 */
import { fma, splitHigh } from './fma.js';

const hexDouble = (mantissa: bigint, exp: number): number => Number(mantissa) * 2 ** (exp - 52);

// glibc's usncs.h and s_sin.c constants.
const S1 = -hexDouble(0x15555555555555n, -3);
const S2 = hexDouble(0x11111111110ecen, -7);
const S3 = -hexDouble(0x1a01a019db08b8n, -13);
const S4 = hexDouble(0x171de27b9a7ed9n, -19);
const S5 = -hexDouble(0x1addffc2fcdf59n, -26);
const BIG = hexDouble(0x18000000000000n, 45);
const HP0 = hexDouble(0x1921fb54442d18n, 0);
const HP1 = hexDouble(0x11a62633145c07n, -54);
const MP1 = hexDouble(0x1921fb58000000n, 0);
const MP2 = -hexDouble(0x1dde973c000000n, -27);
const PP3 = -hexDouble(0x1cb3b398000000n, -55);
const PP4 = -hexDouble(0x1d747f23e32ed7n, -83);
const PP4_HI = splitHigh(PP4);
const PP4_LO = PP4 - PP4_HI;
const HPINV = hexDouble(0x145f306dc9c883n, -1);
const TOINT = hexDouble(0x18000000000000n, 52);
// s_sin.c writes these with 33 digits; the doubles they round to:
const SN3 = -0.16666666666666488;
const SN5 = 0.008333332142857223;
const CS2 = 0.5;
const CS4 = -0.04166666666666644;
const CS6 = 0.001388888740079376;

/** glibc branches on the high 32 bits of |x|, i.e. compares |x| with these doubles (low word zero). */
const fromHighWord = (hi: number): number => (1 + (hi & 0xfffff) / 2 ** 20) * 2 ** (((hi >>> 20) & 0x7ff) - 1023);
const SIN_TINY = fromHighWord(0x3e500000); // 2^-26: sin(x) = x below
const COS_TINY = fromHighWord(0x3e400000); // 2^-27: cos(x) = 1 below
const SMALL = fromHighWord(0x3feb6000); // 0.85546875: table lookup around x itself
const MEDIUM = fromHighWord(0x400368fd); // 2.4262…: table lookup around π/2 − |x|
const LARGE = fromHighWord(0x419921fb); // 105414350.4…: beyond, glibc switches to its multi-precision reducer

/**
 * Where glibc's `__sincostab` low words are not the correctly rounded remainders (index into the table, value);
 * its high words and all other low words are, so the rest is computed.
 */
const TABLE_LO_OVERRIDES: ReadonlyArray<readonly [number, number]> = [
  [2 * 4 + 1, -1.265093755275982e-19],
  [10 * 4 + 1, -5.4494437820057936e-18],
  [23 * 4 + 1, -1.6240405901074e-20],
  [26 * 4 + 3, 1.310876952152676e-17],
  [27 * 4 + 1, -5.536403693172164e-18],
  [33 * 4 + 1, -2.2310035435425957e-17],
  [34 * 4 + 1, -2.2534597527902128e-17],
  [36 * 4 + 1, 1.7674070262791825e-17],
  [40 * 4 + 1, 1.1004366442765292e-19],
  [44 * 4 + 3, -4.85238302367971e-18],
  [70 * 4 + 3, 5.420565102675287e-18],
  [75 * 4 + 1, -6.743270455611733e-18],
  [75 * 4 + 3, -1.8644878796734315e-19],
  [79 * 4 + 3, 1.3751889684983784e-18],
  [85 * 4 + 1, -2.20849501729641e-17],
  [90 * 4 + 1, 4.567647714393287e-19],
  [94 * 4 + 1, 6.18353672557496e-18],
  [107 * 4 + 1, 2.907482756987512e-18],
];

/**
 * glibc's `__sincostab`: [sin hi, sin lo, cos hi, cos lo] of k/128 for k = 0…109, as double-doubles. Computed with
 * 192-bit fixed-point Taylor series, far more than the 106 bits a double-double holds.
 */
function buildTable(): Float64Array {
  const FRAC = 192n;
  const entries = 110;
  const table = new Float64Array(entries * 4);
  const scale = 2 ** -Number(FRAC);
  const store = (v: bigint, at: number): void => {
    const hi = Number(v); // rounds to nearest; scaling by a power of two afterwards is exact
    table[at] = hi * scale;
    table[at + 1] = Number(v - BigInt(hi)) * scale;
  };
  for (let k = 0; k < entries; k++) {
    const kk = BigInt(k * k); // x² = k²/2^14
    let sin = 0n;
    let term = (BigInt(k) << FRAC) >> 7n;
    for (let n = 1n; term !== 0n; n += 2n) {
      sin += term;
      term = -(term * kk) / (((n + 1n) * (n + 2n)) << 14n);
    }
    let cos = 0n;
    term = 1n << FRAC;
    for (let n = 0n; term !== 0n; n += 2n) {
      cos += term;
      term = -(term * kk) / (((n + 1n) * (n + 2n)) << 14n);
    }
    store(sin, k * 4);
    store(cos, k * 4 + 2);
  }
  for (const [index, lo] of TABLE_LO_OVERRIDES) table[index] = lo;
  return table;
}

const TABLE = buildTable();

/*
 * The fast stages below evaluate glibc's expressions without fusing, compute a bound d on how far glibc's fused
 * value of the last term can be from the plain one, and accept the plain result when rounding `head + (tail ± d)`
 * gives the same double at both ends (rounding is monotone, so everything in between rounds the same). The bounds
 * follow from |RN(u) − RN(v)| ≤ |u − v| + 2^-52·max(|RN(u)|, |RN(v)|) applied along each expression, plus 2^-53·|tail|
 * for the rounding of tail ± d itself, with a third or more to spare. NaN means "undecided".
 */

/** cos(x + dx), |x| ≲ 0.86, with plain arithmetic, or NaN when the fused result could differ. */
function doCosFast(x: number, dx: number): number {
  if (x < 0) dx = -dx;
  const ax = Math.abs(x);
  const node = BIG + ax - BIG;
  const k = (node * 512) | 0;
  const r = ax - node + dx;
  const xx = r * r;
  const p = r * xx;
  const s = p * (xx * SN5 + SN3) + r;
  const c = xx * (xx * (xx * CS6 + CS4) + CS2);
  const sn = TABLE[k];
  const cs = TABLE[k + 2];
  const cor = TABLE[k + 3] - s * TABLE[k + 1] - c * cs - s * sn;
  const d = 2 ** -49 * Math.abs(c) + 2 ** -50 * Math.abs(s) + 2 ** -100;
  const up = cs + (cor + d);
  return up === cs + (cor - d) ? up : NaN;
}

/** glibc's `do_cos` with its fused multiply-adds. */
function doCosExact(x: number, dx: number): number {
  if (x < 0) dx = -dx;
  const ax = Math.abs(x);
  const node = BIG + ax - BIG;
  const k = (node * 512) | 0;
  const r = ax - node + dx;
  const xx = r * r;
  const s = fma(r * xx, fma(xx, SN5, SN3), r);
  const c = xx * fma(xx, fma(xx, CS6, CS4), CS2);
  const sn = TABLE[k];
  const ssn = TABLE[k + 1];
  const cs = TABLE[k + 2];
  const ccs = TABLE[k + 3];
  const cor = fma(-s, sn, fma(-c, cs, fma(-s, ssn, ccs)));
  return cs + cor;
}

/** sin(x + dx), |x| ≲ 0.86, with plain arithmetic, or NaN when the fused result could differ. */
function doSinFast(x: number, dx: number): number {
  const ax = Math.abs(x);
  if (ax < 0.126) {
    const xx = x * x;
    const poly = xx * (xx * (xx * (xx * S5 + S4) + S3) + S2) + S1;
    const m = poly * x - 0.5 * dx;
    const t = xx * m + dx;
    const d = 2 ** -49 * (Math.abs(xx * m) + Math.abs(dx));
    const up = x + (t + d);
    return up === x + (t - d) ? up : NaN;
  }
  if (x <= 0) dx = -dx;
  const node = BIG + ax - BIG;
  const k = (node * 512) | 0;
  const r = ax - node;
  const xx = r * r;
  const p = r * xx;
  const s = r + (p * (xx * SN5 + SN3) + dx);
  const c = r * dx + xx * (xx * (xx * CS6 + CS4) + CS2);
  const sn = TABLE[k];
  const cor = TABLE[k + 1] + s * TABLE[k + 3] - c * sn + s * TABLE[k + 2];
  const d = 2 ** -49 * (Math.abs(c) + Math.abs(dx) + Math.abs(p)) + 2 ** -50 * Math.abs(s) + 2 ** -100;
  const up = sn + (cor + d);
  if (up !== sn + (cor - d)) return NaN;
  return x < 0 ? -up : up; // glibc's copysign(sn + cor, x); the sum is positive since |x| ≥ 0.126
}

/** glibc's `do_sin` with its fused multiply-adds. */
function doSinExact(x: number, dx: number): number {
  const ax = Math.abs(x);
  if (ax < 0.126) {
    const xx = x * x;
    const poly = fma(xx, fma(xx, fma(xx, fma(xx, S5, S4), S3), S2), S1);
    const t = fma(xx, fma(poly, x, -(0.5 * dx)), dx);
    return x + t;
  }
  if (x <= 0) dx = -dx;
  const node = BIG + ax - BIG;
  const k = (node * 512) | 0;
  const r = ax - node;
  const xx = r * r;
  const s = r + fma(r * xx, fma(xx, SN5, SN3), dx);
  const c = fma(r, dx, xx * fma(xx, fma(xx, CS6, CS4), CS2));
  const sn = TABLE[k];
  const ssn = TABLE[k + 1];
  const cs = TABLE[k + 2];
  const ccs = TABLE[k + 3];
  const res = sn + fma(s, cs, fma(-c, sn, fma(s, ccs, ssn)));
  return x < 0 ? -res : res;
}

function doCos(x: number, dx: number): number {
  const r = doCosFast(x, dx);
  return r === r ? r : doCosExact(x, dx);
}

function doSin(x: number, dx: number): number {
  const r = doSinFast(x, dx);
  return r === r ? r : doSinExact(x, dx);
}

// glibc's `reduce_sincos` returns a and da through pointers; module-level slots avoid allocating.
let reducedA = 0;
let reducedDa = 0;

/** x = n·π/2 + (a + da) for |x| < 105414350 (glibc's `reduce_sincos`), a and da left in the slots; returns n mod 4. */
function reduce(x: number): number {
  // glibc rounds x·(2/π) to an integer with one FMA; the plain product can only disagree next to a half-integer.
  const q = x * HPINV;
  let xn = q + TOINT - TOINT;
  if (Math.abs(q - xn) > 0.5 - 2 ** -26) xn = fma(x, HPINV, TOINT) - TOINT;
  // xn has at most 26 bits and MP1, MP2, PP3 at most 27, so these products are exact and need no fusing.
  const y = x - xn * MP1 - xn * MP2;
  const t2 = y - xn * PP3;
  const db = y - t2 - xn * PP3;
  const b = subXnPp4(xn, t2);
  reducedA = b;
  reducedDa = db + subXnPp4(xn, t2 - b);
  return xn & 3;
}

/** Fused c − xn·PP4 for an integer |xn| ≤ 2^26: Dekker's product error needs no split of xn. */
function subXnPp4(xn: number, c: number): number {
  const p = xn * PP4;
  const e = xn * PP4_HI - p + xn * PP4_LO;
  const s = c - p;
  const v = s - c;
  const err = c - (s - v) - (p + v);
  return s + (err - e);
}

/** sin or cos of a + da in quadrant n (glibc's `do_sincos`). */
function quadrant(a: number, da: number, n: number): number {
  const r = (n & 1) !== 0 ? doCos(a, da) : doSin(a, da);
  return (n & 2) !== 0 ? -r : r;
}

/** NumPy's (glibc's) `sin` of a float64, bit for bit; beyond |x| ≈ 1.05e8 it falls back to `Math.sin`. */
export function sin64(x: number): number {
  const ax = Math.abs(x);
  if (ax < SIN_TINY) return x;
  if (ax < SMALL) return doSin(x, 0);
  if (ax < MEDIUM) {
    const r = doCos(HP0 - ax, HP1);
    return x < 0 ? -r : r;
  }
  if (ax < LARGE) {
    const n = reduce(x);
    return quadrant(reducedA, reducedDa, n);
  }
  return Math.sin(x);
}

/** NumPy's (glibc's) `cos` of a float64, bit for bit; beyond |x| ≈ 1.05e8 it falls back to `Math.cos`. */
export function cos64(x: number): number {
  const ax = Math.abs(x);
  if (ax < COS_TINY) return 1.0;
  if (ax < SMALL) return doCos(x, 0);
  if (ax < MEDIUM) {
    const y = HP0 - ax;
    const a = y + HP1;
    return doSin(a, y - a + HP1);
  }
  if (ax < LARGE) {
    const n = reduce(x);
    return quadrant(reducedA, reducedDa, n + 1);
  }
  return Math.cos(x);
}

/** The exact (always fused) path, exposed for tests that check the fast path's bounds. */
export const sinCosInternals = { doCosExact, doSinExact, doCosFast, doSinFast };

/**
 * The constants and table that sin64/cos64 use, for the WebAssembly port of the same algorithm
 * (sin_cos_wasm.ts); `table()` returns a copy.
 */
export const sinCosParts = {
  table: (): Float64Array => TABLE.slice(),
  S1, S2, S3, S4, S5, SN3, SN5, CS2, CS4, CS6, BIG, SIN_TINY, COS_TINY, SMALL,
} as const; // prettier-ignore

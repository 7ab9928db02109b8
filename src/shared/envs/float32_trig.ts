/**
 * NumPy's float32 `sin`/`cos` as they run on x86-64 with FMA (its SIMD path: Cody–Waite reduction to
 * [-π/4, π/4], then minimax polynomials, all in float32 with fused multiply-adds). These are not correctly
 * rounded (up to ~1.5 ulp), so `Math.fround(Math.cos(x))` differs from NumPy now and then; Acrobot applies
 * them to its float32 reset state, and matching Gymnasium's observations bit for bit needs the same rounding.
 */
const f = Math.fround;

/** float32 fused multiply-add: a·b is exact in float64 for float32 inputs, so only the final roundings remain. */
function fma32(a: number, b: number, c: number): number {
  return f(a * b + c);
}

const hex = (mantissa: number, exp: number): number => f((mantissa / 2 ** 24) * 2 ** exp);

const TWO_OVER_PI = hex(0x145f306, -1);
const PIO2_HIGH = -hex(0x1921fb0, 0);
const PIO2_MED = -hex(0x15110b4, -22);
const PIO2_LOW = -hex(0x1846988, -48);
const RINT_MAGIC = hex(0x1800000, 23);
const COS_C8 = hex(0x198e616, -16);
const COS_C6 = -hex(0x16c06dc, -10);
const COS_C4 = hex(0x155553c, -5);
const SIN_C9 = hex(0x17d3bbc, -19);
const SIN_C7 = -hex(0x1a06bba, -13);
const SIN_C5 = hex(0x111119a, -7);
const SIN_C3 = -hex(0x1555556, -3);
/** Beyond these magnitudes NumPy falls back to libm, which is correctly rounded in practice. */
const MAX_SIN = f(117435.992);
const MAX_COS = f(71476.0625);

function sincos32(xIn: number, wantCos: boolean): number {
  const x = f(xIn);
  if (Number.isNaN(x)) return NaN;
  if (Math.abs(x) > (wantCos ? MAX_COS : MAX_SIN)) return f(wantCos ? Math.cos(x) : Math.sin(x));
  let q = f(x * TWO_OVER_PI);
  q = f(q + RINT_MAGIC);
  q = f(q - RINT_MAGIC);
  let r = fma32(q, PIO2_HIGH, x);
  r = fma32(q, PIO2_MED, r);
  r = fma32(q, PIO2_LOW, r);
  const r2 = f(r * r);
  let c = fma32(COS_C8, r2, COS_C6);
  c = fma32(c, r2, COS_C4);
  c = fma32(c, r2, -0.5);
  c = fma32(c, r2, 1);
  let s = fma32(SIN_C9, r2, SIN_C7);
  s = fma32(s, r2, SIN_C5);
  s = fma32(s, r2, SIN_C3);
  s = f(s * r2);
  s = fma32(s, r, r);
  let quadrant = Math.round(q) | 0;
  if (wantCos) quadrant += 1;
  let out = (quadrant & 1) === 0 ? s : c;
  if ((quadrant & 2) === 2) out = -out;
  return out;
}

/** NumPy's `np.sin` on a float32 value. */
export function sinf32(x: number): number {
  return sincos32(x, false);
}

/** NumPy's `np.cos` on a float32 value. */
export function cosf32(x: number): number {
  return sincos32(x, true);
}

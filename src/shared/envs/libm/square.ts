/**
 * `x ** 2` on a float64 exactly as Python and NumPy compute it on x86-64 Linux: both call glibc's `pow(x, 2.0)`
 * (sysdeps/ieee754/dbl-64/e_pow.c, FMA build), which is not `x * x`: it goes through exp(2·log|x|) and its result,
 * though within 0.52 ulp, differs from the correctly rounded square for about 0.08% of arguments. Gymnasium's Acrobot
 * squares with `**`, so its dynamics need this to the last bit.
 *
 * Fast path: glibc's value before its final rounding lies within 0.0115 ulp of x² (its own error analysis: exp's
 * 0.009 ulp plus |2·log x|·1.3·2^-68 from log; 0.010 measured), so when every point within 2^-58·x² ≥ 0.0156 ulp
 * of x² rounds to the same double, that double is glibc's answer. Otherwise (a few percent of calls) the port of
 * glibc's algorithm, specialised to y = 2 and with GCC's fused multiply-adds, decides.
 */
import { fma, splitHigh } from './fma.js';
import { EXP_HEAD, EXP_TAIL, LOG_CTAIL, LOG_C_2POW43, LOG_INVC_256 } from './pow_tables.js';

// Inside [e^-32, e^32] the log term of the error bound stays below 0.0025 ulp.
const FAST_MIN = Math.exp(-32);
const FAST_MAX = Math.exp(32);
// glibc's pow takes special paths when |2·log x| ≥ 512 (results near overflow or underflow); not ported.
const PORT_MIN = Math.exp(-255);
const PORT_MAX = Math.exp(255);

const LN2_HI = 0.6931471805598903;
const LN2_LO = 5.497923018708371e-14;
const LN2_LO_HI = splitHigh(LN2_LO);
const LN2_LO_LO = LN2_LO - LN2_LO_HI;
const A1 = -0.6666666666666679;
const A2 = 0.5000000000000007;
const A3 = 0.7999999995323976;
const A4 = -0.6666666663487739;
const A5 = -1.142909628459501;
const A6 = 1.0000415263675542;
const INV_LN2_N = 184.6649652337873;
const NEG_LN2_HI_N = -0.005415212348111709;
const NEG_LN2_LO_N = -1.2864023111638346e-14;
const NEG_LN2_LO_N_HI = splitHigh(NEG_LN2_LO_N);
const NEG_LN2_LO_N_LO = NEG_LN2_LO_N - NEG_LN2_LO_N_HI;
const C2 = 0.49999999999996786;
const C3 = 0.16666666666665886;
const C4 = 0.0416666808410674;
const C5 = 0.008333335853059549;
const SHIFT = 6755399441055744.0; // 1.5·2^52: adding it rounds to an integer
const TINY = 2 ** -54;
const INVC = Float64Array.from(LOG_INVC_256, (j) => j / 256);
const LOGC = Float64Array.from(LOG_C_2POW43, (v) => v * 2 ** -43);
const CTAIL = Float64Array.from(LOG_CTAIL);
const HEAD = Float64Array.from(EXP_HEAD);
const ETAIL = Float64Array.from(EXP_TAIL);
/** 2^m for |m| ≤ 1023, the exponent adjustment of exp's result. */
const POW2 = Float64Array.from({ length: 2047 }, (_, m) => 2 ** (m - 1023));

// Bit access to a double (the table index and exponent come from its high word).
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;

/** Fused k·b + c for an integer |k| < 2^26 and b split as bHi + bLo: Dekker's error needs no split of k. */
function fmaInt(k: number, b: number, bHi: number, bLo: number, c: number): number {
  const p = k * b;
  const e = k * bHi - p + k * bLo;
  const s = p + c;
  const v = s - p;
  const err = p - (s - v) + (c - v);
  return s + (err + e);
}

/** glibc's pow(|x|, 2) for e^-255 < |x| < e^255: log_inline, then exp_inline of 2·log|x|. */
function glibcSquare(ax: number): number {
  // log|x| = k·ln2 + log(c) + log1p(z/c − 1), z = |x|/2^k in [0x1.69555p-1, 0x1.69555p0).
  f64[0] = ax;
  const hiWord = u32[HI];
  const tmp = (hiWord - 0x3fe69555) | 0;
  const i = (tmp >>> 13) & 127;
  const k = tmp >> 20;
  u32[HI] = hiWord - (k << 20);
  const z = f64[0];
  const invc = INVC[i];
  const logc = LOGC[i];
  // r = z·invc − 1 is exact by construction (invc has ≤ 9 bits); glibc gets it with one FMA.
  const zh = splitHigh(z);
  const r = zh * invc - 1 + (z - zh) * invc;
  const t1 = k * LN2_HI + logc; // exact by construction
  const t2 = t1 + r;
  const lo1 = fmaInt(k, LN2_LO, LN2_LO_HI, LN2_LO_LO, CTAIL[i]);
  const lo2 = t1 - t2 + r;
  const ar = r * -0.5;
  const ar2 = r * ar;
  const ar3 = r * ar2;
  const hi = t2 + ar2;
  // lo3 = r·ar − ar2 exactly: the rounding error of ar2 (Dekker, with ar = −r/2 split as −rh/2, −rl/2).
  const rh = splitHigh(r);
  const rl = r - rh;
  const lo3 = rh * (-0.5 * rh) - ar2 + rh * (-0.5 * rl) + rl * (-0.5 * rh) + rl * (-0.5 * rl);
  const lo4 = t2 - hi + ar2;
  const p = fma(ar2, fma(ar2, fma(r, A6, A5), fma(r, A4, A3)), fma(r, A2, A1));
  const lo = fma(ar3, p, lo1 + lo2 + lo3 + lo4);
  const y = hi + lo;
  const tail = hi - y + lo;

  // exp(ehi + elo) with ehi = 2y, elo = 2·tail (both exact).
  const ehi = 2 * y;
  const elo = 2 * tail;
  if (Math.abs(ehi) < TINY) return 1.0 + ehi;
  const q = ehi * INV_LN2_N;
  let kd = q + SHIFT - SHIFT;
  if (Math.abs(q - kd) > 0.5 - 2 ** -30) kd = fma(ehi, INV_LN2_N, SHIFT) - SHIFT;
  // kd·NEG_LN2_HI_N is exact (36-bit constant), so glibc's fused form equals the plain one.
  const rr = elo + fmaInt(kd, NEG_LN2_LO_N, NEG_LN2_LO_N_HI, NEG_LN2_LO_N_LO, ehi + kd * NEG_LN2_HI_N);
  const j = kd & 127;
  const scaleExp = kd >> 7;
  const r2 = rr * rr;
  const sum = fma(r2, fma(rr, C3, C2), rr + ETAIL[j]);
  const t = fma(r2 * r2, fma(rr, C5, C4), sum);
  const h = HEAD[j];
  return fma(t, h, h) * POW2[scaleExp + 1023];
}

/** Python's / NumPy's `x ** 2` for a float64 (glibc's `pow(x, 2.0)`), bit for bit for e^-255 < |x| < e^255. */
export function square64(x: number): number {
  const p = x * x;
  const ax = Math.abs(x);
  if (ax >= FAST_MIN && ax <= FAST_MAX) {
    const xh = splitHigh(x);
    const xl = x - xh;
    const e = xh * xh - p + 2 * xh * xl + xl * xl; // x² = p + e exactly
    const d = p * 2 ** -58;
    const up = p + (e + d);
    if (up === p + (e - d)) return up;
    return glibcSquare(ax);
  }
  if (ax > PORT_MIN && ax < PORT_MAX) return glibcSquare(ax);
  // 0, ±∞, NaN agree with x·x; near over/underflow glibc's special paths are not ported.
  return p;
}

/** The ported algorithm alone, for tests of the fast path. */
export const squareInternals = { glibcSquare };

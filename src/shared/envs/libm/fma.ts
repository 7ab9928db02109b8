/**
 * Fused multiply-add for code that must reproduce C compiled for x86-64 with FMA: GCC contracts `a * b + c` into one
 * instruction that rounds once, and JavaScript has no such operation.
 */

/** Veltkamp's splitting constant 2^27 + 1: `SPLIT * a` splits a double into two halves of at most 26 bits. */
export const SPLIT = 134217729;

/** The high half of `a` in Veltkamp's split (`a - high` is the exact low half). */
export function splitHigh(a: number): number {
  const t = SPLIT * a;
  return t - (t - a);
}

/**
 * a·b + c with a single rounding, as the FMA instruction computes it: Dekker's exact product, a two-sum with c, and
 * the two error terms added last. That last step is correctly rounded unless the exact result lies within about
 * 2^-53 ulp of a rounding midpoint (probability near 2^-52 per call); no overflow or underflow handling, which the
 * callers' argument ranges never need.
 */
export function fma(a: number, b: number, c: number): number {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const e = ah * bh - p + ah * bl + al * bh + al * bl;
  const s = p + c;
  const v = s - p;
  const err = p - (s - v) + (c - v);
  return s + (err + e);
}

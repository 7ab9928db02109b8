/**
 * The fast stages of sin_cos_wasm.ts's sinCosInline on two arguments at once (f64x2 SIMD): the same IEEE-754
 * operations in the same order per lane, so each lane's values and acceptance decisions are bit for bit the scalar
 * code's. Both sin stages (|x| < 0.126 and the table stage) are computed and the right one selected per lane,
 * cheaper than a branch that the two lanes would often disagree on.
 */
import { sinCosParts } from './sin_cos.js';
import { ins } from '../../rng/wasm_encoding.js';
import { loc, v } from './wasm_expr.js';
import type { Ex } from './wasm_expr.js';

const { S1, S2, S3, S4, S5, SN3, SN5, CS2, CS4, CS6, BIG, SIN_TINY, SMALL } = sinCosParts;

/** Number of v128 and i32 locals `sinCosInlineX2` needs. */
export const SIN_COS_X2_LOCALS = { v128: 18, i32: 2 } as const;

/**
 * i32: 1 when both lanes of v128 local `x` are in the fast stages' range [2^-26, 0.85546875) (NaN is not).
 * `constant(value)` gives an f64x2 of `value` in both lanes; v128.const by default.
 */
export function sinCosInRangeX2(x: number, constant: (value: number) => Ex = v.num): Ex {
  const ax = v.abs(loc(x));
  return v.allTrue(v.and(v.ge(ax, constant(SIN_TINY)), v.lt(ax, constant(SMALL))));
}

/**
 * Code that sets v128 locals `cos` and `sin` to the fast stages' cos and sin of the lanes of v128 local `x` (both
 * in range, see sinCosInRangeX2), and `okCos`/`okSin` to masks of the lanes whose stage was accepted; a rejected
 * lane's value must be replaced by the fused helper's (sinCosHelpers) before use.
 */
export function sinCosInlineX2(
  x: number,
  out: { cos: number; sin: number; okCos: number; okSin: number },
  scratch: { v128: readonly number[]; i32: readonly number[] },
  tableAddress: number,
  constant: (value: number) => Ex = v.num,
): number[] {
  const [AX, NODE, R, XX, P, S, C, COR, D, UP, SN, SSN, CS, CCS, X2, T2, UPS, OKS] = scratch.v128;
  const [K0, K1] = scratch.i32;
  const X = loc(x);
  const L = loc;
  const n = constant;
  const two = (e: number): Ex => n(2 ** e);
  const entry = (k: number, half: 0 | 1): Ex => v.load(ins.get(k), tableAddress + 16 * half);
  const set = (l: number, e: Ex): number[] => [...e, ...ins.set(l)];
  // head + (tail + d) and whether head + (tail - d) equals it.
  const accepted = (head: Ex, tail: Ex, d: Ex, ok: number): number[] => [
    ...set(D, d),
    ...set(UP, v.add(head, v.add(tail, L(D)))),
    ...set(ok, v.eq(L(UP), v.add(head, v.sub(tail, L(D))))),
  ];
  return [
    ...set(AX, v.abs(X)),
    ...set(NODE, v.sub(v.add(n(BIG), L(AX)), n(BIG))),
    ...set(R, v.truncI32(v.mul(L(NODE), n(4096)))), // byte offsets of the two table entries, parked in R
    ...set(K0, v.i32Lane(L(R), 0)),
    ...set(K1, v.i32Lane(L(R), 1)),
    ...set(SN, v.low(entry(K0, 0), entry(K1, 0))),
    ...set(SSN, v.high(entry(K0, 0), entry(K1, 0))),
    ...set(CS, v.low(entry(K0, 1), entry(K1, 1))),
    ...set(CCS, v.high(entry(K0, 1), entry(K1, 1))),
    ...set(R, v.sub(L(AX), L(NODE))),
    ...set(XX, v.mul(L(R), L(R))),
    ...set(P, v.mul(L(R), L(XX))),
    ...set(S, v.add(v.mul(L(P), v.add(v.mul(L(XX), n(SN5)), n(SN3))), L(R))),
    ...set(C, v.mul(L(XX), v.add(v.mul(L(XX), v.add(v.mul(L(XX), n(CS6)), n(CS4))), n(CS2)))),
    // doCosFast(x, 0)
    ...set(COR, v.sub(v.sub(v.sub(L(CCS), v.mul(L(S), L(SSN))), v.mul(L(C), L(CS))), v.mul(L(S), L(SN)))),
    ...accepted(L(CS), L(COR), v.add(v.add(v.mul(two(-49), v.abs(L(C))), v.mul(two(-50), v.abs(L(S)))), two(-100)), out.okCos), // prettier-ignore
    ...set(out.cos, L(UP)),
    // doSinFast(x, 0) for |x| < 0.126
    ...set(X2, v.mul(X, X)),
    ...set(T2, v.mul(L(X2), v.mul(v.add(v.mul(L(X2), v.add(v.mul(L(X2), v.add(v.mul(L(X2), v.add(v.mul(L(X2), n(S5)), n(S4))), n(S3))), n(S2))), n(S1)), X))), // prettier-ignore
    ...accepted(X, L(T2), v.mul(two(-49), v.abs(L(T2))), OKS),
    ...set(UPS, L(UP)),
    // doSinFast(x, 0)'s table stage, result signed like x
    ...set(COR, v.add(v.sub(v.add(L(SSN), v.mul(L(S), L(CCS))), v.mul(L(C), L(SN))), v.mul(L(S), L(CS)))),
    ...accepted(L(SN), L(COR), v.add(v.add(v.mul(two(-49), v.add(v.abs(L(C)), v.abs(L(P)))), v.mul(two(-50), v.abs(L(S)))), two(-100)), out.okSin), // prettier-ignore
    ...set(D, v.lt(L(AX), n(0.126))),
    ...set(out.sin, v.select(L(D), L(UPS), v.select(v.lt(X, n(0)), v.neg(L(UP)), L(UP)))),
    ...set(out.okSin, v.select(L(D), L(OKS), L(out.okSin))),
  ];
}

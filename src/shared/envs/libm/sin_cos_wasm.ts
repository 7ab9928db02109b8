/**
 * sin64/cos64 (glibc's sin and cos, see sin_cos.ts) as WebAssembly code to splice into a kernel, so that a kernel
 * stepping many envs computes them without a call into JavaScript per argument. For |x| in [2^-26, 0.85546875),
 * the range where glibc looks up the table around x itself (all of CartPole's running states), sin and cos are
 * computed together from one table lookup with sin_cos.ts's unfused fast stages and their acceptance bounds; a
 * rejected stage (a few percent) is recomputed by glibc's fused `do_sin`/`do_cos` in WebAssembly helpers (fma
 * emulated exactly as fma.ts does), at once or later in a loop of the caller's. Every other argument (tiny,
 * larger, non-finite) calls the imported JavaScript sin64/cos64.
 *
 * Bit-exactness with sin64/cos64 holds by construction: every accepted or fused result is computed by the same
 * IEEE-754 double operations in the same order (WebAssembly, like JavaScript, never fuses or reorders them). The
 * one liberty: with dx = 0, sin's table stage reuses cos's s and c, which differ from sin_cos.ts's only in the
 * sign of a zero that cannot reach the result (the tests check every table node, where r = 0).
 */
import { SPLIT, splitHigh } from './fma.js';
import { sinCosParts } from './sin_cos.js';
import { OP, T, ins } from '../../rng/wasm_encoding.js';
import {
  F64_OP,
  I32_OP,
  abs,
  add,
  assign,
  call,
  eq,
  ifElse,
  le,
  loc,
  lt,
  mul,
  neg,
  num,
  pick,
  sub,
} from './wasm_expr.js';
import type { Ex } from './wasm_expr.js';
import type { DefinedFunc } from '../../rng/wasm_encoding.js';

const { S1, S2, S3, S4, S5, SN3, SN5, CS2, CS4, CS6, BIG, SIN_TINY, SMALL } = sinCosParts;

const I32_TRUNC_F64_S = I32_OP.truncF64S;

/** Bytes of the table (110 entries of [sin hi, sin lo, cos hi, cos lo]) that the code reads from linear memory. */
export const SIN_COS_TABLE_BYTES = sinCosParts.table().length * 8;

/** Writes the table into `memory` at byte `address` (8-byte aligned), where the spliced code expects it. */
export function writeSinCosTable(memory: ArrayBuffer, address: number): void {
  new Float64Array(memory, address, SIN_COS_TABLE_BYTES / 8).set(sinCosParts.table());
}

/** Function indices the spliced code calls. */
export interface SinCosFuncs {
  /** Imported JavaScript sin64 and cos64, (f64) → f64. */
  sinImport: number;
  cosImport: number;
  /** Index that the first of `sinCosHelpers()` will get in the module. */
  firstHelper: number;
}

/**
 * fma.ts's fma(a, b, c) spliced inline, one rounding-for-rounding: Dekker's product, a two-sum with c, the error
 * terms added last. `b` may be a constant, whose split is then precomputed (the same doubles). `fresh()` allocates
 * an f64 local; nested fmas in the operands get their own.
 */
function fmaInline(a: Ex, b: Ex | number, c: Ex, fresh: () => number): Ex {
  const [A, B, C, P, T1, AH, AL, S, V] = Array.from({ length: 9 }, fresh);
  const code = [...assign(A, a)];
  let bh: Ex;
  let bl: Ex;
  if (typeof b === 'number') {
    const high = splitHigh(b);
    [bh, bl] = [num(high), num(b - high)];
    code.push(...assign(P, mul(loc(A), num(b))));
  } else {
    const [BH, BL] = [fresh(), fresh()];
    code.push(
      ...assign(B, b),
      ...assign(P, mul(loc(A), loc(B))),
      ...assign(T1, mul(num(SPLIT), loc(B))),
      ...assign(BH, sub(loc(T1), sub(loc(T1), loc(B)))),
      ...assign(BL, sub(loc(B), loc(BH))),
    );
    [bh, bl] = [loc(BH), loc(BL)];
  }
  const e = add(add(add(sub(mul(loc(AH), bh), loc(P)), mul(loc(AH), bl)), mul(loc(AL), bh)), mul(loc(AL), bl));
  code.push(
    ...assign(C, c),
    ...assign(T1, mul(num(SPLIT), loc(A))),
    ...assign(AH, sub(loc(T1), sub(loc(T1), loc(A)))),
    ...assign(AL, sub(loc(A), loc(AH))),
    ...assign(S, add(loc(P), loc(C))),
    ...assign(V, sub(loc(S), loc(P))),
    ...add(loc(S), add(add(sub(loc(P), sub(loc(S), loc(V))), sub(loc(C), loc(V))), e)),
  );
  return code;
}

/**
 * The helper functions to append to the module, in order: fma(a, b, c), glibc's fused do_cos(x, 0) and
 * do_sin(x, 0) for |x| in [2^-26, 0.855). Each is exported under the given prefix (useful to tests).
 */
export function sinCosHelpers(tableAddress: number, exportPrefix = ''): DefinedFunc[] {
  const f64x3 = { params: [T.f64, T.f64, T.f64], results: [T.f64] };
  const unary = { params: [T.f64], results: [T.f64] };
  /** A function body's locals: `first` onwards, allocated as the body is generated. */
  const allocator = (first: number): { fresh: () => number; locals: number[] } => {
    const locals: number[] = [];
    return { fresh: () => first + locals.push(T.f64) - 1, locals };
  };

  const f = allocator(3);
  const fmaCode = fmaInline(loc(0), loc(1), loc(2), f.fresh);
  const fmaFunc: DefinedFunc = { exportName: `${exportPrefix}fma`, ...f64x3, locals: f.locals, code: fmaCode };

  // Table entry k (byte address of [sin hi, sin lo, cos hi, cos lo]) for the node nearest |x|.
  const X = 0;
  const K = 1;
  const [AX, NODE, DX, R, XX, SS, CC, POLY] = Array.from({ length: 8 }, (_, i) => 2 + i);
  const named = [T.i32, ...new Array<number>(8).fill(T.f64)];
  const lookup = [
    ...assign(NODE, sub(add(num(BIG), loc(AX)), num(BIG))),
    ...mul(loc(NODE), num(4096)), I32_TRUNC_F64_S, ...ins.set(K),
  ]; // prettier-ignore
  const table = (slot: number): Ex => [...ins.get(K), ...ins.mem(OP.f64Load, 3, tableAddress + 8 * slot)];
  const [SN, SSN, CS, CCS] = [table(0), table(1), table(2), table(3)];

  // sin_cos.ts's doCosExact(x, 0).
  const c = allocator(2 + 8);
  const cfma = (a: Ex, b: Ex | number, cc: Ex): Ex => fmaInline(a, b, cc, c.fresh);
  const cosCode = [
    ...assign(DX, pick(lt(loc(X), num(0)), num(-0), num(0))),
    ...assign(AX, abs(loc(X))),
    ...lookup,
    ...assign(R, add(sub(loc(AX), loc(NODE)), loc(DX))),
    ...assign(XX, mul(loc(R), loc(R))),
    ...assign(SS, cfma(mul(loc(R), loc(XX)), cfma(loc(XX), SN5, num(SN3)), loc(R))),
    ...assign(CC, mul(loc(XX), cfma(loc(XX), cfma(loc(XX), CS6, num(CS4)), num(CS2)))),
    ...add(CS, cfma(neg(loc(SS)), SN, cfma(neg(loc(CC)), CS, cfma(neg(loc(SS)), SSN, CCS)))),
  ];
  const cosExact: DefinedFunc = {
    exportName: `${exportPrefix}cosExact`,
    ...unary,
    locals: [...named, ...c.locals],
    code: cosCode,
  };

  // sin_cos.ts's doSinExact(x, 0).
  const sn = allocator(2 + 8);
  const sfma = (a: Ex, b: Ex | number, cc: Ex): Ex => fmaInline(a, b, cc, sn.fresh);
  const small = [
    ...assign(XX, mul(loc(X), loc(X))),
    ...assign(POLY, sfma(loc(XX), sfma(loc(XX), sfma(loc(XX), sfma(loc(XX), S5, num(S4)), num(S3)), num(S2)), num(S1))), // prettier-ignore
    ...add(loc(X), sfma(loc(XX), sfma(loc(POLY), loc(X), neg(mul(num(0.5), num(0)))), num(0))),
  ];
  const tabled = [
    ...assign(DX, pick(le(loc(X), num(0)), num(-0), num(0))),
    ...lookup,
    ...assign(R, sub(loc(AX), loc(NODE))),
    ...assign(XX, mul(loc(R), loc(R))),
    ...assign(SS, add(loc(R), sfma(mul(loc(R), loc(XX)), sfma(loc(XX), SN5, num(SN3)), loc(DX)))),
    ...assign(CC, sfma(loc(R), loc(DX), mul(loc(XX), sfma(loc(XX), sfma(loc(XX), CS6, num(CS4)), num(CS2))))),
    ...assign(POLY, add(SN, sfma(loc(SS), CS, sfma(neg(loc(CC)), SN, sfma(loc(SS), CCS, SSN))))),
    ...pick(lt(loc(X), num(0)), neg(loc(POLY)), loc(POLY)),
  ];
  const sinCode = [...assign(AX, abs(loc(X))), ...ifElse(lt(loc(AX), num(0.126)), small, tabled)];
  const sinExact: DefinedFunc = {
    exportName: `${exportPrefix}sinExact`,
    ...unary,
    locals: [...named, ...sn.locals],
    code: sinCode,
  };
  return [fmaFunc, cosExact, sinExact];
}

/** Locals the spliced code uses, allocated by the caller. */
export interface SinCosLocals {
  /** SIN_COS_F64_LOCALS f64 locals. */
  f64: readonly number[];
  i32: number;
}

/** Number of f64 locals `sinCosInline` needs. */
export const SIN_COS_F64_LOCALS = 16;

/**
 * What to do where a fast stage is rejected: call the fused helper at once, or `defer`: keep the unfused value
 * and run `defer(which)` (which: 0 for cos, 1 for sin) with an i32 on the stack, 1 when rejected and 0 when
 * accepted, that must see to it that the helper's value replaces the kept one later (e.g. by noting the index
 * for a fix-up loop; rejections are a few percent, and a loop over them overlaps their long latencies).
 */
export type SinCosRejection = { call: true } | { defer: (which: 0 | 1) => number[] };

/**
 * Code that sets locals `cos` and `sin` to cos64(x) and sin64(x) of f64 local `x`, bit for bit; `tableAddress`
 * is where writeSinCosTable put the table.
 */
export function sinCosInline(
  x: number,
  cos: number,
  sin: number,
  scratch: SinCosLocals,
  funcs: SinCosFuncs,
  tableAddress: number,
  rejection: SinCosRejection = { call: true },
): number[] {
  const [AX, NODE, R, XX, P, S, C, COR, D, UP, SN, SSN, CS, CCS, X2, T2] = scratch.f64;
  const K = scratch.i32;
  const [COS_EXACT, SIN_EXACT] = [funcs.firstHelper + 1, funcs.firstHelper + 2];
  const X = loc(x);
  const table = (slot: number): number[] => [...ins.get(K), ...ins.mem(OP.f64Load, 3, tableAddress + 8 * slot)];
  const two = (e: number): Ex => num(2 ** e);
  // A fast stage's value head + (tail + d), accepted when head + (tail - d) rounds the same.
  const accepted = (head: Ex, tail: Ex, d: Ex): Ex => [
    ...assign(D, d),
    ...assign(UP, add(head, add(tail, loc(D)))),
    ...eq(loc(UP), add(head, sub(tail, loc(D)))),
  ];
  /** Sets `out` to the stage's value (through `result`, e.g. a sign flip of UP), or the helper's if rejected. */
  const stage = (out: number, head: Ex, tail: Ex, d: Ex, result: Ex, exact: number, which: 0 | 1): number[] =>
    'call' in rejection
      ? [...ifElse(accepted(head, tail, d), result, call(exact, X)), ...ins.set(out)]
      : [...accepted(head, tail, d), OP.i32Eqz, ...result, ...ins.set(out), ...rejection.defer(which)];
  // sin_cos.ts's doSinFast for |x| < 0.126 with dx = 0: m = poly·x, t = xx·m (its + dx, which turns −0 into +0,
  // cannot matter because |x| ≥ 2^-26).
  const sinSmall = (): number[] => [
    ...assign(X2, mul(X, X)),
    ...assign(T2, mul(loc(X2), mul(add(mul(loc(X2), add(mul(loc(X2), add(mul(loc(X2), add(mul(loc(X2), num(S5)), num(S4))), num(S3))), num(S2))), num(S1)), X))), // prettier-ignore
    ...stage(sin, X, loc(T2), mul(two(-49), abs(loc(T2))), loc(UP), SIN_EXACT, 1),
  ];
  // doSinFast's table stage: with dx = ±0, its s and c equal doCosFast's (shown in the tests' edge cases).
  const sinTabled = (): number[] => [
    ...assign(COR, add(sub(add(loc(SSN), mul(loc(S), loc(CCS))), mul(loc(C), loc(SN))), mul(loc(S), loc(CS)))),
    ...stage(
      sin,
      loc(SN),
      loc(COR),
      add(add(mul(two(-49), add(abs(loc(C)), abs(loc(P)))), mul(two(-50), abs(loc(S)))), two(-100)),
      pick(lt(X, num(0)), neg(loc(UP)), loc(UP)),
      SIN_EXACT,
      1,
    ),
  ];
  const sinBranching = [
    ...lt(loc(AX), num(0.126)), OP.if, OP.void, ...sinSmall(), OP.else, ...sinTabled(), OP.end,
  ]; // prettier-ignore
  const fast = [
    ...assign(NODE, sub(add(num(BIG), loc(AX)), num(BIG))),
    ...mul(loc(NODE), num(4096)), I32_TRUNC_F64_S, ...ins.set(K),
    ...assign(SN, table(0)), ...assign(SSN, table(1)), ...assign(CS, table(2)), ...assign(CCS, table(3)),
    ...assign(R, sub(loc(AX), loc(NODE))),
    ...assign(XX, mul(loc(R), loc(R))),
    ...assign(P, mul(loc(R), loc(XX))),
    ...assign(S, add(mul(loc(P), add(mul(loc(XX), num(SN5)), num(SN3))), loc(R))),
    ...assign(C, mul(loc(XX), add(mul(loc(XX), add(mul(loc(XX), num(CS6)), num(CS4))), num(CS2)))),
    // doCosFast(x, 0)
    ...assign(COR, sub(sub(sub(loc(CCS), mul(loc(S), loc(SSN))), mul(loc(C), loc(CS))), mul(loc(S), loc(SN)))),
    ...stage(
      cos,
      loc(CS),
      loc(COR),
      add(add(mul(two(-49), abs(loc(C))), mul(two(-50), abs(loc(S)))), two(-100)),
      loc(UP),
      COS_EXACT,
      0,
    ),
    ...sinBranching,
  ]; // prettier-ignore
  const inRange = [...loc(AX), ...num(SIN_TINY), F64_OP.ge, ...loc(AX), ...num(SMALL), OP.f64Lt, OP.i32And];
  return [
    ...assign(AX, abs(X)),
    ...inRange,
    OP.if, OP.void,
    ...fast,
    OP.else,
    ...assign(cos, call(funcs.cosImport, X)),
    ...assign(sin, call(funcs.sinImport, X)),
    OP.end,
  ]; // prettier-ignore
}

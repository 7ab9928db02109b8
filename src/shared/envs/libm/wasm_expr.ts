/**
 * Tiny combinators that write WebAssembly arithmetic as nested expressions (each returns the code that leaves one
 * value on the stack), so that ported formulas read like their source: `add(mul(loc(A), num(2)), loc(B))`.
 * Scalar f64 and the 128-bit SIMD f64x2 forms; the SIMD opcodes are those of the finished fixed-width SIMD
 * proposal (WebAssembly 2.0), which every current engine runs.
 */
import { OP, T, ins, uleb } from '../../rng/wasm_encoding.js';

/** A WebAssembly expression: code that leaves one value on the stack. */
export type Ex = number[];

/** The v128 value type and the opcodes beyond wasm_encoding's list. */
export const V128 = 0x7b;
export const F64_OP = { eq: 0x61, ne: 0x62, le: 0x65, ge: 0x66, abs: 0x99, neg: 0x9a } as const;
export const I32_OP = { shrU: 0x76, truncF64S: 0xaa, load16U: 0x2f, store16: 0x3b } as const;

export const num = (v: number): Ex => ins.f64(v);
export const loc = (i: number): Ex => ins.get(i);
const bin =
  (...op: number[]) =>
  (a: Ex, b: Ex): Ex => [...a, ...b, ...op];
export const add = bin(OP.f64Add);
export const sub = bin(OP.f64Sub);
export const mul = bin(OP.f64Mul);
export const div = bin(OP.f64Div);
export const lt = bin(OP.f64Lt);
export const le = bin(F64_OP.le);
export const eq = bin(F64_OP.eq);
export const abs = (a: Ex): Ex => [...a, F64_OP.abs];
export const neg = (a: Ex): Ex => [...a, F64_OP.neg];
export const call = (f: number, ...args: Ex[]): Ex => [...args.flat(), OP.call, ...uleb(f)];
export const assign = (l: number, e: Ex): number[] => [...e, ...ins.set(l)];
/** `cond ? a : b` (both evaluated; f64 or i32 values). */
export const pick = (cond: Ex, a: Ex, b: Ex): Ex => [...a, ...b, ...cond, OP.select];
/** `cond ? a : b` for f64 values, only one evaluated. */
export const ifElse = (cond: Ex, a: Ex, b: Ex): Ex => [...cond, OP.if, T.f64, ...a, OP.else, ...b, OP.end];

/** A SIMD instruction: the 0xfd prefix and the opcode in LEB128. */
export const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const vbin =
  (op: number) =>
  (a: Ex, b: Ex): Ex => [...a, ...b, ...simd(op)];
/** f64x2 lane-wise arithmetic and comparisons (comparisons give all-ones or all-zeros lanes). */
export const v = {
  /** Both lanes `value`. */
  num: (value: number): Ex => [...simd(0x0c), ...new Uint8Array(new Float64Array([value, value]).buffer)],
  add: vbin(0xf0),
  sub: vbin(0xf1),
  mul: vbin(0xf2),
  div: vbin(0xf3),
  abs: (a: Ex): Ex => [...a, ...simd(0xec)],
  neg: (a: Ex): Ex => [...a, ...simd(0xed)],
  eq: vbin(0x47),
  lt: vbin(0x49),
  gt: vbin(0x4a),
  ge: vbin(0x4c),
  and: vbin(0x4e),
  or: vbin(0x50),
  /** Lanes of `a` where `mask` is set, else of `b`. */
  select: (mask: Ex, a: Ex, b: Ex): Ex => [...a, ...b, ...mask, ...simd(0x52)],
  /** i32: 1 when both 64-bit lanes are non-zero. */
  allTrue: (a: Ex): Ex => [...a, ...simd(0xc3)],
  /** i32: bit j set when lane j's sign bit is (so, for a mask, when lane j is all-ones). */
  bitmask: (a: Ex): Ex => [...a, ...simd(0xc4)],
  /** f64 lane j. */
  lane: (a: Ex, j: 0 | 1): Ex => [...a, ...simd(0x21), j],
  /** [a lane 0, b lane 0] and [a lane 1, b lane 1]. */
  low: (a: Ex, b: Ex): Ex => [...a, ...b, ...simd(0x0d), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23],
  high: (a: Ex, b: Ex): Ex => [...a, ...b, ...simd(0x0d), 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31], // prettier-ignore
  /** i32x4 [trunc(lane 0), trunc(lane 1), 0, 0] (saturating). */
  truncI32: (a: Ex): Ex => [...a, ...simd(0xfc)],
  /** i32 lane j of an i32x4. */
  i32Lane: (a: Ex, j: number): Ex => [...a, ...simd(0x1b), j],
  /** f64x2 of the low two i32 lanes. */
  fromI32: (a: Ex): Ex => [...a, ...simd(0xfe)],
  /** f32x4 [f32(lane 0), f32(lane 1), 0, 0]. */
  demote: (a: Ex): Ex => [...a, ...simd(0x5e)],
  /** 32-bit lanes [a0, b0, a1, b1] and [a2, b2, ...] style interleaves, by byte shuffle. */
  shuffle: (a: Ex, b: Ex, lanes32: readonly number[]): Ex => [
    ...a,
    ...b,
    ...simd(0x0d),
    ...lanes32.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]),
  ],
  /** Memory access at the i32 address `at` plus `offset`. */
  load: (at: Ex, offset = 0): Ex => [...at, ...simd(0x00), 3, ...uleb(offset)],
  store: (at: Ex, value: Ex, offset = 0): Ex => [...at, ...value, ...simd(0x0b), 3, ...uleb(offset)],
  /** v128 with the 8 bytes at `at` in the low half, zeros above. */
  load64: (at: Ex): Ex => [...at, ...simd(0x5d), 3, 0],
};

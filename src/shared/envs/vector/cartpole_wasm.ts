/**
 * The WebAssembly CartPole kernel, assembled here from opcodes, in two builds: one with 128-bit SIMD that steps
 * sub-envs in pairs (f64x2 lanes), and a scalar MVP one for engines without SIMD. Both evaluate cartpole.py's
 * expressions in the same order in IEEE-754 doubles and glibc's sin/cos through src/shared/envs/libm's WebAssembly
 * port, so they produce the same bits as the JavaScript kernel, the single env and Gymnasium (see the tests).
 *
 * One call: (0) validate every action; (1) cos/sin of every running sub-env (the SIMD build takes finished ones
 * along, unused) by the fast unfused stages, noting those a stage could not vouch for; (1b) glibc's fused stages for the noted ones (a few percent; in a loop of
 * their own their long latencies overlap, and pass 1 never waits on them); (2) per sub-env: if its episode ended
 * at the previous call, restart it (next-step autoreset: four PCG64 uniform draws from its own generator, exactly
 * NumPy's `uniform(-0.05, 0.05, 4)`) or, with autoreset off, leave it be with reward 0; else step the dynamics.
 * The SIMD build steps a pair with the scalar code when either member ended its episode.
 */
import { cos64, sin64 } from '../libm/sin_cos.js';
import { SIN_COS_F64_LOCALS, SIN_COS_TABLE_BYTES, sinCosHelpers, sinCosInline, writeSinCosTable } from '../libm/sin_cos_wasm.js'; // prettier-ignore
import { SIN_COS_X2_LOCALS, sinCosInRangeX2, sinCosInlineX2 } from '../libm/sin_cos_wasm_simd.js';
import { I32_OP, V128, add, assign, div, loc, mul, num, sub, v } from '../libm/wasm_expr.js';
import type { Ex } from '../libm/wasm_expr.js';
import { OP, T, assemble, ins, wasmHost } from '../../rng/wasm_encoding.js';
import { FORCE_MAG, GRAVITY, KEYS, LENGTH, MASS_POLE, POLEMASS_LENGTH, RESET_HIGH, RESET_LOW, TAU, THETA_THRESHOLD, TOTAL_MASS, X_THRESHOLD, layout, views } from './cartpole_kernel.js'; // prettier-ignore
import type { CartPoleArrays, CartPoleKernel, Key } from './cartpole_kernel.js';

// PCG64's multiplier as 64-bit halves, and the low half split again for the 64x64 -> high-64 product.
const MULT = 0x2360ed051fc65da44385df649fccf645n;
const MULT_HI = MULT >> 64n;
const MULT_LO = MULT & 0xffffffffffffffffn;
const I64 = {
  load: 0x29,
  store: 0x37,
  ltU: 0x54,
  add: 0x7c,
  and: 0x83,
  xor: 0x85,
  shrU: 0x88,
  rotr: 0x8a,
  f64ConvertU: 0xba,
  i32GtU: 0x4b,
  return: 0x0f,
} as const;

// The kernel's memory: glibc's sin/cos table, the f64x2 constants of the SIMD build, then the arrays.
const TABLE_ADDRESS = 0;
const CONSTANTS_ADDRESS = Math.ceil((TABLE_ADDRESS + SIN_COS_TABLE_BYTES) / 16) * 16;
const MAX_CONSTANTS = 64;
const ARRAYS_ADDRESS = Math.ceil((CONSTANTS_ADDRESS + 16 * MAX_CONSTANTS) / 64) * 64;
// Imports cos (0) and sin (1), then the defined functions: step (2) and the trigonometry helpers.
const TRIG_FUNCS = { cosImport: 0, sinImport: 1, firstHelper: 3 };
const COS_EXACT = TRIG_FUNCS.firstHelper + 1;
const SIN_EXACT = TRIG_FUNCS.firstHelper + 2;

/** The arithmetic of one step, for f64 scalars or f64x2 pairs alike. */
interface Arith {
  add(a: Ex, b: Ex): Ex;
  sub(a: Ex, b: Ex): Ex;
  mul(a: Ex, b: Ex): Ex;
  div(a: Ex, b: Ex): Ex;
  num(value: number): Ex;
}
const SCALAR: Arith = { add, sub, mul, div, num };

/** cartpole.py's step on locals holding the state, force, cos and sin; leaves the new state in the state locals. */
function dynamics(
  a: Arith,
  l: Record<'X' | 'XD' | 'TH' | 'TD' | 'FORCE' | 'COS' | 'SIN' | 'TEMP' | 'THACC' | 'XACC', number>,
): number[] {
  const g = loc;
  const k = a.num;
  return [
    // temp = (force + polemass_length * theta_dot**2 * sintheta) / total_mass
    ...assign(l.TEMP, a.div(a.add(g(l.FORCE), a.mul(a.mul(k(POLEMASS_LENGTH), a.mul(g(l.TD), g(l.TD))), g(l.SIN))), k(TOTAL_MASS))), // prettier-ignore
    // thetaacc = (gravity * sintheta - costheta * temp) / (length * (4/3 - masspole * costheta**2 / total_mass))
    ...assign(l.THACC, a.div(
      a.sub(a.mul(k(GRAVITY), g(l.SIN)), a.mul(g(l.COS), g(l.TEMP))),
      a.mul(k(LENGTH), a.sub(k(4.0 / 3.0), a.div(a.mul(k(MASS_POLE), a.mul(g(l.COS), g(l.COS))), k(TOTAL_MASS)))),
    )), // prettier-ignore
    // xacc = temp - polemass_length * thetaacc * costheta / total_mass
    ...assign(l.XACC, a.sub(g(l.TEMP), a.div(a.mul(a.mul(k(POLEMASS_LENGTH), g(l.THACC)), g(l.COS)), k(TOTAL_MASS)))),
    // Euler: positions advance with the old velocities.
    ...assign(l.X, a.add(g(l.X), a.mul(k(TAU), g(l.XD)))),
    ...assign(l.XD, a.add(g(l.XD), a.mul(k(TAU), g(l.XACC)))),
    ...assign(l.TH, a.add(g(l.TH), a.mul(k(TAU), g(l.TD)))),
    ...assign(l.TD, a.add(g(l.TD), a.mul(k(TAU), g(l.THACC)))),
  ];
}

/** Locals of one PCG64 draw: P holds the generator's address, the i64 ones are scratch. */
interface PcgLocals {
  P: number;
  SH: number;
  SL: number;
  A0: number;
  A1: number;
  P01: number;
  P10: number;
  LO: number;
  HI: number;
}

/**
 * Advances the PCG64 generator at address P (state high, state low, inc high, inc low as u64) and leaves NumPy's
 * `next_double` of its output on the stack.
 */
function nextDouble(l: PcgLocals): number[] {
  const { get, set, tee, i64, f64, mem } = ins;
  const { P, SH, SL, A0, A1, P01, P10, LO, HI } = l;
  const lo32 = (x: number): number[] => [...get(x), ...i64(0xffffffff), I64.and];
  const hi32 = (x: number): number[] => [...get(x), ...i64(32), I64.shrU];
  return [
    ...get(P), ...mem(I64.load, 3, 0), ...set(SH),
    ...get(P), ...mem(I64.load, 3, 8), ...set(SL),
    // High 64 bits of SL * MULT_LO from 32-bit halves: a1*b1 + hi(a0*b1) + hi(a1*b0) + hi(hi(a0*b0) + lo + lo).
    ...lo32(SL), ...set(A0), ...hi32(SL), ...set(A1),
    ...get(A0), ...i64(MULT_LO >> 32n), OP.i64Mul, ...set(P01),
    ...get(A1), ...i64(MULT_LO & 0xffffffffn), OP.i64Mul, ...set(P10),
    ...get(A1), ...i64(MULT_LO >> 32n), OP.i64Mul,
    ...hi32(P01), I64.add, ...hi32(P10), I64.add,
    ...get(A0), ...i64(MULT_LO & 0xffffffffn), OP.i64Mul, ...i64(32), I64.shrU,
    ...lo32(P01), I64.add, ...lo32(P10), I64.add, ...i64(32), I64.shrU, I64.add,
    // + SH * MULT_LO + SL * MULT_HI (mod 2^64), then + inc with the carry out of the low half.
    ...get(SH), ...i64(MULT_LO), OP.i64Mul, I64.add,
    ...get(SL), ...i64(MULT_HI), OP.i64Mul, I64.add,
    ...get(P), ...mem(I64.load, 3, 16), I64.add, ...set(HI),
    ...get(SL), ...i64(MULT_LO), OP.i64Mul, ...tee(SL),
    ...get(P), ...mem(I64.load, 3, 24), I64.add, ...tee(LO),
    ...get(SL), I64.ltU, OP.i64ExtendI32U, ...get(HI), I64.add, ...set(HI),
    ...get(P), ...get(HI), ...mem(I64.store, 3, 0),
    ...get(P), ...get(LO), ...mem(I64.store, 3, 8),
    // XSL-RR output, then next_double = (out >> 11) * 2^-53.
    ...get(HI), ...get(LO), I64.xor, ...get(HI), ...i64(58), I64.shrU, I64.rotr,
    ...i64(11), I64.shrU, I64.f64ConvertU, ...f64(2 ** -53), OP.f64Mul,
  ]; // prettier-ignore
}

/**
 * `draws(count, P, out)`: `count` next_double values of the PCG64 generator at address P into the f64 array at
 * `out`, advancing it; what the shared-generator autoreset needs without a round trip through JS's generator.
 */
function drawsFunc(): { exportName: string; params: number[]; results: number[]; locals: number[]; code: number[] } {
  const { get, set, i32, mem } = ins;
  const [COUNT, P, OUT, I] = [0, 1, 2, 3];
  const [SH, SL, A0, A1, P01, P10, LO, HI] = [4, 5, 6, 7, 8, 9, 10, 11];
  const code = [
    ...i32(0), ...set(I),
    OP.block, OP.void, OP.loop, OP.void,
    ...get(I), ...get(COUNT), OP.i32GeU, OP.brIf, 1,
    ...get(OUT), ...get(I), ...i32(3), OP.i32Shl, OP.i32Add,
    ...nextDouble({ P, SH, SL, A0, A1, P01, P10, LO, HI }),
    ...mem(OP.f64Store, 3),
    ...get(I), ...i32(1), OP.i32Add, ...set(I),
    OP.br, 0,
    OP.end, OP.end,
  ]; // prettier-ignore
  return {
    exportName: 'draws',
    params: [T.i32, T.i32, T.i32],
    results: [],
    locals: [T.i32, ...new Array<number>(8).fill(T.i64)],
    code,
  };
}

/**
 * The kernel: `step(n, limit, autoreset, ...offsets in KEYS order) → 0 | i + 1`, SIMD when `simd`, and the f64x2
 * constants it expects at CONSTANTS_ADDRESS (both lanes each).
 */
function kernelBytes(simd: boolean): { bytes: Uint8Array; constants: number[] } {
  const { get, set, tee, i32, i64, f64, mem } = ins;
  const [N, LIMIT, AUTORESET] = [0, 1, 2];
  const off = (k: Key): number => 3 + KEYS.indexOf(k);
  let next = 3 + KEYS.length;
  const local = (): number => next++;
  const [I, IX, A8, D, S, TERM, P, J, E, K0, K1, M, FIXC, FIXS, CNTC, CNTS] = Array.from({ length: 16 }, local);
  const i32Count = next - (3 + KEYS.length);
  const [SH, SL, A0, A1, P01, P10, LO, HI] = Array.from({ length: 8 }, local);
  const i64Count = 8;
  const state = { X: local(), XD: local(), TH: local(), TD: local(), COS: local(), SIN: local() };
  const work = { FORCE: local(), TEMP: local(), THACC: local(), XACC: local() };
  const { X, XD, TH, TD, COS, SIN } = state;
  const trig = { f64: Array.from({ length: SIN_COS_F64_LOCALS }, local), i32: K0 };
  const f64Count = 10 + SIN_COS_F64_LOCALS;
  const pair = { X: local(), XD: local(), TH: local(), TD: local(), COS: local(), SIN: local() };
  const pairWork = { FORCE: local(), TEMP: local(), THACC: local(), XACC: local() };
  const [OKC, OKS] = [local(), local()];
  const trigX2 = { v128: Array.from({ length: SIN_COS_X2_LOCALS.v128 }, local), i32: [K0, K1] };
  const v128Count = 12 + SIN_COS_X2_LOCALS.v128;
  // f64x2 constants are loaded from memory: one instruction, where V8 materialises a v128.const in three.
  const constants: number[] = [];
  const vnum = (value: number): Ex => {
    let j = constants.findIndex((c) => Object.is(c, value));
    if (j < 0) j = constants.push(value) - 1;
    if (j >= MAX_CONSTANTS) throw new Error('cartpole_wasm: raise MAX_CONSTANTS');
    return v.load(i32(0), CONSTANTS_ADDRESS + 16 * j);
  };
  const PAIR: Arith = { ...v, num: vnum };

  // Address of array k's element for sub-env `idx` (A8 = 8 idx must be set for 8-byte elements).
  const at = (k: Key, shift: 0 | 2 | 3, idx = I): number[] =>
    shift === 0
      ? [...get(off(k)), ...get(idx), OP.i32Add]
      : shift === 3
        ? [...get(off(k)), ...get(A8), OP.i32Add]
        : [...get(off(k)), ...get(idx), ...i32(2), OP.i32Shl, OP.i32Add];
  const setA8 = (idx: number): number[] => [...get(idx), ...i32(3), OP.i32Shl, ...set(A8)];
  const obsStore = (slot: number, value: number): number[] => [
    ...get(off('obs')), ...get(A8), ...get(A8), OP.i32Add, OP.i32Add, // obs + 16 i
    ...get(value), OP.f32DemoteF64, ...mem(OP.f32Store, 2, 4 * slot),
  ]; // prettier-ignore
  // One PCG64 draw for the generator at address P, as NumPy's uniform(low, high): low + (high - low) * next_double.
  const uniform = [
    ...f64(RESET_LOW), ...f64(RESET_HIGH - RESET_LOW),
    ...nextDouble({ P, SH, SL, A0, A1, P01, P10, LO, HI }),
    OP.f64Mul, OP.f64Add,
  ]; // prettier-ignore
  /** `body` for I = 0, step, 2 step, … while I + step ≤ N; I is left at the first index not covered. */
  const loop = (body: number[], step = 1): number[] => [
    ...i32(0), ...set(I),
    OP.block, OP.void, OP.loop, OP.void,
    ...get(I), ...i32(step), OP.i32Add, ...get(N), I64.i32GtU, OP.brIf, 1,
    ...body,
    ...get(I), ...i32(step), OP.i32Add, ...set(I),
    OP.br, 0,
    OP.end, OP.end,
  ]; // prettier-ignore
  /** `body` once more if a single sub-env is left after a loop of pairs. */
  const tail = (body: number[]): number[] => [...get(I), ...get(N), OP.i32LtU, OP.if, OP.void, ...body, OP.end];
  // Appends idx to the fix-up list of cos (which = 0, from `fix` on) or sin (1, from `fix` + 4 N on) when the
  // i32 on the stack is 1. The entry is written either way; only a rejection advances the count past it.
  const noteFix = (idx: number, which: 0 | 1): number[] => {
    const [list, count] = which === 0 ? [FIXC, CNTC] : [FIXS, CNTS];
    return [
      ...set(E),
      ...get(list), ...get(count), ...i32(2), OP.i32Shl, OP.i32Add, ...get(idx), ...mem(OP.i32Store, 2),
      ...get(count), ...get(E), OP.i32Add, ...set(count),
    ]; // prettier-ignore
  };
  // Pass 1b for one list: out[i] = helper(theta[i]) for each noted i.
  const fixUp = (list: number, count: number, helper: number, out: Key): number[] => [
    ...i32(0), ...set(J),
    OP.block, OP.void, OP.loop, OP.void,
    ...get(J), ...get(count), OP.i32GeU, OP.brIf, 1,
    ...get(list), ...get(J), ...i32(2), OP.i32Shl, OP.i32Add, ...mem(OP.i32Load, 2), ...i32(3), OP.i32Shl, ...set(A8),
    ...at(out, 3), ...at('theta', 3), ...mem(OP.f64Load, 3), OP.call, helper, ...mem(OP.f64Store, 3),
    ...get(J), ...i32(1), OP.i32Add, ...set(J),
    OP.br, 0,
    OP.end, OP.end,
  ]; // prettier-ignore

  // Pass 1 for sub-env idx, scalar.
  const trigOne = (idx: number): number[] => [
    ...at('done', 0, idx), ...mem(OP.i32Load8U, 0), OP.i32Eqz,
    OP.if, OP.void,
    ...setA8(idx),
    ...at('theta', 3), ...mem(OP.f64Load, 3), ...set(TH),
    ...sinCosInline(TH, COS, SIN, trig, TRIG_FUNCS, TABLE_ADDRESS, { defer: (which) => noteFix(idx, which) }),
    ...at('cos', 3), ...get(COS), ...mem(OP.f64Store, 3),
    ...at('sin', 3), ...get(SIN), ...mem(OP.f64Store, 3),
    OP.end,
  ]; // prettier-ignore
  // Pass 1 for the pair I, I + 1 (running or not: a finished one's values go unused).
  const trigPair = [
    ...setA8(I),
    ...assign(pair.TH, v.load(at('theta', 3))),
    ...sinCosInRangeX2(pair.TH, vnum),
    OP.if, OP.void,
    ...sinCosInlineX2(pair.TH, { cos: pair.COS, sin: pair.SIN, okCos: OKC, okSin: OKS }, trigX2, TABLE_ADDRESS, vnum),
    ...v.store(at('cos', 3), loc(pair.COS)),
    ...v.store(at('sin', 3), loc(pair.SIN)),
    // M: bits 0-1 cos accepted in lanes 0-1, bits 2-3 sin; note the rejected ones.
    ...v.bitmask(loc(OKC)), ...v.bitmask(loc(OKS)), ...i32(2), OP.i32Shl, OP.i32Or, ...tee(M),
    ...i32(15), OP.i32Xor,
    OP.if, OP.void,
    ...get(I), ...i32(1), OP.i32Add, ...set(IX),
    ...([[I, 0, 0], [IX, 0, 1], [I, 1, 2], [IX, 1, 3]] as const).flatMap(([idx, which, bit]) => [
      ...get(M), ...i32(bit), I32_OP.shrU, ...i32(1), OP.i32And, ...i32(1), OP.i32Xor, ...noteFix(idx, which),
    ]),
    OP.end,
    OP.else,
    // Some lane outside the fast range: lane by lane.
    ...trigOne(I),
    ...get(I), ...i32(1), OP.i32Add, ...set(IX),
    ...trigOne(IX),
    OP.end,
  ]; // prettier-ignore

  // Pass 2 for sub-env idx, scalar.
  const stepOne = (idx: number): number[] => [
    OP.block, OP.void,
    ...setA8(idx),
    ...at('done', 0, idx), ...mem(OP.i32Load8U, 0), ...tee(D),
    OP.if, OP.void,
    ...get(AUTORESET),
    OP.if, OP.void,
    ...get(off('pcg')), ...get(idx), ...i32(5), OP.i32Shl, OP.i32Add, ...set(P),
    ...uniform, ...set(X), ...uniform, ...set(XD), ...uniform, ...set(TH), ...uniform, ...set(TD),
    ...at('x', 3), ...get(X), ...mem(OP.f64Store, 3),
    ...at('xDot', 3), ...get(XD), ...mem(OP.f64Store, 3),
    ...at('theta', 3), ...get(TH), ...mem(OP.f64Store, 3),
    ...at('thetaDot', 3), ...get(TD), ...mem(OP.f64Store, 3),
    ...obsStore(0, X), ...obsStore(1, XD), ...obsStore(2, TH), ...obsStore(3, TD),
    ...at('steps', 2, idx), ...i32(0), ...mem(OP.i32Store, 2),
    ...at('terminated', 0, idx), ...i32(0), ...mem(OP.i32Store8, 0),
    ...at('truncated', 0, idx), ...i32(0), ...mem(OP.i32Store8, 0),
    ...at('done', 0, idx), ...i32(0), ...mem(OP.i32Store8, 0),
    OP.end,
    ...at('rewards', 3), ...f64(0), ...mem(OP.f64Store, 3),
    OP.br, 1, // out of the block: next sub-env
    OP.end,
    ...at('x', 3), ...mem(OP.f64Load, 3), ...set(X),
    ...at('xDot', 3), ...mem(OP.f64Load, 3), ...set(XD),
    ...at('theta', 3), ...mem(OP.f64Load, 3), ...set(TH),
    ...at('thetaDot', 3), ...mem(OP.f64Load, 3), ...set(TD),
    ...at('cos', 3), ...mem(OP.f64Load, 3), ...set(COS),
    ...at('sin', 3), ...mem(OP.f64Load, 3), ...set(SIN),
    // force = actions[i] == 1 ? FORCE_MAG : -FORCE_MAG
    ...f64(FORCE_MAG), ...f64(-FORCE_MAG), ...at('actions', 2, idx), ...mem(OP.i32Load, 2), ...i32(1), OP.i32Eq,
    OP.select, ...set(work.FORCE),
    ...dynamics(SCALAR, { ...state, ...work }),
    ...at('x', 3), ...get(X), ...mem(OP.f64Store, 3),
    ...at('xDot', 3), ...get(XD), ...mem(OP.f64Store, 3),
    ...at('theta', 3), ...get(TH), ...mem(OP.f64Store, 3),
    ...at('thetaDot', 3), ...get(TD), ...mem(OP.f64Store, 3),
    ...obsStore(0, X), ...obsStore(1, XD), ...obsStore(2, TH), ...obsStore(3, TD),
    // term = x < -2.4 | x > 2.4 | theta < -thr | theta > thr
    ...get(X), ...f64(-X_THRESHOLD), OP.f64Lt, ...get(X), ...f64(X_THRESHOLD), OP.f64Gt, OP.i32Or,
    ...get(TH), ...f64(-THETA_THRESHOLD), OP.f64Lt, OP.i32Or, ...get(TH), ...f64(THETA_THRESHOLD), OP.f64Gt,
    OP.i32Or, ...set(TERM),
    // s = ++steps[i]; truncated = s >= limit (independently of terminated, as TimeLimit does)
    ...at('steps', 2, idx), ...at('steps', 2, idx), ...mem(OP.i32Load, 2), ...i32(1), OP.i32Add, ...tee(S),
    ...mem(OP.i32Store, 2),
    ...at('rewards', 3), ...f64(1), ...mem(OP.f64Store, 3),
    ...at('terminated', 0, idx), ...get(TERM), ...mem(OP.i32Store8, 0),
    ...at('truncated', 0, idx), ...get(S), ...get(LIMIT), OP.i32GeS, ...mem(OP.i32Store8, 0),
    ...at('done', 0, idx), ...get(TERM), ...get(S), ...get(LIMIT), OP.i32GeS, OP.i32Or, ...mem(OP.i32Store8, 0),
    OP.end,
  ]; // prettier-ignore

  // Two per-lane flags (bits 0 and 1 of an i32) as the bytes [bit 0, bit 1] of a 16-bit store.
  const bytePair = (bits: number[]): number[] => [
    ...bits, ...i32(1), OP.i32And, ...bits, ...i32(2), OP.i32And, ...i32(7), OP.i32Shl, OP.i32Or,
  ]; // prettier-ignore
  const store16 = (k: Key, value: number[]): number[] => [...at(k, 0), ...value, I32_OP.store16, 1, 0];
  // Pass 2 for the pair I, I + 1: scalar if either episode ended, else both lanes at once.
  const f32Lanes = (a: Ex, b: Ex, lanes: number[]): Ex => v.shuffle(a, b, lanes);
  const stepPair = [
    ...setA8(I),
    ...at('done', 0), I32_OP.load16U, 0, 0,
    OP.if, OP.void,
    ...stepOne(I),
    ...get(I), ...i32(1), OP.i32Add, ...set(IX),
    ...stepOne(IX),
    OP.else,
    ...assign(pair.X, v.load(at('x', 3))),
    ...assign(pair.XD, v.load(at('xDot', 3))),
    ...assign(pair.TH, v.load(at('theta', 3))),
    ...assign(pair.TD, v.load(at('thetaDot', 3))),
    ...assign(pair.COS, v.load(at('cos', 3))),
    ...assign(pair.SIN, v.load(at('sin', 3))),
    // force = action · 20 − 10: exactly ±FORCE_MAG for actions 0 and 1
    ...assign(pairWork.FORCE, v.sub(v.mul(v.fromI32(v.load64(at('actions', 2))), vnum(2 * FORCE_MAG)), vnum(FORCE_MAG))), // prettier-ignore
    ...dynamics(PAIR, { ...pair, ...pairWork }),
    ...v.store(at('x', 3), loc(pair.X)),
    ...v.store(at('xDot', 3), loc(pair.XD)),
    ...v.store(at('theta', 3), loc(pair.TH)),
    ...v.store(at('thetaDot', 3), loc(pair.TD)),
    // obs rows [x, xDot, theta, thetaDot] as float32 for both sub-envs, from the four demoted pairs
    ...assign(pairWork.TEMP, f32Lanes(v.demote(loc(pair.X)), v.demote(loc(pair.XD)), [0, 4, 1, 5])),
    ...assign(pairWork.XACC, f32Lanes(v.demote(loc(pair.TH)), v.demote(loc(pair.TD)), [0, 4, 1, 5])),
    ...v.store([...get(off('obs')), ...get(A8), ...get(A8), OP.i32Add, OP.i32Add], f32Lanes(loc(pairWork.TEMP), loc(pairWork.XACC), [0, 1, 4, 5])), // prettier-ignore
    ...v.store([...get(off('obs')), ...get(A8), ...get(A8), OP.i32Add, OP.i32Add], f32Lanes(loc(pairWork.TEMP), loc(pairWork.XACC), [2, 3, 6, 7]), 16), // prettier-ignore
    // term bits = x < -2.4 | x > 2.4 | theta < -thr | theta > thr, per lane
    ...v.bitmask(v.or(
      v.or(v.lt(loc(pair.X), vnum(-X_THRESHOLD)), v.gt(loc(pair.X), vnum(X_THRESHOLD))),
      v.or(v.lt(loc(pair.TH), vnum(-THETA_THRESHOLD)), v.gt(loc(pair.TH), vnum(THETA_THRESHOLD))),
    )), ...set(TERM), // prettier-ignore
    // both steps counters + 1 in one 64-bit word (each stays below 2^31, so no carry crosses), then truncation bits
    ...at('steps', 2), ...at('steps', 2), ...mem(I64.load, 2), ...i64(0x100000001), I64.add, ...set(SL),
    ...get(SL), ...mem(I64.store, 2),
    ...get(SL), OP.i32WrapI64, ...get(LIMIT), OP.i32GeS,
    ...get(SL), ...i64(32), I64.shrU, OP.i32WrapI64, ...get(LIMIT), OP.i32GeS, ...i32(1), OP.i32Shl, OP.i32Or,
    ...set(S),
    ...v.store(at('rewards', 3), vnum(1)),
    ...store16('terminated', bytePair(get(TERM))),
    ...store16('truncated', bytePair(get(S))),
    ...store16('done', bytePair([...get(TERM), ...get(S), OP.i32Or])),
    OP.end,
  ]; // prettier-ignore

  const code = [
    // Pass 0: every action must be 0 or 1.
    ...loop([
      ...at('actions', 2), ...mem(OP.i32Load, 2), ...i32(1), I64.i32GtU,
      OP.if, OP.void, ...get(I), ...i32(1), OP.i32Add, I64.return, OP.end,
    ]),
    // Pass 1: trigonometry by the fast stages.
    ...get(off('fix')), ...set(FIXC),
    ...get(off('fix')), ...get(N), ...i32(2), OP.i32Shl, OP.i32Add, ...set(FIXS),
    ...i32(0), ...set(CNTC), ...i32(0), ...set(CNTS),
    ...(simd ? [...loop(trigPair, 2), ...tail(trigOne(I))] : loop(trigOne(I))),
    // Pass 1b: glibc's fused stages where the unfused ones could round differently.
    ...fixUp(FIXC, CNTC, COS_EXACT, 'cos'),
    ...fixUp(FIXS, CNTS, SIN_EXACT, 'sin'),
    // Pass 2: restarts and dynamics.
    ...(simd ? [...loop(stepPair, 2), ...tail(stepOne(I))] : loop(stepOne(I))),
    ...i32(0),
  ]; // prettier-ignore
  const unary = { params: [T.f64], results: [T.f64] };
  const bytes = assemble({
    importedFuncs: [
      { module: 'm', name: 'cos', ...unary },
      { module: 'm', name: 'sin', ...unary },
    ],
    memory: { import: { module: 'm', name: 'mem' }, minPages: 1 },
    funcs: [
      {
        exportName: 'step',
        params: new Array<number>(3 + KEYS.length).fill(T.i32),
        results: [T.i32],
        locals: [
          ...new Array<number>(i32Count).fill(T.i32),
          ...new Array<number>(i64Count).fill(T.i64),
          ...new Array<number>(f64Count).fill(T.f64),
          ...new Array<number>(simd ? v128Count : 0).fill(V128),
        ],
        code,
      },
      ...sinCosHelpers(TABLE_ADDRESS),
      // Last, so the helpers keep the indices the step function calls them by.
      drawsFunc(),
    ],
  });
  return { bytes, constants };
}

/** `count` of NumPy's `next_double` from the PCG64 state in the first slot of `pcg`, into `out`. */
export type NextDoubles = (count: number, out: Float64Array) => void;

/** Each build's compiled module and constants; null where the engine refused it. */
const compiled: Partial<Record<'simd' | 'mvp', { module: object; constants: number[] } | null>> = {};

/**
 * A WebAssembly kernel with its own memory sized for n sub-envs: the SIMD build where the engine has SIMD (unless
 * `simd` is false), else the scalar one; undefined where WebAssembly is unavailable or refuses both (then use
 * `jsKernel`). Its autoresets draw from the PCG64 states in `pcg`.
 */
export function wasmKernel(
  n: number,
  simd = true,
): { kernel: CartPoleKernel; arrays: CartPoleArrays; simd: boolean; nextDoubles: NextDoubles } | undefined {
  const host = wasmHost();
  if (host === undefined) return undefined;
  let found: { module: object; constants: number[] } | null = null;
  let build: 'simd' | 'mvp' = 'mvp';
  for (const b of simd ? (['simd', 'mvp'] as const) : (['mvp'] as const)) {
    if (compiled[b] === undefined) {
      try {
        const { bytes, constants } = kernelBytes(b === 'simd');
        compiled[b] = { module: new host.Module(bytes), constants };
      } catch {
        compiled[b] = null;
      }
    }
    found = compiled[b] ?? null;
    build = b;
    if (found !== null) break;
  }
  if (found === null) return undefined;
  const { module, constants } = found;
  const { offsets, bytes } = layout(n, ARRAYS_ADDRESS);
  const memory = new host.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  writeSinCosTable(memory.buffer, TABLE_ADDRESS);
  new Float64Array(memory.buffer, CONSTANTS_ADDRESS, 2 * constants.length).set(constants.flatMap((c) => [c, c]));
  // glibc-exact sin/cos from JS for the arguments the inlined ones leave to it (none while a pole is up).
  const instance = new host.Instance(module, { m: { cos: cos64, sin: sin64, mem: memory } });
  const step = instance.exports.step as (...args: number[]) => number;
  const o = KEYS.map((k) => offsets[k]);
  const kernel: CartPoleKernel = (count, limit, autoreset) =>
    step(count, limit, autoreset ? 1 : 0, o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9], o[10], o[11], o[12], o[13], o[14]); // prettier-ignore
  // The kernel's cos/sin scratch (2n f64, adjacent) is free between calls: draws land there in chunks.
  const drawsFn = instance.exports.draws as (count: number, p: number, out: number) => void;
  const scratch = new Float64Array(memory.buffer, offsets.cos, 2 * n);
  const nextDoubles: NextDoubles = (count, out) => {
    for (let done = 0; done < count;) {
      const m = Math.min(count - done, 2 * n);
      drawsFn(m, offsets.pcg, offsets.cos);
      out.set(scratch.subarray(0, m), done);
      done += m;
    }
  };
  return { kernel, arrays: views(memory.buffer, n, ARRAYS_ADDRESS), simd: build === 'simd', nextDoubles };
}

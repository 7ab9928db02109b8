/**
 * Philox4x32-10 over a run of consecutive counters, as a tiny WebAssembly module assembled here from opcodes.
 *
 * JavaScript has no 32x32→64-bit multiply, so the scalar block function spends most of its time rebuilding product
 * halves from 16-bit pieces; WebAssembly's i64.mul does it in one instruction (about 3x faster here). The module is
 * built from the byte-level encoding below (no binary blob, no fetch), and is optional: where WebAssembly is missing
 * or refuses to compile, callers fall back to the JavaScript block function, which gives identical words.
 */

import { OP, T, assemble, ins, wasmHost } from './wasm_encoding.js';
import { ZIG_K, ZIG_LAYERS, ZIG_W } from './ziggurat.js';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** Blocks one call can write (16 KiB of words at address 0 of the module's single 64 KiB page). */
export const WASM_MAX_BLOCKS = 1024;
// The rest of the page: float32 normals for each word, indices of words the fast path rejected, ziggurat tables.
const FLOATS_AT = 16384;
const REJECTS_AT = 32768;
const K_AT = 49152;
const W_AT = K_AT + 4 * ZIG_LAYERS;

/** Blocks computed side by side in one loop pass, giving the CPU independent multiplies to overlap. */
const LANES = 4;

/**
 * Bytes of `(func (export "fill") (param k0 k1 ctrLo ctrHi n i32))` writing the blocks for counters
 * (ctrLo + j, ctrHi + carry, 0, 0), j = 0..n-1, at address 0 (n is rounded up to a multiple of LANES; the extra
 * blocks are written but never read), and of `normals` (below).
 */
function moduleBytes(): Uint8Array {
  // Locals: 0 k0, 1 k1, 2 ctrLo, 3 ctrHi, 4 n | i32: lane g's c0..c3 at 5+4g.., then ka, kb, round, i, ptr |
  // i64: lane g's products p0, p1 at P + 2g.
  const C = 5;
  const KA = C + 4 * LANES;
  const KB = KA + 1;
  const ROUND = KA + 2;
  const I = KA + 3;
  const PTR = KA + 4;
  const P = KA + 5;
  const { get, set, i32: i32c, i64: i64c } = ins;
  const store = (offset: number): number[] => ins.mem(OP.i32Store, 2, offset);
  const hiWord = (p: number): number[] => [...get(p), ...i64c(32), OP.i64ShrU, OP.i32WrapI64];
  const lanes = (f: (c: number, p: number, g: number) => number[]): number[] =>
    Array.from({ length: LANES }, (_, g) => f(C + 4 * g, P + 2 * g, g)).flat();
  const code = [
    OP.block, OP.void,
    OP.loop, OP.void,
    ...get(I), ...get(4), OP.i32GeU, OP.brIf, 1,
    ...lanes((c, _p, g) => [
      ...get(2), ...get(I), OP.i32Add, ...i32c(g), OP.i32Add, ...set(c),
      // 64-bit block counter: carry into the high word when the low word wrapped.
      ...get(3), ...get(c), ...get(2), OP.i32LtU, OP.i32Add, ...set(c + 1),
      ...i32c(0), ...set(c + 2), ...i32c(0), ...set(c + 3),
    ]),
    ...get(0), ...set(KA), ...get(1), ...set(KB),
    ...i32c(10), ...set(ROUND),
    OP.loop, OP.void,
    ...lanes((c, p) => [
      ...get(c), OP.i64ExtendI32U, ...i64c(M0), OP.i64Mul, ...set(p),
      ...get(c + 2), OP.i64ExtendI32U, ...i64c(M1), OP.i64Mul, ...set(p + 1),
      ...hiWord(p + 1), ...get(c + 1), OP.i32Xor, ...get(KA), OP.i32Xor, ...set(c),
      ...get(p + 1), OP.i32WrapI64, ...set(c + 1),
      ...hiWord(p), ...get(c + 3), OP.i32Xor, ...get(KB), OP.i32Xor, ...set(c + 2),
      ...get(p), OP.i32WrapI64, ...set(c + 3),
    ]),
    ...get(KA), ...i32c(W0), OP.i32Add, ...set(KA),
    ...get(KB), ...i32c(W1), OP.i32Add, ...set(KB),
    ...get(ROUND), ...i32c(1), OP.i32Sub, ...ins.tee(ROUND), OP.brIf, 0,
    OP.end,
    ...lanes((c, _p, g) => [0, 1, 2, 3].flatMap((w) => [...get(PTR), ...get(c + w), ...store(16 * g + 4 * w)])),
    ...get(PTR), ...i32c(16 * LANES), OP.i32Add, ...set(PTR),
    ...get(I), ...i32c(LANES), OP.i32Add, ...set(I),
    OP.br, 0,
    OP.end,
    OP.end,
  ]; // prettier-ignore
  // normals(k0, k1, ctrLo, ctrHi, nBlocks, mean, std) → rejected count: fills the words, then the ziggurat's fast
  // path for each (layer = 8 low bits, sign = bit 8, abscissa = top 23 bits), storing f32(mean + std * ±x) or,
  // when the word falls outside its layer's rectangle, its index for the caller's slow path.
  const [J, U, R, COUNT, END] = [7, 8, 9, 10, 11];
  const X = 12;
  const normals = [
    ...get(0), ...get(1), ...get(2), ...get(3), ...get(4), OP.call, 0,
    ...get(4), ...i32c(2), OP.i32Shl, ...set(END),
    OP.block, OP.void,
    OP.loop, OP.void,
    ...get(J), ...get(END), OP.i32GeU, OP.brIf, 1,
    ...get(J), ...i32c(2), OP.i32Shl, ...ins.mem(OP.i32Load, 2), ...set(U),
    ...get(U), ...i32c(9), 0x76 /* i32.shr_u */, ...ins.tee(R),
    ...get(U), ...i32c(255), OP.i32And, ...i32c(2), OP.i32Shl, ...ins.mem(OP.i32Load, 2, K_AT), OP.i32LtU,
    OP.if, OP.void,
    ...get(R), 0xb8 /* f64.convert_i32_u */,
    ...get(U), ...i32c(255), OP.i32And, ...i32c(3), OP.i32Shl, ...ins.mem(OP.f64Load, 3, W_AT), OP.f64Mul, ...set(X),
    ...get(J), ...i32c(2), OP.i32Shl,
    ...get(5), ...get(6),
    ...get(X), 0x9a /* f64.neg */, ...get(X), ...get(U), ...i32c(256), OP.i32And, OP.select,
    OP.f64Mul, OP.f64Add, OP.f32DemoteF64, ...ins.mem(OP.f32Store, 2, FLOATS_AT),
    OP.else,
    ...get(COUNT), ...i32c(2), OP.i32Shl, ...get(J), ...ins.mem(OP.i32Store, 2, REJECTS_AT),
    ...get(COUNT), ...i32c(1), OP.i32Add, ...set(COUNT),
    OP.end,
    ...get(J), ...i32c(1), OP.i32Add, ...set(J),
    OP.br, 0,
    OP.end,
    OP.end,
    ...get(COUNT),
  ]; // prettier-ignore
  return assemble({
    memory: { exportPages: 1 },
    funcs: [
      {
        exportName: 'fill',
        params: [T.i32, T.i32, T.i32, T.i32, T.i32],
        results: [],
        locals: [...new Array<number>(P - C).fill(T.i32), ...new Array<number>(2 * LANES).fill(T.i64)],
        code,
      },
      {
        exportName: 'normals',
        params: [T.i32, T.i32, T.i32, T.i32, T.i32, T.f64, T.f64],
        results: [T.i32],
        locals: [T.i32, T.i32, T.i32, T.i32, T.i32, T.f64],
        code: normals,
      },
    ],
  });
}

/** Writes `nBlocks` (≤ WASM_MAX_BLOCKS) consecutive Philox blocks, 4 words each, into `words`. */
export type BlockFiller = (k0: number, k1: number, ctrLo: number, ctrHi: number, nBlocks: number) => Uint32Array;

/** The WebAssembly block function plus the ziggurat fast path over its words, sharing one memory. */
export interface WasmPhilox {
  fill: BlockFiller;
  /**
   * Writes nBlocks blocks into `words` and, per word, the float32 normal `mean + std * z` into `floats` when the
   * ziggurat's fast path accepts it; returns how many it rejected, listed by word index in `rejects`.
   */
  normals(k0: number, k1: number, ctrLo: number, ctrHi: number, nBlocks: number, mean: number, std: number): number;
  words: Uint32Array;
  floats: Float32Array;
  rejects: Int32Array;
}

/** The WebAssembly kernels, or undefined where WebAssembly is unavailable. Views point into module memory. */
export function createWasmPhilox(): WasmPhilox | undefined {
  const wasm = wasmHost();
  if (wasm === undefined) return undefined;
  try {
    const instance = new wasm.Instance(new wasm.Module(moduleBytes()));
    const fill = instance.exports.fill as (...args: number[]) => void;
    const normals = instance.exports.normals as (...args: number[]) => number;
    const buffer = (instance.exports.mem as { buffer: ArrayBuffer }).buffer;
    const words = new Uint32Array(buffer, 0, WASM_MAX_BLOCKS * 4);
    // Integer thresholds: for a whole r, r < K ⟺ r < ceil(K).
    new Uint32Array(buffer, K_AT, ZIG_LAYERS).set(Array.from(ZIG_K, (k) => Math.ceil(k)));
    new Float64Array(buffer, W_AT, ZIG_LAYERS).set(ZIG_W);
    return {
      fill: (k0, k1, ctrLo, ctrHi, nBlocks) => {
        fill(k0 | 0, k1 | 0, ctrLo | 0, ctrHi | 0, nBlocks);
        return words;
      },
      normals: (k0, k1, ctrLo, ctrHi, nBlocks, mean, std) =>
        normals(k0 | 0, k1 | 0, ctrLo | 0, ctrHi | 0, nBlocks, mean, std),
      words,
      floats: new Float32Array(buffer, FLOATS_AT, WASM_MAX_BLOCKS * 4),
      rejects: new Int32Array(buffer, REJECTS_AT, WASM_MAX_BLOCKS * 4),
    };
  } catch {
    // Content-security policies may forbid compiling WebAssembly; the JavaScript path gives the same numbers.
    return undefined;
  }
}

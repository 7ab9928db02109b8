/**
 * WebAssembly SIMD (fixed-width 128-bit, part of the standard since 2021: Node ≥ 16, every current browser)
 * on top of the project's small assembler in src/shared/rng/wasm_encoding.ts, for the engine's kernels.
 * Opcodes from the SIMD proposal's final binary encoding (0xfd prefix + LEB128 opcode).
 */
import { OP, T, assemble, ins, uleb, wasmHost, type DefinedFunc } from '../../shared/rng/wasm_encoding.js';

export { OP, T, ins, uleb, wasmHost };
export type { DefinedFunc };

/** The v128 value type. */
export const V128 = 0x7b;

/** MVP opcodes the rng assembler's table leaves out. */
export const OPX = {
  return: 0x0f,
  unreachable: 0x00,
  f32Load: 0x2a,
  f64Neg: 0x9a,
  f64Nearest: 0x9e,
  f64Ge: 0x66,
  f64Le: 0x65,
  i64Add: 0x7c,
  i64Shl: 0x86,
  i64TruncF64S: 0xb0,
  f64ReinterpretI64: 0xbf,
  f32ConvertI32U: 0xb3,
  f64ConvertI32U: 0xb8,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32GtS: 0x4a,
  i32GtU: 0x4b,
  i32Mul: 0x6c,
  i32ShrU: 0x76,
} as const;

const simd = (op: number, ...immediates: number[]): number[] => [0xfd, ...uleb(op), ...immediates];
const memarg = (alignLog2: number, offset: number): number[] => [alignLog2, ...uleb(offset)];

/** SIMD instructions as byte lists (operands come from the stack, as in the text format). */
export const S = {
  load: (offset = 0): number[] => simd(0x00, ...memarg(4, offset)),
  store: (offset = 0): number[] => simd(0x0b, ...memarg(4, offset)),
  /** Loads one f32/i32 and copies it to the four lanes. */
  load32Splat: (offset = 0): number[] => simd(0x09, ...memarg(2, offset)),
  /** Loads one 32-bit value into lane 0, zeroing the others. */
  load32Zero: (offset = 0): number[] => simd(0x5c, ...memarg(2, offset)),
  /** Loads one 64-bit value into lane 0, zeroing the other. */
  load64Zero: (offset = 0): number[] => simd(0x5d, ...memarg(3, offset)),
  /** [address, v128] → v128 with 32-bit lane `lane` loaded from memory (one pinsrd). */
  load32Lane: (lane: number, offset = 0): number[] => simd(0x56, ...memarg(2, offset), lane),
  /** [address, v128] → v128 with 64-bit lane `lane` loaded from memory. */
  load64Lane: (lane: number, offset = 0): number[] => simd(0x57, ...memarg(3, offset), lane),
  const: (bytes: ArrayLike<number>): number[] => simd(0x0c, ...Array.from(bytes)),
  shuffle: (lanes: number[]): number[] => simd(0x0d, ...lanes),
  i32x4Splat: simd(0x11),
  f32x4Splat: simd(0x13),
  f64x2Splat: simd(0x14),
  i32x4Extract: (lane: number): number[] => simd(0x1b, lane),
  i32x4Replace: (lane: number): number[] => simd(0x1c, lane),
  f64x2Replace: (lane: number): number[] => simd(0x22, lane),
  f32x4Extract: (lane: number): number[] => simd(0x1f, lane),
  f64x2Extract: (lane: number): number[] => simd(0x21, lane),
  i32x4LtS: simd(0x39),
  i32x4LtU: simd(0x3a),
  f32x4Lt: simd(0x43),
  and: simd(0x4e),
  andNot: simd(0x4f),
  or: simd(0x50),
  xor: simd(0x51),
  bitselect: simd(0x52),
  anyTrue: simd(0x53),
  f32x4DemoteF64x2Zero: simd(0x5e),
  f64x2PromoteLowF32x4: simd(0x5f),
  f32x4Nearest: simd(0x6a),
  i32x4Eq: simd(0x37),
  i32x4Bitmask: simd(0xa4),
  i32x4TruncSatF32x4S: simd(0xf8),
  f32x4ConvertI32x4S: simd(0xfa),
  i32x4ShrS: simd(0xac),
  i32x4Sub: simd(0xb1),
  f32x4Gt: simd(0x44),
  i32x4Shl: simd(0xab),
  i32x4ShrU: simd(0xad),
  i32x4Add: simd(0xae),
  i32x4Mul: simd(0xb5),
  i64x2ExtmulLowI32x4U: simd(0xde),
  i64x2ExtmulHighI32x4U: simd(0xdf),
  f32x4Abs: simd(0xe0),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f32x4Div: simd(0xe7),
  f32x4Min: simd(0xe8),
  f32x4Max: simd(0xe9),
  /** Pseudo-minimum b < a ? b : a (one minps; f32x4Min's NaN and ±0 rules cost V8 about eight instructions). */
  f32x4Pmin: simd(0xea),
  /** Pseudo-maximum a < b ? b : a (one maxps). */
  f32x4Pmax: simd(0xeb),
  f64x2Abs: simd(0xec),
  f64x2Sub: simd(0xf1),
  f64x2Nearest: simd(0x94),
  f64x2Lt: simd(0x49),
  f64x2Le: simd(0x4b),
  i32x4TruncSatF64x2SZero: simd(0xfc),
  i64x2ExtendLowI32x4S: simd(0xc7),
  i64x2Add: simd(0xce),
  i64x2Shl: simd(0xcb),
  f64x2Add: simd(0xf0),
  f64x2Mul: simd(0xf2),
  f64x2ConvertLowI32x4S: simd(0xfe),
  f64x2ConvertLowI32x4U: simd(0xff),
};

/** v128.const with four equal f32 lanes (V8 keeps these in its code's constant pool: cheaper than memory splats). */
export function f32x4Const(v: number): number[] {
  return S.const(new Uint8Array(new Float32Array([v, v, v, v]).buffer));
}

/** v128.const with four equal i32 lanes. */
export function i32x4Const(v: number): number[] {
  return S.const(new Uint8Array(new Int32Array([v, v, v, v]).buffer));
}

/** v128.const with two equal f64 lanes. */
export function f64x2Const(v: number): number[] {
  return S.const(new Uint8Array(new Float64Array([v, v]).buffer));
}

/** A compiled module's instance with its exported memory. */
export interface WasmKernel {
  exports: Record<string, unknown>;
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
}

/**
 * Functions every kernel module imports, at indices 0 and 1 (defined functions follow): the host's own
 * Math.exp and Math.log, so float64 results agree bit for bit with JavaScript code calling them.
 */
export const IMPORTS = { exp: 0, log: 1, count: 2 } as const;

/** Compiles and instantiates `funcs` with one growable memory of `pages` 64 KiB pages; undefined without WebAssembly SIMD. */
export function instantiate(funcs: DefinedFunc[], pages: number): WasmKernel | undefined {
  const host = wasmHost();
  if (host === undefined || !simdSupported()) return undefined;
  const f64f64 = { params: [T.f64], results: [T.f64] };
  const bytes = assemble({
    importedFuncs: [
      { module: 'math', name: 'exp', ...f64f64 },
      { module: 'math', name: 'log', ...f64f64 },
    ],
    memory: { exportPages: pages },
    funcs,
  });
  const instance = new host.Instance(new host.Module(bytes), { math: { exp: Math.exp, log: Math.log } });
  return { exports: instance.exports, memory: instance.exports.mem as WasmKernel['memory'] };
}

let simdCache: boolean | undefined;

/** Whether this engine compiles WebAssembly SIMD (a content-security policy or an old engine may refuse it). */
export function simdSupported(): boolean {
  if (simdCache !== undefined) return simdCache;
  const host = wasmHost();
  simdCache = false;
  if (host !== undefined) {
    try {
      // (func (result i32) v128.const 0 … i32x4.extract_lane 0)
      const bytes = assemble({
        memory: { exportPages: 1 },
        funcs: [
          {
            exportName: 'f',
            params: [],
            results: [T.i32],
            locals: [],
            code: [...S.const(new Uint8Array(new Int32Array([7, 7, 7, 7]).buffer)), ...S.i32x4Extract(0)],
          },
        ],
      });
      const f = new host.Instance(new host.Module(bytes)).exports.f as () => number;
      simdCache = f() === 7;
    } catch {
      simdCache = false;
    }
  }
  return simdCache;
}

/**
 * Runs the WebAssembly sin/cos code of src/shared/envs/libm (spliced scalar code in both rejection modes, the
 * f64x2 pair code, and the fused helpers) on arrays of arguments, in a module assembled for the tests.
 */
import { cos64, sin64 } from '../../../../src/shared/envs/libm/sin_cos.js';
import { SIN_COS_F64_LOCALS, SIN_COS_TABLE_BYTES, sinCosHelpers, sinCosInline, writeSinCosTable } from '../../../../src/shared/envs/libm/sin_cos_wasm.js'; // prettier-ignore
import { SIN_COS_X2_LOCALS, sinCosInRangeX2, sinCosInlineX2 } from '../../../../src/shared/envs/libm/sin_cos_wasm_simd.js'; // prettier-ignore
import { V128, loc, v } from '../../../../src/shared/envs/libm/wasm_expr.js';
import { OP, T, assemble, ins, wasmHost } from '../../../../src/shared/rng/wasm_encoding.js';

const { get, set, i32, mem } = ins;
const FUNCS = { cosImport: 0, sinImport: 1, firstHelper: 5 };

// Every batch function: (n, in, outCos, outSin, flags) over f64 arrays at the given byte addresses.
const [N, IN, OUT_COS, OUT_SIN, FLAGS] = [0, 1, 2, 3, 4];
const [I, K0, K1, E, M] = [5, 7, 8, 9, 10]; // local 6 unused
const X = 11;
const [COS, SIN] = [12, 13];
const SCRATCH = 14; // f64 scratch from here
const batchLocals = [...new Array<number>(6).fill(T.i32), ...new Array<number>(3 + SIN_COS_F64_LOCALS).fill(T.f64)];
const addr = (base: number, shift: number): number[] => [...get(base), ...get(I), ...i32(shift), OP.i32Shl, OP.i32Add];
const loop = (body: number[], step: number): number[] => [
  ...i32(0), ...set(I),
  OP.block, OP.void, OP.loop, OP.void,
  ...get(I), ...i32(step), OP.i32Add, ...get(N), 0x4b /* i32.gt_u */, OP.brIf, 1,
  ...body,
  ...get(I), ...i32(step), OP.i32Add, ...set(I),
  OP.br, 0,
  OP.end, OP.end,
]; // prettier-ignore
const scalarScratch = { f64: Array.from({ length: SIN_COS_F64_LOCALS }, (_, j) => SCRATCH + j), i32: K0 };
const loadX = [...addr(IN, 3), ...mem(OP.f64Load, 3), ...set(X)];
const storeOut = [
  ...addr(OUT_COS, 3), ...get(COS), ...mem(OP.f64Store, 3),
  ...addr(OUT_SIN, 3), ...get(SIN), ...mem(OP.f64Store, 3),
]; // prettier-ignore

// Spliced code, rejected stages rerun at once by the fused helpers.
const scalarCall = loop([...loadX, ...sinCosInline(X, COS, SIN, scalarScratch, FUNCS, 0), ...storeOut], 1);
// Spliced code deferring: flags[i] (an i32) gets bit 0 where cos was rejected, bit 1 where sin was.
const deferTo = (which: 0 | 1): number[] => [
  ...set(E), ...get(M), ...get(E), ...i32(which), OP.i32Shl, 0x72 /* i32.or */, ...set(M),
]; // prettier-ignore
const scalarDefer = loop(
  [
    ...i32(0), ...set(M),
    ...loadX,
    ...sinCosInline(X, COS, SIN, scalarScratch, FUNCS, 0, { defer: deferTo }),
    ...storeOut,
    ...addr(FLAGS, 2), ...get(M), ...mem(OP.i32Store, 2),
  ],
  1,
); // prettier-ignore
// The pair code on elements 2j, 2j + 1: flags[j] = bits 0-1 cos accepted per lane, bits 2-3 sin accepted, or 16
// where sinCosInRangeX2 said no (outputs then untouched).
const P = 0; // v128 locals after the batch locals
const [PX, PCOS, PSIN, OKC, OKS] = [P, P + 1, P + 2, P + 3, P + 4].map((l) => l + SCRATCH + SIN_COS_F64_LOCALS);
const pairScratch = {
  v128: Array.from({ length: SIN_COS_X2_LOCALS.v128 }, (_, j) => PX + 5 + j),
  i32: [K0, K1],
};
const pair = loop(
  [
    ...v.load(addr(IN, 3)), ...set(PX),
    ...sinCosInRangeX2(PX),
    OP.if, OP.void,
    ...sinCosInlineX2(PX, { cos: PCOS, sin: PSIN, okCos: OKC, okSin: OKS }, pairScratch, 0),
    ...v.store(addr(OUT_COS, 3), loc(PCOS)),
    ...v.store(addr(OUT_SIN, 3), loc(PSIN)),
    ...addr(FLAGS, 1), ...v.bitmask(loc(OKC)), ...v.bitmask(loc(OKS)), ...i32(2), OP.i32Shl, 0x72, ...mem(OP.i32Store, 2),
    OP.else,
    ...addr(FLAGS, 1), ...i32(16), ...mem(OP.i32Store, 2),
    OP.end,
  ],
  2,
); // prettier-ignore

const unary = { params: [T.f64], results: [T.f64] };
const batch = { params: new Array<number>(5).fill(T.i32), results: [] };
const bytes = assemble({
  importedFuncs: [
    { module: 'm', name: 'cos', ...unary },
    { module: 'm', name: 'sin', ...unary },
  ],
  memory: { import: { module: 'm', name: 'mem' }, minPages: 1 },
  funcs: [
    { exportName: 'scalarCall', ...batch, locals: batchLocals, code: scalarCall },
    { exportName: 'scalarDefer', ...batch, locals: batchLocals, code: scalarDefer },
    {
      exportName: 'pair',
      ...batch,
      locals: [...batchLocals, ...new Array<number>(5 + SIN_COS_X2_LOCALS.v128).fill(V128)],
      code: pair,
    },
    ...sinCosHelpers(0),
  ],
});

export interface BatchResult {
  cos: Float64Array;
  sin: Float64Array;
  flags: Int32Array;
  /** Calls made to the imported JavaScript sin64/cos64. */
  importCalls: number;
}

/** The harness module's functions. */
export interface WasmSinCosHarness {
  scalarCall(xs: Float64Array): BatchResult;
  scalarDefer(xs: Float64Array): BatchResult;
  /** xs.length must be even. */
  pair(xs: Float64Array): BatchResult;
  fma(a: number, b: number, c: number): number;
  cosExact(x: number): number;
  sinExact(x: number): number;
}

/** Instantiates the harness (WebAssembly with SIMD is required: Node has it). */
export function harness(): WasmSinCosHarness {
  const host = wasmHost();
  if (host === undefined) throw new Error('this JavaScript engine has no WebAssembly');
  const module = new host.Module(bytes);
  let importCalls = 0;
  const instantiate = (bytesNeeded: number): { memory: { buffer: ArrayBuffer }; exports: Record<string, unknown> } => {
    const memory = new host.Memory({ initial: Math.ceil(bytesNeeded / 65536) + 1 });
    writeSinCosTable(memory.buffer, 0);
    const imports = {
      m: {
        mem: memory,
        cos: (x: number) => (importCalls++, cos64(x)),
        sin: (x: number) => (importCalls++, sin64(x)),
      },
    };
    return { memory, exports: new host.Instance(module, imports).exports };
  };
  const run = (name: string, xs: Float64Array): BatchResult => {
    const n = xs.length;
    const base = SIN_COS_TABLE_BYTES;
    const { memory, exports } = instantiate(base + 28 * n);
    new Float64Array(memory.buffer, base, n).set(xs);
    importCalls = 0;
    (exports[name] as (...a: number[]) => void)(n, base, base + 8 * n, base + 16 * n, base + 24 * n);
    return {
      cos: new Float64Array(memory.buffer, base + 8 * n, n).slice(),
      sin: new Float64Array(memory.buffer, base + 16 * n, n).slice(),
      flags: new Int32Array(memory.buffer, base + 24 * n, n).slice(),
      importCalls,
    };
  };
  const helpers = instantiate(0).exports as Record<'fma' | 'cosExact' | 'sinExact', (...a: number[]) => number>;
  return {
    scalarCall: (xs) => run('scalarCall', xs),
    scalarDefer: (xs) => run('scalarDefer', xs),
    pair: (xs) => run('pair', xs),
    fma: helpers.fma,
    cosExact: helpers.cosExact,
    sinExact: helpers.sinExact,
  };
}

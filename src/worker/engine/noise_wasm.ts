/**
 * CounterRng's stream in WebAssembly SIMD, the raw material of the variation kernel (vary_wasm.ts): the
 * Philox4x32-10 words of a stream, one scalar block for key folding and side words, and the 256-layer
 * ziggurat's slow path, computing exactly the bits src/shared/rng computes in JavaScript.
 *
 * Philox runs four blocks per v128 (three groups interleaved for the multiplier latency): 32×32→64-bit
 * products come from i64x2.extmul, the high halves gathered by one shuffle. A 4×4 transpose puts the
 * words in stream order (word j = word j mod 4 of block j div 4). The slow path (~1.5% of draws: tails and
 * wedges) is the rng's slowNormal restated in float64; its wedge test y < exp(−x²/2) uses a polynomial
 * exp accurate to ~1e-14 and asks the host's own Math.exp only when y lies within 1e-9 of it (in practice
 * never), and the tail uses the host's Math.log, so every draw is the same bits as JavaScript's.
 */
import { ZIG_F, ZIG_K, ZIG_LAYERS, ZIG_R, ZIG_W } from '../../shared/rng/ziggurat.js';
import type { DefinedFunc } from '../../shared/rng/wasm_encoding.js';
import { IMPORTS, OP, OPX, S, T, V128, i32x4Const, ins, uleb } from './simd.js';

const { get, set, tee, i32: i32c } = ins;

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** Words per loop pass of the block kernel (3 groups × 4 blocks × 4 words): stream buffers are padded to this. */
export const WORDS_PER_PASS = 48;
/** Groups of four blocks interleaved per pass (three measured fastest on V8: two leave multiplier latency exposed, four spill). */
const GROUPS = WORDS_PER_PASS / 16;

/** Stream words a row of n normals needs, padded to whole passes. */
export const paddedWords = (n: number): number => Math.ceil(n / WORDS_PER_PASS) * WORDS_PER_PASS;

/** Fixed memory regions of the stream kernels for rows of n normals (see WasmMlp.create's `regions`). */
export function noiseRegions(n: number): { name: string; bytes: number }[] {
  const words = 4 * paddedWords(n);
  return [
    // The two streams of an agent (θ's mutation noise, σ's noise).
    { name: 'wordsZ', bytes: words },
    { name: 'wordsX', bytes: words },
    { name: 'block', bytes: 16 },
    // Layer tables with an 8-byte stride, so one byte offset (layer·8) reads all three: ceil(K) as u32, W, F.
    { name: 'zigK', bytes: 8 * ZIG_LAYERS },
    { name: 'zigW', bytes: 8 * ZIG_LAYERS },
    { name: 'zigF', bytes: 8 * ZIG_LAYERS },
  ];
}

/** Writes the ziggurat tables into the kernel's memory (once, after instantiation). */
export function writeZigguratTables(u32: Uint32Array, f64: Float64Array, regions: Record<string, number>): void {
  // Integer thresholds: for a whole r, r < K ⟺ r < ceil(K) (all below 2^23, so signed compares work too).
  for (let i = 0; i < ZIG_LAYERS; i++) u32[(regions.zigK >> 2) + 2 * i] = Math.ceil(ZIG_K[i]);
  f64.set(ZIG_W, regions.zigW >> 3);
  f64.set(ZIG_F, regions.zigF >> 3);
}

const byteLanes = (idx: number[]): number[] => idx.flatMap((i) => [4 * i, 4 * i + 1, 4 * i + 2, 4 * i + 3]);

/**
 * `words(k0, k1, nPasses, dst)`: Philox4x32-10 blocks 0 … 12·nPasses − 1 of key (k0, k1) (counter high
 * words 0), 48 stream words per pass, at dst.
 */
function wordsFunc(): DefinedFunc {
  // params: 0 k0, 1 k1, 2 nPasses, 3 ptr | i32: 4 ctr, 5 ka, 6 kb, 7 round | v128: 8.. (3 groups × c0..c3), temps
  const PTR = 3;
  const CTR = 4;
  const KA = 5;
  const KB = 6;
  const ROUND = 7;
  const C = 8; // group g word w at C + 4g + w
  const KAV = C + 4 * GROUPS;
  const KBV = KAV + 1;
  const HI0 = KAV + 2;
  const HI1 = KAV + 3;
  const LO0 = KAV + 4;
  const LO1 = KAV + 5;
  const TMP = KAV + 6; // 4 temps for the transpose
  const m0 = i32x4Const(M0);
  const m1 = i32x4Const(M1);
  const products = (c: number, m: number[], hi: number, lo: number): number[] => [
    ...get(c), ...m, ...S.i64x2ExtmulLowI32x4U,
    ...get(c), ...m, ...S.i64x2ExtmulHighI32x4U,
    ...S.shuffle(byteLanes([1, 3, 5, 7])), ...set(hi),
    ...get(c), ...m, ...S.i32x4Mul, ...set(lo),
  ]; // prettier-ignore
  const round = (g: number): number[] => {
    const c = C + 4 * g;
    return [
      ...products(c, m0, HI0, LO0),
      ...products(c + 2, m1, HI1, LO1),
      ...get(HI1), ...get(c + 1), ...S.xor, ...get(KAV), ...S.xor, ...set(c),
      ...get(LO1), ...set(c + 1),
      ...get(HI0), ...get(c + 3), ...S.xor, ...get(KBV), ...S.xor, ...set(c + 2),
      ...get(LO0), ...set(c + 3),
    ]; // prettier-ignore
  };
  const storeGroup = (g: number, at: number): number[] => {
    const c = C + 4 * g;
    return [
      ...get(c), ...get(c + 1), ...S.shuffle(byteLanes([0, 4, 1, 5])), ...set(TMP),
      ...get(c + 2), ...get(c + 3), ...S.shuffle(byteLanes([0, 4, 1, 5])), ...set(TMP + 1),
      ...get(c), ...get(c + 1), ...S.shuffle(byteLanes([2, 6, 3, 7])), ...set(TMP + 2),
      ...get(c + 2), ...get(c + 3), ...S.shuffle(byteLanes([2, 6, 3, 7])), ...set(TMP + 3),
      ...get(PTR), ...get(TMP), ...get(TMP + 1), ...S.shuffle(byteLanes([0, 1, 4, 5])), ...S.store(at),
      ...get(PTR), ...get(TMP), ...get(TMP + 1), ...S.shuffle(byteLanes([2, 3, 6, 7])), ...S.store(at + 16),
      ...get(PTR), ...get(TMP + 2), ...get(TMP + 3), ...S.shuffle(byteLanes([0, 1, 4, 5])), ...S.store(at + 32),
      ...get(PTR), ...get(TMP + 2), ...get(TMP + 3), ...S.shuffle(byteLanes([2, 3, 6, 7])), ...S.store(at + 48),
    ]; // prettier-ignore
  };
  const initGroup = (g: number): number[] => {
    const c = C + 4 * g;
    // Counters ctr + 4g + (0, 1, 2, 3) in word 0; words 1…3 zero.
    return [
      ...get(CTR), ...i32c(4 * g), OP.i32Add, ...S.i32x4Splat, ...S.const(new Uint8Array(new Int32Array([0, 1, 2, 3]).buffer)), ...S.i32x4Add, ...set(c),
      ...i32x4Const(0), ...set(c + 1), ...i32x4Const(0), ...set(c + 2), ...i32x4Const(0), ...set(c + 3),
    ]; // prettier-ignore
  };
  const code = [
    OP.block, OP.void, OP.loop, OP.void,
    ...get(2), OP.i32Eqz, OP.brIf, 1,
    ...Array.from({ length: GROUPS }, (_, g) => initGroup(g)).flat(),
    ...get(0), ...set(KA), ...get(1), ...set(KB), ...i32c(10), ...set(ROUND),
    OP.loop, OP.void,
    ...get(KA), ...S.i32x4Splat, ...set(KAV), ...get(KB), ...S.i32x4Splat, ...set(KBV),
    ...Array.from({ length: GROUPS }, (_, g) => round(g)).flat(),
    ...get(KA), ...i32c(W0), OP.i32Add, ...set(KA), ...get(KB), ...i32c(W1), OP.i32Add, ...set(KB),
    ...get(ROUND), ...i32c(1), OP.i32Sub, ...tee(ROUND), OP.brIf, 0,
    OP.end,
    ...Array.from({ length: GROUPS }, (_, g) => storeGroup(g, 64 * g)).flat(),
    ...get(PTR), ...i32c(64 * GROUPS), OP.i32Add, ...set(PTR),
    ...get(CTR), ...i32c(4 * GROUPS), OP.i32Add, ...set(CTR),
    ...get(2), ...i32c(1), OP.i32Sub, ...set(2),
    OP.br, 0, OP.end, OP.end,
  ]; // prettier-ignore
  return {
    exportName: 'words',
    params: [T.i32, T.i32, T.i32, T.i32],
    results: [],
    locals: [T.i32, T.i32, T.i32, T.i32, ...new Array<number>(TMP + 4 - C).fill(V128)],
    code,
  };
}

/**
 * `slow(u, k0, k1, blockLo, lane) → f64`: the ziggurat's slow path for stream word `u` at (block, lane),
 * as src/shared/rng/philox.ts's slowNormal: the tail beyond R for layer 0, else the wedge test; extra words
 * from the side blocks (blockLo, 0, 1 + lane, k), k = 0, 1, …, in order.
 */
function slowFunc(regions: Record<string, number>, blockIndex: number): DefinedFunc {
  // params: 0 u, 1 k0, 2 k1, 3 blockLo, 4 lane | i32: 5 i, 6 r, 7 k, 8 pos | f64: 9 x, 10 tx, 11 ty, 12 y,
  // 13 t, 14 e, 15 n
  const [U, K0, K1, BLO, LANE, I, R, K, POS, X, TX, TY] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const [Y, TT, E, N] = [12, 13, 14, 15];
  const f64Sub = 0xa1;
  const f64Div = 0xa3;
  const f64Gt = 0x64;
  // The next side word (i32 on the stack), fetching a new side block every four.
  const sideWord = [
    ...get(POS), ...i32c(4), OP.i32Eq, OP.if, OP.void,
    ...get(BLO), ...i32c(0), ...get(LANE), ...i32c(1), OP.i32Add, ...get(K), ...get(K0), ...get(K1),
    OP.call, ...uleb(blockIndex),
    ...get(K), ...i32c(1), OP.i32Add, ...set(K), ...i32c(0), ...set(POS),
    OP.end,
    ...get(POS), ...i32c(2), OP.i32Shl, ...ins.mem(OP.i32Load, 2, regions.block),
    ...get(POS), ...i32c(1), OP.i32Add, ...set(POS),
  ]; // prettier-ignore
  const signed = (value: number[]): number[] => [
    ...value,
    OPX.f64Neg,
    ...value,
    ...get(U),
    ...i32c(256),
    OP.i32And,
    OP.select,
  ];
  // −log(1 − word·2⁻³²)
  const minusLogOneMinus = [
    ...ins.f64(1), ...sideWord, OPX.f64ConvertI32U, ...ins.f64(1 / 4294967296), OP.f64Mul, f64Sub,
    OP.call, ...uleb(IMPORTS.log), OPX.f64Neg,
  ]; // prettier-ignore
  const code = [
    ...i32c(4), ...set(POS),
    OP.loop, OP.void,
    ...get(U), ...i32c(255), OP.i32And, ...set(I),
    ...get(U), ...i32c(9), OPX.i32ShrU, ...set(R),
    ...get(R), OPX.f64ConvertI32U, ...get(I), ...i32c(3), OP.i32Shl, ...ins.mem(OP.f64Load, 3, regions.zigW), OP.f64Mul, ...set(X),
    ...get(R), ...get(I), ...i32c(3), OP.i32Shl, ...ins.mem(OP.i32Load, 2, regions.zigK), OP.i32LtU,
    OP.if, OP.void, ...signed(get(X)), OPX.return, OP.end,
    ...get(I), OP.i32Eqz, OP.if, OP.void,
    OP.loop, OP.void,
    ...minusLogOneMinus, ...ins.f64(ZIG_R), f64Div, ...set(TX),
    ...minusLogOneMinus, ...set(TY),
    ...get(TY), ...get(TY), OP.f64Add, ...get(TX), ...get(TX), OP.f64Mul, f64Gt,
    OP.if, OP.void, ...signed([...ins.f64(ZIG_R), ...get(TX), OP.f64Add]), OPX.return, OP.end,
    OP.br, 0,
    OP.end,
    OP.end,
    // Wedge: y = F[i] + (word >>> 8)·2⁻²⁴·(F[i−1] − F[i]); accept if y < exp(−½x²).
    ...get(I), ...i32c(3), OP.i32Shl, ...ins.mem(OP.f64Load, 3, regions.zigF),
    ...sideWord, ...i32c(8), OPX.i32ShrU, OPX.f64ConvertI32U, ...ins.f64(1 / 16777216), OP.f64Mul,
    ...get(I), ...i32c(3), OP.i32Shl, ...ins.mem(OP.f64Load, 3, regions.zigF - 8),
    ...get(I), ...i32c(3), OP.i32Shl, ...ins.mem(OP.f64Load, 3, regions.zigF), f64Sub,
    OP.f64Mul, OP.f64Add, ...set(Y),
    ...ins.f64(-0.5), ...get(X), OP.f64Mul, ...get(X), OP.f64Mul, ...set(TT),
    ...expNear(TT, N, E),
    // y clearly below or above exp(t) decides alone; only inside the band does the host's Math.exp decide.
    ...get(Y), ...get(E), ...ins.f64(1 - EXP_BAND), OP.f64Mul, OP.f64Lt,
    OP.if, OP.void, ...signed(get(X)), OPX.return, OP.end,
    ...get(Y), ...get(E), ...ins.f64(1 + EXP_BAND), OP.f64Mul, OPX.f64Le,
    OP.if, OP.void,
    ...get(Y), ...get(TT), OP.call, ...uleb(IMPORTS.exp), OP.f64Lt,
    OP.if, OP.void, ...signed(get(X)), OPX.return, OP.end,
    OP.end,
    ...sideWord, ...set(U),
    OP.br, 0,
    OP.end,
    OPX.unreachable,
  ]; // prettier-ignore
  return {
    exportName: 'slow',
    params: [T.i32, T.i32, T.i32, T.i32, T.i32],
    results: [T.f64],
    locals: [T.i32, T.i32, T.i32, T.i32, ...new Array<number>(7).fill(T.f64)],
    code,
  };
}

/**
 * Relative half-width of the band around exp(t) inside which the wedge test defers to Math.exp: far above
 * the combined error of `expNear` (< 1e-14) and of Math.exp (< 1 ulp), so outside it both give the same answer.
 */
export const EXP_BAND = 1e-9;
export const LN2_HI = 6.9314718036912381649e-1;
export const LN2_LO = 1.90821492927058770002e-10;
/** Taylor coefficients 1/k!, k = 0 … 12. */
export const EXP_COEFFS: readonly number[] = (() => {
  const c = [1];
  for (let k = 1; k <= 12; k++) c.push(c[k - 1] / k);
  return c;
})();

/**
 * exp(t) for the local t (≤ 0, > −700) into local `out`, to ~1e-14 relative: t = n·ln2 + r with |r| ≤ ½ln2
 * (ln2 split in two so n·ln2 is exact), Taylor series of degree 12 in r, scaled by 2ⁿ through the exponent bits.
 */
function expNear(t: number, n: number, out: number): number[] {
  const code = [
    ...get(t), ...ins.f64(Math.LOG2E), OP.f64Mul, OPX.f64Nearest, ...set(n),
    ...get(t), ...get(n), ...ins.f64(LN2_HI), OP.f64Mul, OP.f64Sub, ...get(n), ...ins.f64(LN2_LO), OP.f64Mul, OP.f64Sub,
    ...set(out),
  ]; // prettier-ignore
  code.push(...ins.f64(EXP_COEFFS[12]));
  for (let k = 11; k >= 0; k--) code.push(...get(out), OP.f64Mul, ...ins.f64(EXP_COEFFS[k]), OP.f64Add);
  code.push(
    ...get(n), OPX.i64TruncF64S, ...ins.i64(1023), OPX.i64Add, ...ins.i64(52), OPX.i64Shl, OPX.f64ReinterpretI64,
    OP.f64Mul, ...set(out),
  ); // prettier-ignore
  return code;
}

/** `block(c0, c1, c2, c3, k0, k1)`: one Philox4x32-10 block into the `block` region (scalar, i64 products). */
function blockFunc(regions: Record<string, number>): DefinedFunc {
  // params: 0…3 counter, 4 k0, 5 k1 | i32: 6 round | i64: 7 p0, 8 p1
  const [ROUND, P0, P1] = [6, 7, 8];
  const hi = (p: number): number[] => [...get(p), ...ins.i64(32), OP.i64ShrU, OP.i32WrapI64];
  const code = [
    ...i32c(10), ...set(ROUND),
    OP.loop, OP.void,
    ...get(0), OP.i64ExtendI32U, ...ins.i64(M0), OP.i64Mul, ...set(P0),
    ...get(2), OP.i64ExtendI32U, ...ins.i64(M1), OP.i64Mul, ...set(P1),
    ...hi(P1), ...get(1), OP.i32Xor, ...get(4), OP.i32Xor, ...set(0),
    ...get(P1), OP.i32WrapI64, ...set(1),
    ...hi(P0), ...get(3), OP.i32Xor, ...get(5), OP.i32Xor, ...set(2),
    ...get(P0), OP.i32WrapI64, ...set(3),
    ...get(4), ...i32c(W0), OP.i32Add, ...set(4), ...get(5), ...i32c(W1), OP.i32Add, ...set(5),
    ...get(ROUND), ...i32c(1), OP.i32Sub, ...tee(ROUND), OP.brIf, 0,
    OP.end,
    ...[0, 1, 2, 3].flatMap((w) => [...i32c(0), ...get(w), ...ins.mem(OP.i32Store, 2, regions.block + 4 * w)]),
  ]; // prettier-ignore
  return {
    exportName: 'block',
    params: new Array<number>(6).fill(T.i32),
    results: [],
    locals: [T.i32, T.i64, T.i64],
    code,
  };
}

/** Indices of the stream functions inside a module, given the index of the first. */
export interface StreamFuncIndex {
  words: number;
  block: number;
  slow: number;
}

/**
 * Philox4x32-10 on four independent blocks, one per lane: counter words in v128 locals c … c + 3, keys in
 * v128 locals ka, kb (consumed); the output block's words are left in c … c + 3. Temps: four v128 locals
 * from `tmp`, one i32 local `round`.
 */
export function philoxLanes(c: number, ka: number, kb: number, tmp: number, round: number): number[] {
  const [HI0, HI1, LO0, LO1] = [tmp, tmp + 1, tmp + 2, tmp + 3];
  const m0 = i32x4Const(M0);
  const m1 = i32x4Const(M1);
  const products = (x: number, m: number[], hi: number, lo: number): number[] => [
    ...get(x), ...m, ...S.i64x2ExtmulLowI32x4U,
    ...get(x), ...m, ...S.i64x2ExtmulHighI32x4U,
    ...S.shuffle(byteLanes([1, 3, 5, 7])), ...set(hi),
    ...get(x), ...m, ...S.i32x4Mul, ...set(lo),
  ]; // prettier-ignore
  return [
    ...i32c(10), ...set(round),
    OP.loop, OP.void,
    ...products(c, m0, HI0, LO0),
    ...products(c + 2, m1, HI1, LO1),
    ...get(HI1), ...get(c + 1), ...S.xor, ...get(ka), ...S.xor, ...set(c),
    ...get(LO1), ...set(c + 1),
    ...get(HI0), ...get(c + 3), ...S.xor, ...get(kb), ...S.xor, ...set(c + 2),
    ...get(LO0), ...set(c + 3),
    ...get(ka), ...i32x4Const(W0), ...S.i32x4Add, ...set(ka),
    ...get(kb), ...i32x4Const(W1), ...S.i32x4Add, ...set(kb),
    ...get(round), ...i32c(1), OP.i32Sub, ...tee(round), OP.brIf, 0,
    OP.end,
  ]; // prettier-ignore
}

/** `expNear(t) → f64`, exported for the tests that bound its error (the band's premise). */
function expNearFunc(): DefinedFunc {
  // params: 0 t | f64: 1 n, 2 out
  return {
    exportName: 'expNear',
    params: [T.f64],
    results: [T.f64],
    locals: [T.f64, T.f64],
    code: [...expNear(0, 1, 2), ...get(2)],
  };
}

/** The stream functions (words, block, slow, expNear), to be placed from function index `first` on. */
export function streamFuncs(
  regions: Record<string, number>,
  first: number,
): { funcs: DefinedFunc[]; index: StreamFuncIndex } {
  const index = { words: first, block: first + 1, slow: first + 2 };
  return { funcs: [wordsFunc(), blockFunc(regions), slowFunc(regions, index.block), expNearFunc()], index };
}

/**
 * The variation kernels in WebAssembly SIMD: CounterRng's normal draws (Philox4x32-10 words, then the
 * 256-layer ziggurat's fast path) and the σ/θ updates of `fixed_sigma` and `adaptive_sigma`, computing
 * exactly the bits src/shared/rng and src/shared/algorithms compute in JavaScript, several times faster.
 *
 * Philox runs four blocks per v128 (two groups interleaved for the multiplier latency): 32×32→64-bit
 * products come from i64x2.extmul, the high halves gathered by one shuffle. A 4×4 transpose puts the
 * words in stream order (word j = word j mod 4 of block j div 4). The ziggurat's fast path runs four
 * words at a time; its rare rejections (~1.5%) go through `slow`, the rng's slow path restated in float64
 * with the host's own Math.exp/Math.log imported, so even those draws are the same bits.
 */
import { ZIG_F, ZIG_K, ZIG_LAYERS, ZIG_R, ZIG_W } from '../../shared/rng/ziggurat.js';
import type { DefinedFunc } from '../../shared/rng/wasm_encoding.js';
import { DERIVE_TAG } from './stream_keys.js';
import { IMPORTS, OP, OPX, S, T, V128, f32x4Const, f64x2Const, i32x4Const, ins, uleb } from './simd.js';

const { get, set, tee, i32: i32c } = ins;

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** Words per loop pass of the block kernel (2 groups × 4 blocks × 4 words): stream buffers are padded to this. */
export const WORDS_PER_PASS = 48;
/** Groups of four blocks interleaved per pass (three measured fastest on V8: two leave multiplier latency exposed, four spill). */
const GROUPS = WORDS_PER_PASS / 16;

/** Fixed memory regions of the noise kernels for n parameters (see WasmMlp.create's `regions`). */
export function noiseRegions(n: number): { name: string; bytes: number }[] {
  const padded = Math.ceil(n / WORDS_PER_PASS) * WORDS_PER_PASS;
  return [
    { name: 'words', bytes: 4 * padded },
    { name: 'z', bytes: 4 * padded },
    { name: 'xi', bytes: 4 * padded },
    { name: 'src', bytes: 4 * padded },
    { name: 'sigma', bytes: 4 * padded },
    { name: 'dstSigma', bytes: 4 * padded },
    { name: 'block', bytes: 16 },
    { name: 'zigK', bytes: 4 * ZIG_LAYERS },
    { name: 'zigW', bytes: 8 * ZIG_LAYERS },
    // One 16-byte entry per layer, [W: f64, ceil(K): u32, 0]: a lane's two table reads become one v128 load.
    { name: 'zigKW', bytes: 16 * ZIG_LAYERS },
    { name: 'zigF', bytes: 8 * ZIG_LAYERS },
  ];
}

/** Writes the ziggurat tables into the kernel's memory (once, after instantiation). */
export function writeZigguratTables(u32: Uint32Array, f64: Float64Array, regions: Record<string, number>): void {
  // Integer thresholds: for a whole r, r < K ⟺ r < ceil(K).
  u32.set(
    Array.from(ZIG_K, (k) => Math.ceil(k)),
    regions.zigK >> 2,
  );
  f64.set(ZIG_W, regions.zigW >> 3);
  for (let i = 0; i < ZIG_LAYERS; i++) {
    f64[(regions.zigKW >> 3) + 2 * i] = ZIG_W[i];
    u32[(regions.zigKW >> 2) + 4 * i + 2] = Math.ceil(ZIG_K[i]);
  }
  f64.set(ZIG_F, regions.zigF >> 3);
}

const byteLanes = (idx: number[]): number[] => idx.flatMap((i) => [4 * i, 4 * i + 1, 4 * i + 2, 4 * i + 3]);

/**
 * `words(k0, k1, nPasses)`: Philox4x32-10 blocks 0 … 8·nPasses − 1 of key (k0, k1) (counter high words 0),
 * 32 stream words per pass, into the `words` region.
 */
function wordsFunc(regions: Record<string, number>): DefinedFunc {
  // params: 0 k0, 1 k1, 2 nPasses | i32: 3 ptr, 4 ctr, 5 ka, 6 kb, 7 round | v128: 8.. (2 groups × c0..c3), temps
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
    ...i32c(regions.words), ...set(PTR),
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
    params: [T.i32, T.i32, T.i32],
    results: [],
    locals: [T.i32, T.i32, T.i32, T.i32, T.i32, ...new Array<number>(TMP + 4 - C).fill(V128)],
    code,
  };
}

/**
 * `normals(k0, k1, outPtr, count)`: the stream's first `count` words as float32 standard normals at outPtr,
 * f32(0 + ±x) exactly as CounterRng.fillNormal(out, 0, 1) writes them. Four words per pass (layer
 * thresholds and widths gathered lane by lane); it may write up to 3 floats past `count`.
 */
function normalsFunc(regions: Record<string, number>, wordsIndex: number, slowIndex: number): DefinedFunc {
  // params: 0 k0, 1 k1, 2 out, 3 count | i32: 4 j (bytes), 5 end (bytes), 6 mask
  // | v128: 7 u, 8 r, 9 k, 10 wlo, 11 whi, 12 v, 13…16 table entries
  const [J, END, MASK, U, R, K, WLO, WHI, V, E0] = [4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  // Lane g's table entry [W, K] into v128 local E0 + g (layer·16 from the vector of words).
  const loadEntries = [
    ...get(U), ...i32x4Const(255), ...S.and, ...i32c(4), ...S.i32x4Shl, ...set(K),
    ...[0, 1, 2, 3].flatMap((g) => [...get(K), ...S.i32x4Extract(g), ...S.load(regions.zigKW), ...set(E0 + g)]),
  ]; // prettier-ignore
  const gatherK = [
    ...get(E0), ...get(E0 + 1), ...S.shuffle(byteLanes([2, 6, 2, 6])),
    ...get(E0 + 2), ...get(E0 + 3), ...S.shuffle(byteLanes([2, 6, 2, 6])),
    ...S.shuffle(byteLanes([0, 1, 4, 5])), ...set(K),
  ]; // prettier-ignore
  const gatherW = (lo: number, dst: number): number[] => [
    ...get(E0 + lo), ...get(E0 + lo + 1), ...S.shuffle(byteLanes([0, 1, 4, 5])), ...set(dst),
  ]; // prettier-ignore
  // Rejected lane g: out[j] = f32(0 + slow(u, k0, k1, block j>>2, lane j&3)) with j = J/4 + g.
  const fixRejects = [0, 1, 2, 3].flatMap((g) => [
    ...get(MASK), ...i32c(1 << g), OP.i32And, OP.i32Eqz, OP.if, OP.void,
    ...get(2), ...get(J), OP.i32Add, ...i32c(4 * g), OP.i32Add,
    ...ins.f64(0),
    ...get(U), ...S.i32x4Extract(g), ...get(0), ...get(1),
    ...get(J), ...i32c(4), OPX.i32ShrU, ...i32c(g >> 2), OP.i32Add,
    ...i32c(g & 3),
    OP.call, ...uleb(slowIndex),
    OP.f64Add, OP.f32DemoteF64, ...ins.mem(OP.f32Store, 2, 0),
    OP.end,
  ]); // prettier-ignore
  const code = [
    ...get(0), ...get(1), ...get(3), ...i32c(WORDS_PER_PASS - 1), OP.i32Add, ...i32c(WORDS_PER_PASS), 0x6e /* i32.div_u */, OP.call, ...uleb(wordsIndex),
    ...get(3), ...i32c(2), OP.i32Shl, ...set(END),
    OP.block, OP.void, OP.loop, OP.void,
    ...get(J), ...get(END), OP.i32GeU, OP.brIf, 1,
    ...get(J), ...S.load(regions.words), ...set(U),
    ...get(U), ...i32c(9), ...S.i32x4ShrU, ...set(R),
    ...loadEntries, ...gatherK, ...gatherW(0, WLO), ...gatherW(2, WHI),
    // x = r · W[layer] in float64, rounded to float32, sign from bit 8, then + 0 (−0 → +0 as 0 + x does).
    ...get(R), ...S.f64x2ConvertLowI32x4S, ...get(WLO), ...S.f64x2Mul, ...S.f32x4DemoteF64x2Zero,
    ...get(R), ...get(R), ...S.shuffle(byteLanes([2, 3, 0, 1])), ...S.f64x2ConvertLowI32x4S, ...get(WHI), ...S.f64x2Mul, ...S.f32x4DemoteF64x2Zero,
    ...S.shuffle(byteLanes([0, 1, 4, 5])),
    ...get(U), ...i32x4Const(256), ...S.and, ...i32c(23), ...S.i32x4Shl, ...S.xor,
    ...f32x4Const(0), ...S.f32x4Add, ...set(V),
    ...get(2), ...get(J), OP.i32Add, ...get(V), ...S.store(0),
    ...get(R), ...get(K), ...S.i32x4LtU, ...S.i32x4Bitmask, ...tee(MASK), ...i32c(15), OPX.i32Ne,
    OP.if, OP.void, ...fixRejects, OP.end,
    ...get(J), ...i32c(16), OP.i32Add, ...set(J),
    OP.br, 0, OP.end, OP.end,
  ]; // prettier-ignore
  return {
    exportName: 'normals',
    params: [T.i32, T.i32, T.i32, T.i32],
    results: [],
    locals: [T.i32, T.i32, T.i32, ...new Array<number>(10).fill(V128)],
    code,
  };
}

/**
 * `slow(u, k0, k1, blockLo, lane) → f64`: the ziggurat's slow path for stream word `u` at (block, lane),
 * as src/shared/rng/philox.ts's slowNormal: the tail beyond R for layer 0, else the wedge test; extra words
 * from the side blocks (blockLo, 0, 1 + lane, k), k = 0, 1, …, in order.
 */
function slowFunc(regions: Record<string, number>, blockIndex: number): DefinedFunc {
  // params: 0 u, 1 k0, 2 k1, 3 blockLo, 4 lane | i32: 5 i, 6 r, 7 k, 8 pos | f64: 9 x, 10 tx, 11 ty
  const [U, K0, K1, BLO, LANE, I, R, K, POS, X, TX, TY] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
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
    ...get(R), ...get(I), ...i32c(2), OP.i32Shl, ...ins.mem(OP.i32Load, 2, regions.zigK), OP.i32LtU,
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
    OP.f64Mul, OP.f64Add,
    ...ins.f64(-0.5), ...get(X), OP.f64Mul, ...get(X), OP.f64Mul, OP.call, ...uleb(IMPORTS.exp),
    OP.f64Lt,
    OP.if, OP.void, ...signed(get(X)), OPX.return, OP.end,
    ...sideWord, ...set(U),
    OP.br, 0,
    OP.end,
    OPX.unreachable,
  ]; // prettier-ignore
  return {
    exportName: 'slow',
    params: [T.i32, T.i32, T.i32, T.i32, T.i32],
    results: [T.f64],
    locals: [T.i32, T.i32, T.i32, T.i32, T.f64, T.f64, T.f64],
    code,
  };
}

/** Lanes (2h, 2h+1) of the f32x4 local `v`, promoted to f64x2. */
const promoteHalf = (v: number, h: number): number[] =>
  h === 0
    ? [...get(v), ...S.f64x2PromoteLowF32x4]
    : [...get(v), ...get(v), ...S.shuffle(byteLanes([2, 3, 0, 1])), ...S.f64x2PromoteLowF32x4];

/** Two f64x2 locals → one f32x4 on the stack (each demoted; lanes in order). */
const demotePair = (lo: number, hi: number): number[] => [
  ...get(lo),
  ...S.f32x4DemoteF64x2Zero,
  ...get(hi),
  ...S.f32x4DemoteF64x2Zero,
  ...S.shuffle(byteLanes([0, 1, 4, 5])),
];

/**
 * `varyAdaptive(n, k)`: for each parameter j < n, σ' = clamp(f32(|σ·(1 + k·ξ)|)) and θ' = f32(θ + σ'·z), in
 * float64 like src/shared/algorithms/variation.ts; reads src, sigma, xi, z, writes params and dstSigma.
 */
function varyAdaptiveFunc(regions: Record<string, number>): DefinedFunc {
  // params: 0 n, 1 k (f64) | i32: 2 off | v128: 3 sig, 4 xi, 5 z, 6 th, 7 lo, 8 hi, 9 s32, 10 kv
  const [OFF, SIG, XI, Z, TH, LO, HI, S32, KV] = [2, 3, 4, 5, 6, 7, 8, 9, 10];
  const MIN = 1.1754943508222875e-38;
  const MAX = 3.4028234663852886e38;
  const sigmaHalf = (h: number, dst: number): number[] => [
    ...promoteHalf(SIG, h), ...f64x2Const(1), ...get(KV), ...promoteHalf(XI, h), ...S.f64x2Mul, ...S.f64x2Add,
    ...S.f64x2Mul, ...S.f64x2Abs, ...set(dst),
  ]; // prettier-ignore
  const thetaHalf = (h: number, dst: number): number[] => [
    ...promoteHalf(TH, h), ...promoteHalf(S32, h), ...promoteHalf(Z, h), ...S.f64x2Mul, ...S.f64x2Add, ...set(dst),
  ]; // prettier-ignore
  const code = [
    ...get(1), ...S.f64x2Splat, ...set(KV),
    ...get(0), ...i32c(2), OP.i32Shl, ...set(0), // n → bytes
    OP.block, OP.void, OP.loop, OP.void,
    ...get(OFF), ...get(0), OP.i32GeU, OP.brIf, 1,
    ...get(OFF), ...S.load(regions.sigma), ...set(SIG),
    ...get(OFF), ...S.load(regions.xi), ...set(XI),
    ...get(OFF), ...S.load(regions.z), ...set(Z),
    ...get(OFF), ...S.load(regions.src), ...set(TH),
    ...sigmaHalf(0, LO), ...sigmaHalf(1, HI), ...demotePair(LO, HI), ...set(S32),
    // σ below float32's smallest normal (or 0) → SIGMA_MIN; above its largest (∞) → SIGMA_MAX; NaN stays.
    ...f32x4Const(MIN), ...get(S32), ...get(S32), ...f32x4Const(MIN), ...S.f32x4Lt, ...S.bitselect, ...set(S32),
    ...f32x4Const(MAX), ...get(S32), ...f32x4Const(MAX), ...get(S32), ...S.f32x4Lt, ...S.bitselect, ...set(S32),
    ...get(OFF), ...get(S32), ...S.store(regions.dstSigma),
    ...thetaHalf(0, LO), ...thetaHalf(1, HI),
    ...get(OFF), ...demotePair(LO, HI), ...S.store(regions.params),
    ...get(OFF), ...i32c(16), OP.i32Add, ...set(OFF),
    OP.br, 0, OP.end, OP.end,
  ]; // prettier-ignore
  return {
    exportName: 'varyAdaptive',
    params: [T.i32, T.f64],
    results: [],
    locals: [T.i32, ...new Array<number>(8).fill(V128)],
    code,
  };
}

/** `varyFixed(n, sigma)`: θ' = f32(θ + σ·z) in float64 for j < n; reads src and z, writes params. */
function varyFixedFunc(regions: Record<string, number>): DefinedFunc {
  // params: 0 n, 1 sigma (f64) | i32: 2 off | v128: 3 z, 4 th, 5 lo, 6 hi, 7 sv
  const [OFF, Z, TH, LO, HI, SV] = [2, 3, 4, 5, 6, 7];
  const half = (h: number, dst: number): number[] => [
    ...promoteHalf(TH, h), ...get(SV), ...promoteHalf(Z, h), ...S.f64x2Mul, ...S.f64x2Add, ...set(dst),
  ]; // prettier-ignore
  const code = [
    ...get(1), ...S.f64x2Splat, ...set(SV),
    ...get(0), ...i32c(2), OP.i32Shl, ...set(0),
    OP.block, OP.void, OP.loop, OP.void,
    ...get(OFF), ...get(0), OP.i32GeU, OP.brIf, 1,
    ...get(OFF), ...S.load(regions.z), ...set(Z),
    ...get(OFF), ...S.load(regions.src), ...set(TH),
    ...half(0, LO), ...half(1, HI),
    ...get(OFF), ...demotePair(LO, HI), ...S.store(regions.params),
    ...get(OFF), ...i32c(16), OP.i32Add, ...set(OFF),
    OP.br, 0, OP.end, OP.end,
  ]; // prettier-ignore
  return {
    exportName: 'varyFixed',
    params: [T.i32, T.f64],
    results: [],
    locals: [T.i32, ...new Array<number>(5).fill(V128)],
    code,
  };
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

/**
 * `varyRow(adaptive, pm0, pm1, ps0, ps1, agent, n, s)`: one agent's variation. Its stream keys are the
 * generation's prefixes (seed, purpose, generation) folded with the agent id as CounterRng.from does;
 * then the normals and `varyAdaptive(n, s)` (s = sigmaNoise) or `varyFixed(n, s)` (s = sigma).
 */
function varyRowFunc(
  regions: Record<string, number>,
  index: Record<'block' | 'normals' | 'varyAdaptive' | 'varyFixed', number>,
): DefinedFunc {
  // params: 0 adaptive, 1 pm0, 2 pm1, 3 ps0, 4 ps1, 5 agent, 6 n, 7 s (f64)
  const key = (k0: number, k1: number): number[] => [
    ...get(5), ...i32c(2), ...i32c(3), ...i32c(DERIVE_TAG), ...get(k0), ...get(k1), OP.call, ...uleb(index.block),
    ...i32c(0), ...ins.mem(OP.i32Load, 2, regions.block), ...i32c(0), ...ins.mem(OP.i32Load, 2, regions.block + 4),
  ]; // prettier-ignore
  const code = [
    ...key(1, 2), ...i32c(regions.z), ...get(6), OP.call, ...uleb(index.normals),
    ...get(0), OP.if, OP.void,
    ...key(3, 4), ...i32c(regions.xi), ...get(6), OP.call, ...uleb(index.normals),
    ...get(6), ...get(7), OP.call, ...uleb(index.varyAdaptive),
    OP.else,
    ...get(6), ...get(7), OP.call, ...uleb(index.varyFixed),
    OP.end,
  ]; // prettier-ignore
  return {
    exportName: 'varyRow',
    params: [T.i32, T.i32, T.i32, T.i32, T.i32, T.i32, T.i32, T.f64],
    results: [],
    locals: [],
    code,
  };
}

/**
 * The noise functions, to be appended after the MLP kernel's two functions (so `words` is function
 * index `firstIndex`).
 */
export function noiseFuncs(regions: Record<string, number>, firstIndex: number): DefinedFunc[] {
  return [
    wordsFunc(regions),
    normalsFunc(regions, firstIndex, firstIndex + 5),
    varyAdaptiveFunc(regions),
    varyFixedFunc(regions),
    blockFunc(regions),
    slowFunc(regions, firstIndex + 4),
    varyRowFunc(regions, {
      normals: firstIndex + 1,
      varyAdaptive: firstIndex + 2,
      varyFixed: firstIndex + 3,
      block: firstIndex + 4,
    }),
  ];
}

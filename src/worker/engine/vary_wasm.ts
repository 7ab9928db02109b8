/**
 * The variation of a run of agents in one WebAssembly SIMD call, bit for bit what
 * src/shared/algorithms/variation.ts computes with CounterRng: per agent, its two streams' words
 * (noise_wasm.ts), then one pass over its parameters, four at a time, that turns words into normals (the
 * ziggurat's fast path) and applies them at once (σ' = clamp(f32(|σ·(1 + k·ξ)|)), θ' = f32(θ + σ'·z) in
 * float64, or θ' = f32(θ + σ·z) for fixed σ). Lanes the fast path rejects (~1.5% of words) are listed as the
 * pass goes, without a branch; a second, short pass computes them four at a time (slow_lanes_wasm.ts) and
 * redoes their groups with the same vector code, so every value is the one the JavaScript computes.
 *
 * Rows are contiguous in the chunk regions: a row's last group may spill up to three lanes into the next
 * row, which is computed after it and overwrites them (the regions carry one group of padding).
 */
import { SIGMA_MAX, SIGMA_MIN } from '../../shared/algorithms/config.js';
import type { DefinedFunc } from '../../shared/rng/wasm_encoding.js';
import { paddedWords, WORDS_PER_PASS, type StreamFuncIndex } from './noise_wasm.js';
import { slowLanes, type SlowLaneLocals } from './slow_lanes_wasm.js';
import { DERIVE_TAG } from './stream_keys.js';
import { OP, OPX, S, T, V128, f32x4Const, f64x2Const, i32x4Const, ins, uleb } from './simd.js';

const { get, set, tee, i32: i32c } = ins;

const byteLanes = (idx: number[]): number[] => idx.flatMap((i) => [4 * i, 4 * i + 1, 4 * i + 2, 4 * i + 3]);

/** Rows a chunk holds: about 256 KiB of row buffers (four of them), at most 32 rows. */
export function chunkRows(n: number): number {
  return Math.max(1, Math.min(32, Math.floor(16384 / n)));
}

/** Fixed memory regions of the variation kernel for rows of n parameters (see WasmMlp.create's `regions`). */
export function varyRegions(n: number): { name: string; bytes: number }[] {
  const groups = Math.ceil(n / 4);
  const rows = 4 * chunkRows(n) * n + 16;
  return [
    // This agent's normals (for the second pass).
    { name: 'zs', bytes: 16 * groups },
    { name: 'xis', bytes: 16 * groups },
    // Rejected groups: (byte offset << 8) | lanes of z (bits 0–3) and of ξ (bits 4–7).
    { name: 'rejects', bytes: 4 * groups },
    // Chunk rows: parameters and σ in, varied parameters and σ out.
    { name: 'src', bytes: rows },
    { name: 'sigma', bytes: rows },
    { name: 'rows', bytes: rows },
    { name: 'rowSigma', bytes: rows },
    { name: 'fitness', bytes: 8 * chunkRows(n) },
    // Slow-path lanes of one row (up to 8 a group, plus 3 of padding): word, key, block, lane, destination.
    ...['recU', 'recK0', 'recK1', 'recBlk', 'recLane', 'recDst'].map((name) => ({ name, bytes: 4 * (8 * groups + 4) })),
    // Where the padding lanes' values go.
    { name: 'dummy', bytes: 16 },
  ];
}

interface Locals extends SlowLaneLocals {
  // i32
  agent: number;
  /** Where this row's normals z and ξ go (or come from). */
  pz: number;
  pxi: number;
  kz0: number;
  kz1: number;
  kx0: number;
  kx1: number;
  off: number;
  cnt: number;
  psrc: number;
  psig: number;
  pdst: number;
  pdsig: number;
  e: number;
  // v128
  z: number;
  xi: number;
  sig: number;
  th: number;
  lo: number;
  hi: number;
  s32: number;
  kvec: number;
}

const PARAMS = [T.i32, T.i32, T.i32, T.i32, T.i32, T.i32, T.i32, T.f64, T.i32];

function locals(): { L: Locals; types: number[] } {
  const i32Names = [
    'agent', 'kz0', 'kz1', 'kx0', 'kx1', 'off', 'cnt', 'psrc', 'psig', 'pdst', 'pdsig', 'mask', 'e', 'ent',
    'm', 'ma', 'round', 'pz', 'pxi',
  ]; // prettier-ignore
  const vNames = [
    'u', 'rr', 'kv', 'wlo', 'whi', 'z', 'xi', 'sig', 'th', 'lo', 'hi', 's32', 'kvec',
    // slow-path lanes
    'c0', 'c1', 'c2', 'c3', 'ka', 'kb', 't0', 't1', 't2', 't3', 'flo', 'fhi', 'plo', 'phi', 'xlo', 'xhi',
    'ylo', 'yhi', 'elo', 'ehi', 'nlo', 'nhi', 'alo', 'ahi', 'acc1', 'amb', 'acc2', 'v32',
  ]; // prettier-ignore
  const l: Record<string, number> = {};
  let at = PARAMS.length;
  for (const name of i32Names) l[name] = at++;
  l.lane = at;
  at += 4;
  for (const name of vNames) l[name] = at++;
  const types = [...new Array<number>(i32Names.length + 4).fill(T.i32), ...new Array<number>(vNames.length).fill(V128)];
  return { L: l as unknown as Locals, types };
}

/**
 * The ziggurat's fast path on the four words at byte offset `off` of region `words` (as CounterRng.normalAt:
 * layer = low 8 bits, sign = bit 8, abscissa r = top 23 bits, x = r·W[layer] in float64): f32(0 + ±x)
 * into local `dst`, and the lanes whose r is not below the layer's threshold (to be redone by the slow
 * path) as a 4-bit mask into i32 local `mask`.
 */
function zigFast(r: Record<string, number>, L: Locals, words: number, dst: number, mask: number): number[] {
  const lane = (g: number): number => L.lane + g;
  return [
    ...get(L.off), ...S.load(words), ...set(L.u),
    // Layer byte offsets (layer·8) from the words' low bytes: one byte load each, cheaper than lane extracts.
    ...[0, 1, 2, 3].flatMap((g) => [
      ...get(L.off), ...ins.mem(OP.i32Load8U, 0, words + 4 * g), ...i32c(3), OP.i32Shl, ...set(lane(g)),
    ]),
    ...get(lane(0)), ...S.load32Zero(r.zigK), ...set(L.kv),
    ...[1, 2, 3].flatMap((g) => [...get(lane(g)), ...get(L.kv), ...S.load32Lane(g, r.zigK), ...set(L.kv)]),
    ...get(lane(0)), ...S.load64Zero(r.zigW), ...set(L.wlo),
    ...get(lane(1)), ...get(L.wlo), ...S.load64Lane(1, r.zigW), ...set(L.wlo),
    ...get(lane(2)), ...S.load64Zero(r.zigW), ...set(L.whi),
    ...get(lane(3)), ...get(L.whi), ...S.load64Lane(1, r.zigW), ...set(L.whi),
    ...get(L.u), ...i32c(9), ...S.i32x4ShrU, ...set(L.rr),
    // r and ceil(K) are below 2^23: the signed compare (one instruction) is the unsigned one.
    ...get(L.rr), ...get(L.kv), ...S.i32x4LtS, ...S.i32x4Bitmask, ...i32c(15), OP.i32Xor, ...set(mask),
    ...get(L.rr), ...S.f64x2ConvertLowI32x4S, ...get(L.wlo), ...S.f64x2Mul, ...S.f32x4DemoteF64x2Zero,
    ...get(L.rr), ...get(L.rr), ...S.shuffle(byteLanes([2, 3, 0, 1])), ...S.f64x2ConvertLowI32x4S, ...get(L.whi), ...S.f64x2Mul, ...S.f32x4DemoteF64x2Zero,
    ...S.shuffle(byteLanes([0, 1, 4, 5])),
    ...get(L.u), ...i32x4Const(256), ...S.and, ...i32c(23), ...S.i32x4Shl, ...S.xor,
    ...f32x4Const(0), ...S.f32x4Add, ...set(dst),
  ]; // prettier-ignore
}

const ABS_MASK = S.const(new Uint8Array(new BigUint64Array([0x7fffffffffffffffn, 0x7fffffffffffffffn]).buffer));

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
 * One group of adaptive_sigma at byte offset `off` of the rows, from normals z, ξ in locals: σ' =
 * clamp(f32(|σ·(1 + k·ξ)|)), θ' = f32(θ + σ'·z), in float64 as variation.ts (k in f64x2 local kvec).
 */
function varyAdaptiveGroup(L: Locals): number[] {
  const sigmaHalf = (h: number, dst: number): number[] => [
    ...promoteHalf(L.sig, h), ...f64x2Const(1), ...get(L.kvec), ...promoteHalf(L.xi, h), ...S.f64x2Mul, ...S.f64x2Add,
    // |·| as a mask in a register (f64x2.abs reloads its mask from memory on V8).
    ...S.f64x2Mul, ...ABS_MASK, ...S.and, ...set(dst),
  ]; // prettier-ignore
  const thetaHalf = (h: number, dst: number): number[] => [
    ...promoteHalf(L.th, h), ...promoteHalf(L.s32, h), ...promoteHalf(L.z, h), ...S.f64x2Mul, ...S.f64x2Add, ...set(dst),
  ]; // prettier-ignore
  return [
    ...get(L.psig), ...get(L.off), OP.i32Add, ...S.load(0), ...set(L.sig),
    ...get(L.psrc), ...get(L.off), OP.i32Add, ...S.load(0), ...set(L.th),
    ...sigmaHalf(0, L.lo), ...sigmaHalf(1, L.hi), ...demotePair(L.lo, L.hi), ...set(L.s32),
    // σ below float32's smallest normal (or 0) → SIGMA_MIN; above its largest (∞) → SIGMA_MAX; NaN stays:
    // pmax(s, MIN) = s < MIN ? MIN : s and pmin(s, MAX) = MAX < s ? MAX : s, one instruction each.
    ...get(L.s32), ...f32x4Const(SIGMA_MIN), ...S.f32x4Pmax, ...f32x4Const(SIGMA_MAX), ...S.f32x4Pmin, ...set(L.s32),
    ...get(L.pdsig), ...get(L.off), OP.i32Add, ...get(L.s32), ...S.store(0),
    ...thetaHalf(0, L.lo), ...thetaHalf(1, L.hi),
    ...get(L.pdst), ...get(L.off), OP.i32Add, ...demotePair(L.lo, L.hi), ...S.store(0),
  ]; // prettier-ignore
}

/** One group of fixed_sigma: θ' = f32(θ + σ·z) in float64 (σ in f64x2 local kvec). */
function varyFixedGroup(L: Locals): number[] {
  const half = (h: number, dst: number): number[] => [
    ...promoteHalf(L.th, h), ...get(L.kvec), ...promoteHalf(L.z, h), ...S.f64x2Mul, ...S.f64x2Add, ...set(dst),
  ]; // prettier-ignore
  return [
    ...get(L.psrc), ...get(L.off), OP.i32Add, ...S.load(0), ...set(L.th),
    ...half(0, L.lo), ...half(1, L.hi),
    ...get(L.pdst), ...get(L.off), OP.i32Add, ...demotePair(L.lo, L.hi), ...S.store(0),
  ]; // prettier-ignore
}

/** Bytes of one agent's cached normals: its z row, then its ξ row, each a whole number of groups. */
export const normalsRowBytes = (n: number): number => 2 * 16 * Math.ceil(n / 4);

/**
 * The three row functions, all `(adaptive, pm0, pm1, ps0, ps1, agent0, count, s, ptr)`, on `count` agents
 * from agent0. (pm0, pm1) and (ps0, ps1) are the keys of (seed, mutation | sigma, generation), to which each
 * agent's id is folded as CounterRng.from does; s is sigmaNoise (adaptive) or σ (fixed).
 * - `varyRows`: agents agent0, agent0 + 1, … into rows 0, 1, … of the chunk regions (src, sigma → rows,
 *   rowSigma), normals drawn on the way (ptr unused).
 * - `normalsRows`: the normals alone of agents agent0, agent0 − 1, … (descending), agent c's z and ξ rows
 *   at ptr + c·normalsRowBytes(n), exactly the values `varyRows` draws.
 * - `applyRows`: as `varyRows`, with the normals of the chunk's first agent at ptr and each next agent's
 *   one normals row lower (as `normalsRows` laid them out).
 */
export function rowsFunc(
  kind: 'varyRows' | 'normalsRows' | 'applyRows',
  r: Record<string, number>,
  n: number,
  stream: StreamFuncIndex,
): DefinedFunc {
  const { L, types } = locals();
  const groups = Math.ceil(n / 4);
  const passes = paddedWords(n) / WORDS_PER_PASS;
  const rowBytes = normalsRowBytes(n);
  const draw = kind !== 'applyRows';
  const vary = kind !== 'normalsRows';
  const fold = (k0: number, k1: number, out0: number, out1: number): number[] => [
    ...get(L.agent), ...i32c(2), ...i32c(3), ...i32c(DERIVE_TAG), ...get(k0), ...get(k1), OP.call, ...uleb(stream.block),
    ...i32c(0), ...ins.mem(OP.i32Load, 2, r.block), ...set(out0),
    ...i32c(0), ...ins.mem(OP.i32Load, 2, r.block + 4), ...set(out1),
  ]; // prettier-ignore
  const words = (k0: number, k1: number, region: number): number[] => [
    ...get(k0), ...get(k1), ...i32c(passes), ...i32c(region), OP.call, ...uleb(stream.words),
  ]; // prettier-ignore
  const at = (base: number): number[] => [...get(base), ...get(L.off), OP.i32Add];
  const varyGroup = (adaptive: boolean): number[] => (adaptive ? varyAdaptiveGroup(L) : varyFixedGroup(L));
  // Main pass over the groups of one row: normals (drawn, or read), variation, and the groups with rejected lanes.
  const pass = (adaptive: boolean): number[] => {
    const code = [...i32c(0), ...set(L.off), ...i32c(0), ...set(L.cnt), OP.loop, OP.void];
    if (draw) {
      code.push(...zigFast(r, L, r.wordsZ, L.z, L.mask), ...at(L.pz), ...get(L.z), ...S.store(0));
      if (adaptive) {
        code.push(
          ...zigFast(r, L, r.wordsX, L.xi, L.ent), ...at(L.pxi), ...get(L.xi), ...S.store(0),
          ...get(L.mask), ...get(L.ent), ...i32c(4), OP.i32Shl, OP.i32Or, ...set(L.mask),
        ); // prettier-ignore
      }
      code.push(
        // rejects[cnt] = off << 8 | mask; cnt += (mask ≠ 0): no branch on the rare case.
        ...get(L.cnt), ...i32c(2), OP.i32Shl, ...get(L.off), ...i32c(8), OP.i32Shl, ...get(L.mask), OP.i32Or,
        ...ins.mem(OP.i32Store, 2, r.rejects),
        ...get(L.cnt), ...get(L.mask), ...i32c(0), OPX.i32Ne, OP.i32Add, ...set(L.cnt),
      ); // prettier-ignore
    } else {
      code.push(...at(L.pz), ...S.load(0), ...set(L.z));
      if (adaptive) code.push(...at(L.pxi), ...S.load(0), ...set(L.xi));
    }
    if (vary) code.push(...varyGroup(adaptive));
    code.push(
      ...get(L.off), ...i32c(16), OP.i32Add, ...tee(L.off), ...i32c(16 * groups), OPX.i32LtS, OP.brIf, 0,
      OP.end,
    ); // prettier-ignore
    return code;
  };
  // Second pass: the rejected lanes as records, their normals through `slowLanes`, then their groups again.
  const record = (bit0: number, words: number, out: number, k0: number, k1: number): number[] =>
    [0, 1, 2, 3].flatMap((g) => [
      ...get(L.mask), ...i32c(bit0 << g), OP.i32And, OP.if, OP.void,
      ...get(L.m), ...i32c(2), OP.i32Shl, ...set(L.ma),
      ...get(L.ma), ...get(L.off), ...ins.mem(OP.i32Load, 2, words + 4 * g), ...ins.mem(OP.i32Store, 2, r.recU),
      ...get(L.ma), ...get(k0), ...ins.mem(OP.i32Store, 2, r.recK0),
      ...get(L.ma), ...get(k1), ...ins.mem(OP.i32Store, 2, r.recK1),
      ...get(L.ma), ...get(L.off), ...i32c(4), OPX.i32ShrU, ...ins.mem(OP.i32Store, 2, r.recBlk),
      ...get(L.ma), ...i32c(g), ...ins.mem(OP.i32Store, 2, r.recLane),
      ...get(L.ma), ...at(out), ...i32c(4 * g), OP.i32Add, ...ins.mem(OP.i32Store, 2, r.recDst),
      ...get(L.m), ...i32c(1), OP.i32Add, ...set(L.m),
      OP.end,
    ]); // prettier-ignore
  const forEachReject = (body: number[]): number[] => [
    ...i32c(0), ...set(L.e),
    OP.block, OP.void, OP.loop, OP.void,
    ...get(L.e), ...get(L.cnt), OP.i32GeU, OP.brIf, 1,
    ...get(L.e), ...i32c(2), OP.i32Shl, ...ins.mem(OP.i32Load, 2, r.rejects), ...tee(L.ent),
    ...i32c(8), OPX.i32ShrU, ...set(L.off), ...get(L.ent), ...i32c(255), OP.i32And, ...set(L.mask),
    ...body,
    ...get(L.e), ...i32c(1), OP.i32Add, ...set(L.e),
    OP.br, 0, OP.end, OP.end,
  ]; // prettier-ignore
  const padRecords = [0, 1, 2].flatMap((p) => [
    ...get(L.m), ...i32c(2), OP.i32Shl, ...i32c(r.dummy), ...ins.mem(OP.i32Store, 2, r.recDst + 4 * p),
  ]); // prettier-ignore
  const fixPass = (adaptive: boolean): number[] => [
    ...get(L.cnt), OP.if, OP.void,
    ...i32c(0), ...set(L.m),
    ...forEachReject([
      ...record(1, r.wordsZ, L.pz, L.kz0, L.kz1),
      ...(adaptive ? record(16, r.wordsX, L.pxi, L.kx0, L.kx1) : []),
    ]),
    ...padRecords,
    ...slowLanes(r, L, stream.slow),
    ...(vary
      ? forEachReject([
          ...at(L.pz), ...S.load(0), ...set(L.z),
          ...(adaptive ? [...at(L.pxi), ...S.load(0), ...set(L.xi)] : []),
          ...varyGroup(adaptive),
        ])
      : []),
    OP.end,
  ]; // prettier-ignore
  const row = (adaptive: boolean): number[] =>
    draw
      ? [
          ...fold(1, 2, L.kz0, L.kz1),
          ...words(L.kz0, L.kz1, r.wordsZ),
          ...(adaptive ? [...fold(3, 4, L.kx0, L.kx1), ...words(L.kx0, L.kx1, r.wordsX)] : []),
          ...pass(adaptive),
          ...fixPass(adaptive),
        ]
      : pass(adaptive);
  const advance = (local: number, bytes: number): number[] =>
    bytes === 0 ? [] : [...get(local), ...i32c(bytes), OP.i32Add, ...set(local)];
  const step = kind === 'normalsRows' ? -1 : 1;
  const normalsStep = kind === 'varyRows' ? 0 : kind === 'normalsRows' ? rowBytes : -rowBytes;
  const code = [
    ...get(7), ...S.f64x2Splat, ...set(L.kvec),
    ...get(5), ...set(L.agent),
    ...i32c(r.src), ...set(L.psrc), ...i32c(r.sigma), ...set(L.psig),
    ...i32c(r.rows), ...set(L.pdst), ...i32c(r.rowSigma), ...set(L.pdsig),
    ...(kind === 'varyRows' ? [...i32c(r.zs), ...set(L.pz)] : [...get(8), ...set(L.pz)]),
    OP.block, OP.void, OP.loop, OP.void,
    ...get(6), OP.i32Eqz, OP.brIf, 1,
    ...(kind === 'varyRows' ? [...i32c(r.xis), ...set(L.pxi)] : [...get(L.pz), ...i32c(rowBytes / 2), OP.i32Add, ...set(L.pxi)]),
    ...get(0), OP.if, OP.void, ...row(true), OP.else, ...row(false), OP.end,
    ...advance(L.psrc, 4 * n), ...advance(L.psig, 4 * n), ...advance(L.pdst, 4 * n), ...advance(L.pdsig, 4 * n),
    ...advance(L.pz, normalsStep),
    ...get(L.agent), ...i32c(step), OP.i32Add, ...set(L.agent),
    ...get(6), ...i32c(1), OP.i32Sub, ...set(6),
    OP.br, 0, OP.end, OP.end,
  ]; // prettier-ignore
  return { exportName: kind, params: PARAMS, results: [], locals: types, code };
}

/**
 * `evalRows(count, nBlocks, n)`: forward pass and mean cross-entropy of chunk rows 0 … count − 1 on the
 * loaded batch (nBlocks sample blocks, n rows), into the `fitness` region (f64 each).
 */
export function evalRowsFunc(r: Record<string, number>, n: number, forward: number, ce: number): DefinedFunc {
  // params: 0 count, 1 nBlocks, 2 n | i32: 3 p, 4 out
  const [P, OUT] = [3, 4];
  const code = [
    ...i32c(r.rows), ...set(P), ...i32c(r.fitness), ...set(OUT),
    OP.block, OP.void, OP.loop, OP.void,
    ...get(0), OP.i32Eqz, OP.brIf, 1,
    ...get(P), ...get(1), OP.call, ...uleb(forward),
    ...get(OUT), ...get(1), ...get(2), OP.call, ...uleb(ce), ...ins.mem(OP.f64Store, 3, 0),
    ...get(P), ...i32c(4 * n), OP.i32Add, ...set(P),
    ...get(OUT), ...i32c(8), OP.i32Add, ...set(OUT),
    ...get(0), ...i32c(1), OP.i32Sub, ...set(0),
    OP.br, 0, OP.end, OP.end,
  ]; // prettier-ignore
  return { exportName: 'evalRows', params: [T.i32, T.i32, T.i32], results: [], locals: [T.i32, T.i32], code };
}

/**
 * The ziggurat's slow path for many lanes at once, for the variation kernel (vary_wasm.ts): the words the
 * fast path rejected (~1.5%), four per pass, with the same result as CounterRng's slowNormal for each.
 *
 * slowNormal takes its extra words from side blocks (block, 0, 1 + lane, k) of the word's stream; the
 * first side block settles ~97% of rejected words: the wedge test on side word 0 accepts, or rejects and
 * the next candidate (side word 1) passes its rectangle test. So for four lanes at a time (any mix of the
 * two streams: keys are per lane) this computes side block 0 with Philox on vector keys, both tests
 * without branches, and writes the normals; the lanes that need more (the tail beyond R, a candidate
 * that fails again, or y within EXP_BAND of exp(−x²/2)) go to the scalar `slow` afterwards.
 */
import { EXP_BAND, EXP_COEFFS, LN2_HI, LN2_LO, philoxLanes } from './noise_wasm.js';
import { OP, OPX, S, f32x4Const, f64x2Const, i32x4Const, ins, uleb } from './simd.js';

const { get, set, tee, i32: i32c } = ins;

const byteLanes = (idx: number[]): number[] => idx.flatMap((i) => [4 * i, 4 * i + 1, 4 * i + 2, 4 * i + 3]);

/** Local indices `slowLanes` uses (i32: m … lane + 3; v128: the rest; c0 … c3 and t0 … t3 consecutive). */
export interface SlowLaneLocals {
  // i32
  /** Records of the row (read). */
  m: number;
  ma: number;
  round: number;
  mask: number;
  ent: number;
  /** Four consecutive i32 locals. */
  lane: number;
  // v128
  u: number;
  rr: number;
  kv: number;
  wlo: number;
  whi: number;
  c0: number;
  c1: number;
  c2: number;
  c3: number;
  ka: number;
  kb: number;
  t0: number;
  t1: number;
  t2: number;
  t3: number;
  flo: number;
  fhi: number;
  plo: number;
  phi: number;
  xlo: number;
  xhi: number;
  ylo: number;
  yhi: number;
  elo: number;
  ehi: number;
  nlo: number;
  nhi: number;
  alo: number;
  ahi: number;
  acc1: number;
  amb: number;
  acc2: number;
  v32: number;
}

/** expNear (noise_wasm.ts) on both lanes of f64x2 local t, lane by lane the same operations; into local `out`. */
function expNear2(t: number, n: number, out: number): number[] {
  const code = [
    ...get(t), ...f64x2Const(Math.LOG2E), ...S.f64x2Mul, ...S.f64x2Nearest, ...set(n),
    ...get(t), ...get(n), ...f64x2Const(LN2_HI), ...S.f64x2Mul, ...S.f64x2Sub,
    ...get(n), ...f64x2Const(LN2_LO), ...S.f64x2Mul, ...S.f64x2Sub, ...set(out),
    ...f64x2Const(EXP_COEFFS[12]),
  ]; // prettier-ignore
  for (let k = 11; k >= 0; k--) code.push(...get(out), ...S.f64x2Mul, ...f64x2Const(EXP_COEFFS[k]), ...S.f64x2Add);
  code.push(
    ...get(n), ...S.i32x4TruncSatF64x2SZero, ...S.i64x2ExtendLowI32x4S,
    ...S.const(new Uint8Array(new BigInt64Array([1023n, 1023n]).buffer)), ...S.i64x2Add, ...i32c(52), ...S.i64x2Shl,
    ...S.f64x2Mul, ...set(out),
  ); // prettier-ignore
  return code;
}

/** Local `dst` ← f64x2 of table entries (8-byte stride at `table`) at the byte offsets in i32 locals (a, b). */
const gather64 = (table: number, a: number, b: number, dst: number): number[] => [
  ...get(a),
  ...S.load64Zero(table),
  ...set(dst),
  ...get(b),
  ...get(dst),
  ...S.load64Lane(1, table),
  ...set(dst),
];

/**
 * The m records of a row (regions recU, recK0, recK1, recBlk, recLane, recDst: word, stream key, block,
 * lane, where the float32 normal goes; padded with 3 records aimed at `dummy`), four lanes a pass; `slow`
 * is the index of the scalar slow path, `slow(u, k0, k1, block, lane) → f64`.
 */
export function slowLanes(r: Record<string, number>, L: SlowLaneLocals, slow: number): number[] {
  const lane = (g: number): number => L.lane + g;
  const extractLanes = (v: number): number[] =>
    [0, 1, 2, 3].flatMap((g) => [...get(v), ...S.i32x4Extract(g), ...set(lane(g))]);
  const layerOffsets = (u: number): number[] => [
    ...get(u), ...i32x4Const(255), ...S.and, ...i32c(3), ...S.i32x4Shl, ...set(L.rr), ...extractLanes(L.rr),
  ]; // prettier-ignore
  const rec = (name: string): number[] => [...get(L.ma), ...S.load(r[name])];
  const at = (name: string, g: number): number[] => [...get(L.ma), ...ins.mem(OP.i32Load, 2, r[name] + 4 * g)];
  const both = (f: (h: number) => number[]): number[] => [...f(0), ...f(1)];
  const half = (v: number, h: number): number[] =>
    h === 0 ? get(v) : [...get(v), ...get(v), ...S.shuffle(byteLanes([2, 3, 0, 1]))];
  const lo = (h: number, a: number, b: number): number => (h === 0 ? a : b);
  const narrow = (a: number, b: number): number[] => [...get(a), ...get(b), ...S.shuffle(byteLanes([0, 2, 4, 6]))];
  return [
    ...i32c(0), ...set(L.ma),
    OP.block, OP.void, OP.loop, OP.void,
    ...get(L.ma), ...get(L.m), ...i32c(2), OP.i32Shl, OP.i32GeU, OP.brIf, 1,
    // Side block 0 of each lane: counter (block, 0, 1 + lane, 0), the lane's stream key.
    ...rec('recBlk'), ...set(L.c0), ...i32x4Const(0), ...set(L.c1),
    ...rec('recLane'), ...i32x4Const(1), ...S.i32x4Add, ...set(L.c2), ...i32x4Const(0), ...set(L.c3),
    ...rec('recK0'), ...set(L.ka), ...rec('recK1'), ...set(L.kb),
    ...philoxLanes(L.c0, L.ka, L.kb, L.t0, L.round),
    // Candidate 1 (the rejected word): x = r·W[i]; wedge y = F[i] + (side0 >>> 8)·2⁻²⁴·(F[i−1] − F[i]).
    ...rec('recU'), ...set(L.u), ...layerOffsets(L.u),
    ...gather64(r.zigW, lane(0), lane(1), L.wlo), ...gather64(r.zigW, lane(2), lane(3), L.whi),
    ...gather64(r.zigF, lane(0), lane(1), L.flo), ...gather64(r.zigF, lane(2), lane(3), L.fhi),
    ...gather64(r.zigF - 8, lane(0), lane(1), L.plo), ...gather64(r.zigF - 8, lane(2), lane(3), L.phi),
    ...get(L.u), ...i32c(9), ...S.i32x4ShrU, ...set(L.rr),
    ...both((h) => [...half(L.rr, h), ...S.f64x2ConvertLowI32x4S, ...get(lo(h, L.wlo, L.whi)), ...S.f64x2Mul, ...set(lo(h, L.xlo, L.xhi))]),
    ...get(L.c0), ...i32c(8), ...S.i32x4ShrU, ...set(L.rr),
    ...both((h) => [
      ...get(lo(h, L.flo, L.fhi)),
      ...half(L.rr, h), ...S.f64x2ConvertLowI32x4S, ...f64x2Const(1 / 16777216), ...S.f64x2Mul,
      ...get(lo(h, L.plo, L.phi)), ...get(lo(h, L.flo, L.fhi)), ...S.f64x2Sub, ...S.f64x2Mul, ...S.f64x2Add,
      ...set(lo(h, L.ylo, L.yhi)),
      ...f64x2Const(-0.5), ...get(lo(h, L.xlo, L.xhi)), ...S.f64x2Mul, ...get(lo(h, L.xlo, L.xhi)), ...S.f64x2Mul,
      ...set(lo(h, L.t0, L.t1)),
    ]),
    ...expNear2(L.t0, L.nlo, L.elo), ...expNear2(L.t1, L.nhi, L.ehi),
    ...both((h) => [
      ...get(lo(h, L.ylo, L.yhi)), ...get(lo(h, L.elo, L.ehi)), ...f64x2Const(1 - EXP_BAND), ...S.f64x2Mul, ...S.f64x2Lt,
      ...set(lo(h, L.alo, L.ahi)),
      ...get(lo(h, L.ylo, L.yhi)), ...get(lo(h, L.elo, L.ehi)), ...f64x2Const(1 + EXP_BAND), ...S.f64x2Mul, ...S.f64x2Le,
      ...set(lo(h, L.elo, L.ehi)),
    ]),
    ...narrow(L.alo, L.ahi), ...set(L.acc1),
    // Inside the band: neither clearly below nor clearly above.
    ...narrow(L.elo, L.ehi), ...get(L.acc1), ...S.andNot, ...set(L.amb),
    // Candidate 2 (side word 1), used where the wedge rejects: the rectangle test.
    ...layerOffsets(L.c1),
    ...get(lane(0)), ...S.load32Zero(r.zigK), ...set(L.kv),
    ...[1, 2, 3].flatMap((g) => [...get(lane(g)), ...get(L.kv), ...S.load32Lane(g, r.zigK), ...set(L.kv)]),
    ...gather64(r.zigW, lane(0), lane(1), L.wlo), ...gather64(r.zigW, lane(2), lane(3), L.whi),
    ...get(L.c1), ...i32c(9), ...S.i32x4ShrU, ...set(L.rr),
    ...get(L.rr), ...get(L.kv), ...S.i32x4LtS, ...set(L.acc2),
    ...both((h) => [
      ...get(lo(h, L.xlo, L.xhi)),
      ...half(L.rr, h), ...S.f64x2ConvertLowI32x4S, ...get(lo(h, L.wlo, L.whi)), ...S.f64x2Mul,
      ...get(lo(h, L.alo, L.ahi)), ...S.bitselect, ...set(lo(h, L.xlo, L.xhi)),
    ]),
    // f32(0 + ±x) with the sign of the candidate taken.
    ...get(L.xlo), ...S.f32x4DemoteF64x2Zero, ...get(L.xhi), ...S.f32x4DemoteF64x2Zero, ...S.shuffle(byteLanes([0, 1, 4, 5])),
    ...get(L.u), ...get(L.c1), ...get(L.acc1), ...S.bitselect, ...i32x4Const(256), ...S.and, ...i32c(23), ...S.i32x4Shl,
    ...S.xor, ...f32x4Const(0), ...S.f32x4Add, ...set(L.v32),
    ...[0, 1, 2, 3].flatMap((g) => [...at('recDst', g), ...get(L.v32), ...S.f32x4Extract(g), ...ins.mem(OP.f32Store, 2, 0)]),
    // The rest: tails (layer 0), the band, and a second candidate that fails its rectangle too.
    ...get(L.u), ...i32x4Const(255), ...S.and, ...i32x4Const(0), ...S.i32x4Eq,
    ...get(L.amb), ...S.or,
    ...get(L.acc1), ...get(L.acc2), ...S.or, ...i32x4Const(-1), ...S.xor, ...S.or,
    ...S.i32x4Bitmask,
    // Lanes past the row's last record are padding: keep lanes < m − ma/4 (shifting 15 right by 4 − that, if < 4).
    ...i32c(15), ...i32c(4), ...get(L.m), ...get(L.ma), ...i32c(2), OPX.i32ShrU, OP.i32Sub, OP.i32Sub, ...tee(L.ent),
    ...i32c(0), ...get(L.ent), ...i32c(0), OPX.i32GtS, OP.select, OPX.i32ShrU, OP.i32And, ...set(L.mask),
    ...[0, 1, 2, 3].flatMap((g) => [
      ...get(L.mask), ...i32c(1 << g), OP.i32And, OP.if, OP.void,
      ...at('recDst', g), ...ins.f64(0),
      ...at('recU', g), ...at('recK0', g), ...at('recK1', g), ...at('recBlk', g), ...at('recLane', g),
      OP.call, ...uleb(slow),
      OP.f64Add, OP.f32DemoteF64, ...ins.mem(OP.f32Store, 2, 0),
      OP.end,
    ]),
    ...get(L.ma), ...i32c(16), OP.i32Add, ...set(L.ma),
    OP.br, 0, OP.end, OP.end,
  ]; // prettier-ignore
}

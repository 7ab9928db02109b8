/**
 * The forward pass in WebAssembly SIMD, generated for one network shape and laid out for V8's optimising
 * compiler. Each value is the same float32 computation as before (and as a lane-by-lane float32 reference:
 * bias first, then one multiply and one add per input in index order, then the activation), so outputs
 * are the same bits; what changed is the shape of the loops. TurboFan issues a straight-line block's loads
 * before its arithmetic and keeps every loop-invariant address in a register of its own, so a fully
 * unrolled dot product over many inputs spilled most of its values to the stack; here the loop over inputs
 * is a real loop of one input per pass, four outputs × two sample blocks accumulating in registers,
 * weights reached through moving pointers.
 *
 * tanh clamps its argument with pmin/pmax (one instruction each) instead of min/max, whose NaN and ±0
 * rules V8 spells out in about eight: for every number (±0 and ±∞ included) the two agree, and a NaN
 * stays a NaN either way (only its payload bits may differ, which no fitness or comparison can see).
 */
import type { LayerLayout } from '../../shared/model/mlp.js';
import { HDR } from './mlp_wasm_code.js';
import { OP, OPX, S, T, V128, f32x4Const, ins, type DefinedFunc } from './simd.js';

const { get, set, tee, i32: i32c } = ins;

// Coefficients of the float32 rational tanh (as src/shared/model/mlp.ts's fastTanh), in Horner order.
const TANH_CLAMP = 7.90531110763549805;
const TANH_P = [
  -2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11, 5.12229709037114e-8, 1.48572235717979e-5,
  6.37261928875436e-4, 4.89352455891786e-3,
];
const TANH_Q = [1.19825839466702e-6, 1.18534705686654e-4, 2.268434632439e-3, 4.89352518554385e-3];

/**
 * Outputs × sample blocks accumulated together. Measured on V8 (Node 20, x64) for 8→50→4 and 4→64→32→2:
 * 4×2 beats 2×2, 3×2, 4×1 and 2×4 (and a separate tanh pass over the layer).
 */
const TILE_OUT = 4;
const TILE_BLK = 2;

interface Locals {
  px: number;
  py: number;
  rem: number;
  pw: number;
  pb: number;
  pyo: number;
  oc: number;
  pxi: number;
  pwi: number;
  kc: number;
  acc: number;
  xv: number;
  w: number;
  t0: number;
  t1: number;
}

function locals(first: number): { L: Locals; types: number[] } {
  const i32Names = ['px', 'py', 'rem', 'pw', 'pb', 'pyo', 'oc', 'pxi', 'pwi', 'kc'] as const;
  const l: Record<string, number> = {};
  let at = first;
  for (const name of i32Names) l[name] = at++;
  l.acc = at;
  at += TILE_OUT * TILE_BLK;
  l.xv = at;
  at += TILE_BLK;
  l.w = at++;
  l.t0 = at++;
  l.t1 = at++;
  const types = [
    ...new Array<number>(i32Names.length).fill(T.i32),
    ...new Array<number>(at - first - i32Names.length).fill(V128),
  ];
  return { L: l as unknown as Locals, types };
}

const addTo = (local: number, bytes: number): number[] =>
  bytes === 0 ? [] : [...get(local), ...i32c(bytes), OP.i32Add, ...set(local)];
const loadHdr = (index: number): number[] => [...i32c(0), ...ins.mem(OP.i32Load, 2, 4 * index)];

/** Value on the stack → tanh(value): the float32 rational approximation of src/shared/model/mlp.ts's fastTanh. */
function tanhCode(L: Locals): number[] {
  const horner = (coeffs: number[]): number[] => {
    const code = [...f32x4Const(coeffs[0])];
    for (let k = 1; k < coeffs.length; k++)
      code.push(...get(L.t1), ...S.f32x4Mul, ...f32x4Const(coeffs[k]), ...S.f32x4Add);
    return code;
  };
  return [
    ...f32x4Const(-TANH_CLAMP), ...S.f32x4Pmax, ...f32x4Const(TANH_CLAMP), ...S.f32x4Pmin, ...tee(L.t0),
    ...get(L.t0), ...S.f32x4Mul, ...set(L.t1),
    ...horner(TANH_P), ...get(L.t0), ...S.f32x4Mul,
    ...horner(TANH_Q), ...S.f32x4Div,
  ]; // prettier-ignore
}

function activationCode(act: 'none' | 'relu' | 'tanh', L: Locals): number[] {
  if (act === 'relu') return [...f32x4Const(0), ...S.f32x4Max];
  if (act === 'tanh') return tanhCode(L);
  return [];
}

/** One layer: out[b][m] = act(bias[m] + Σ_k W[m, k]·in[b][k]) for every sample block b. */
function layerCode(l: LayerLayout, inHdr: number, outHdr: number, act: 'none' | 'relu' | 'tanh', L: Locals): number[] {
  const K = l.inputs;
  const M = l.outputs;
  const acc = (g: number, h: number): number => L.acc + g * TILE_BLK + h;
  /** A tile of gOut outputs × gBlk blocks at (pw, pb, pyo), inputs at px. */
  const tile = (gOut: number, gBlk: number): number[] => {
    const code: number[] = [];
    for (let g = 0; g < gOut; g++)
      for (let h = 0; h < gBlk; h++) code.push(...get(L.pb), ...S.load32Splat(4 * g), ...set(acc(g, h)));
    code.push(...get(L.px), ...set(L.pxi), ...get(L.pw), ...set(L.pwi), ...i32c(K), ...set(L.kc));
    code.push(OP.loop, OP.void);
    for (let h = 0; h < gBlk; h++) code.push(...get(L.pxi), ...S.load(h * K * 16), ...set(L.xv + h));
    for (let g = 0; g < gOut; g++) {
      code.push(...get(L.pwi), ...S.load32Splat(g * K * 4), ...set(L.w));
      for (let h = 0; h < gBlk; h++)
        code.push(...get(acc(g, h)), ...get(L.w), ...get(L.xv + h), ...S.f32x4Mul, ...S.f32x4Add, ...set(acc(g, h)));
    }
    code.push(...addTo(L.pxi, 16), ...addTo(L.pwi, 4));
    code.push(...get(L.kc), ...i32c(1), OP.i32Sub, ...tee(L.kc), OP.brIf, 0, OP.end);
    for (let g = 0; g < gOut; g++)
      for (let h = 0; h < gBlk; h++)
        code.push(...get(L.pyo), ...get(acc(g, h)), ...activationCode(act, L), ...S.store((h * M + g) * 16));
    return code;
  };
  const outputs = (gBlk: number): number[] => {
    const code: number[] = [
      ...get(0), ...i32c(4 * l.weightOffset), OP.i32Add, ...set(L.pw),
      ...get(0), ...i32c(4 * l.biasOffset), OP.i32Add, ...set(L.pb),
      ...get(L.py), ...set(L.pyo),
    ]; // prettier-ignore
    const groups = Math.floor(M / TILE_OUT);
    if (groups > 0) {
      code.push(...i32c(groups), ...set(L.oc), OP.loop, OP.void, ...tile(TILE_OUT, gBlk));
      code.push(...addTo(L.pw, TILE_OUT * K * 4), ...addTo(L.pb, 4 * TILE_OUT), ...addTo(L.pyo, 16 * TILE_OUT));
      code.push(...get(L.oc), ...i32c(1), OP.i32Sub, ...tee(L.oc), OP.brIf, 0, OP.end);
    }
    if (M % TILE_OUT !== 0) code.push(...tile(M % TILE_OUT, gBlk));
    return code;
  };
  return [
    ...loadHdr(inHdr), ...set(L.px), ...loadHdr(outHdr), ...set(L.py), ...get(1), ...set(L.rem),
    OP.block, OP.void, OP.loop, OP.void,
    ...get(L.rem), ...i32c(TILE_BLK), OPX.i32LtS, OP.brIf, 1,
    ...outputs(TILE_BLK),
    ...addTo(L.px, TILE_BLK * K * 16), ...addTo(L.py, TILE_BLK * M * 16),
    ...get(L.rem), ...i32c(TILE_BLK), OP.i32Sub, ...set(L.rem),
    OP.br, 0, OP.end, OP.end,
    OP.block, OP.void, OP.loop, OP.void,
    ...get(L.rem), OP.i32Eqz, OP.brIf, 1,
    ...outputs(1),
    ...addTo(L.px, K * 16), ...addTo(L.py, M * 16),
    ...get(L.rem), ...i32c(1), OP.i32Sub, ...set(L.rem),
    OP.br, 0, OP.end, OP.end,
  ]; // prettier-ignore
}

/** `forward(pParams, nBlocks)`: all layers over the blocked batch; ACT(L) holds the logits. */
export function forwardFunc(layers: readonly LayerLayout[], activation: 'relu' | 'tanh'): DefinedFunc {
  const { L, types } = locals(2);
  const code = layers.flatMap((l, li) =>
    layerCode(l, li === 0 ? HDR.x : HDR.act + li - 1, HDR.act + li, li === layers.length - 1 ? 'none' : activation, L),
  );
  return { exportName: 'forward', params: [T.i32, T.i32], results: [], locals: types, code };
}

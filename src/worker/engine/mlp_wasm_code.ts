/**
 * Code generation for the MLP kernels in WebAssembly SIMD, specialised to one network shape: every weight
 * offset is a constant of the instruction that loads it, so the inner loops are straight-line code.
 *
 * Activations live in a *blocked* layout: samples in blocks of four, one v128 per (block, unit) holding
 * that unit's value for the block's four samples; a weight is loaded once, splatted, and feeds four
 * multiply-adds (×2 blocks × up to 4 units per tile). Arithmetic is float32, accumulating over inputs in
 * index order, so results do not depend on the batch size, the block a sample falls in, or the machine.
 */
import type { LayerLayout } from '../../shared/model/mlp.js';
import { OP, OPX, S, T, V128, f32x4Const, ins, type DefinedFunc } from './simd.js';

const { get, set, tee, i32: i32c } = ins;

/** Header words (i32 at byte 4·i): where the batch-sized regions currently live, so they can move when a batch grows. */
export const HDR = {
  /** Blocked input batch. */
  x: 0,
  /** ACT(l), l = 1…L, at HDR.act + l − 1: blocked outputs of layer l (post-activation; logits for the last). */
  act: 1,
} as const;

/** Header word index of DELTA(l), l = 1…L (blocked ∂loss/∂pre-activation), for L layers. */
export const hdrDelta = (L: number, l: number): number => HDR.act + L + (l - 1);

// Coefficients of the float32 rational tanh (as src/shared/model/mlp.ts's fastTanh).
const TANH = {
  clamp: 7.90531110763549805,
  a: [-2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11, 5.12229709037114e-8, 1.48572235717979e-5, 6.37261928875436e-4, 4.89352455891786e-3],
  b: [1.19825839466702e-6, 1.18534705686654e-4, 2.26843463243900e-3, 4.89352518554385e-3],
}; // prettier-ignore

export type Act = 'none' | 'relu' | 'tanh';

/** Local slots shared by the generated functions (params first, then these). */
interface Locals {
  remaining: number;
  px: number;
  py: number;
  pw: number;
  pb: number;
  pyo: number;
  oc: number;
  pxi: number;
  pwi: number;
  chunk: number;
  pa: number;
  acc: number; // 8 v128
  xv: number; // 2 v128
  w: number;
  t0: number;
  t1: number;
  t2: number;
}

function localsFrom(first: number): { locals: Locals; types: number[] } {
  const i32Names = ['remaining', 'px', 'py', 'pw', 'pb', 'pyo', 'oc', 'pxi', 'pwi', 'chunk', 'pa'] as const;
  const l = {} as Record<string, number>;
  let at = first;
  for (const n of i32Names) l[n] = at++;
  l.acc = at;
  at += 16;
  l.xv = at;
  at += 4;
  l.w = at++;
  l.t0 = at++;
  l.t1 = at++;
  l.t2 = at++;
  const types = [
    ...new Array<number>(i32Names.length).fill(T.i32),
    ...new Array<number>(at - first - i32Names.length).fill(V128),
  ];
  return { locals: l as unknown as Locals, types };
}

const loadHdr = (index: number): number[] => [...i32c(0), ...ins.mem(OP.i32Load, 2, 4 * index)];
const addTo = (local: number, bytes: number): number[] => [...get(local), ...i32c(bytes), OP.i32Add, ...set(local)];

/** Value on the stack → tanh(value) (float32 rational approximation; NaN stays NaN). */
function tanhCode(L: Locals): number[] {
  const c = TANH.clamp;
  const horner = (coeffs: number[]): number[] => {
    const code = [...f32x4Const(coeffs[0])];
    for (let k = 1; k < coeffs.length; k++)
      code.push(...get(L.t1), ...S.f32x4Mul, ...f32x4Const(coeffs[k]), ...S.f32x4Add);
    return code;
  };
  return [
    ...f32x4Const(-c), ...S.f32x4Max, ...f32x4Const(c), ...S.f32x4Min, ...tee(L.t0),
    ...get(L.t0), ...S.f32x4Mul, ...set(L.t1),
    ...horner(TANH.a), ...get(L.t0), ...S.f32x4Mul,
    ...horner(TANH.b), ...S.f32x4Div,
  ]; // prettier-ignore
}

function activationCode(act: Act, L: Locals): number[] {
  if (act === 'relu') return [...f32x4Const(0), ...S.f32x4Max];
  if (act === 'tanh') return tanhCode(L);
  return [];
}

/**
 * One dense pass out[b][m] = post(bias[m] + Σ_k w(m, k)·in[b][k]) over all sample blocks, for M outputs
 * and K inputs. Weight (m, k) sits at pw₀ + m·strideOut + k·strideIn bytes, so the same code serves the
 * forward pass (W[m, k]) and the backward pass through W (Wᵀ). `post` may multiply by an activation
 * derivative read at the output's position in another region (local pa tracks it).
 */
interface DensePass {
  K: number;
  M: number;
  /** Byte offset of weight (0, 0) from the params pointer (function param 0). */
  wBase: number;
  strideOut: number;
  strideIn: number;
  /** Byte offset of the bias from the params pointer, or undefined for none. */
  biasBase?: number;
  inHdr: number;
  outHdr: number;
  act: Act;
  /** Multiply by act'(a) with `a` the blocked activations at header word `derivHdr` (same shape as the output). */
  deriv?: { hdr: number; kind: 'relu' | 'tanh' };
}

const CHUNK = 64;
/**
 * Tile shape: outputs × sample blocks accumulated together. Measured on V8 (Node 20, x64): 2×2 beats
 * larger tiles, whose extra live registers V8's allocator spills (4×2 is ~20% slower, 4×3 ~30%).
 */
const TILE_OUT = 2;
const TILE_BLK = 2;

function densePass(p: DensePass, L: Locals, nBlocksParam: number): number[] {
  const { K, M } = p;
  const tile = (gOut: number, gBlk: number): number[] => {
    const code: number[] = [];
    const acc = (g: number, h: number): number => L.acc + g * TILE_BLK + h;
    for (let g = 0; g < gOut; g++) {
      for (let h = 0; h < gBlk; h++) {
        if (p.biasBase !== undefined) code.push(...get(L.pb), ...S.load32Splat(4 * g), ...set(acc(g, h)));
        else code.push(...f32x4Const(0), ...set(acc(g, h)));
      }
    }
    const body = (count: number): number[] => {
      const b: number[] = [];
      for (let k = 0; k < count; k++) {
        for (let h = 0; h < gBlk; h++) b.push(...get(L.pxi), ...S.load((h * K + k) * 16), ...set(L.xv + h));
        for (let g = 0; g < gOut; g++) {
          b.push(...get(L.pwi), ...S.load32Splat(g * p.strideOut + k * p.strideIn), ...set(L.w));
          for (let h = 0; h < gBlk; h++) {
            b.push(...get(acc(g, h)), ...get(L.w), ...get(L.xv + h), ...S.f32x4Mul, ...S.f32x4Add, ...set(acc(g, h)));
          }
        }
      }
      return b;
    };
    code.push(...get(L.px), ...set(L.pxi), ...get(L.pw), ...set(L.pwi));
    const chunks = Math.floor(K / CHUNK);
    const rest = K - chunks * CHUNK;
    if (chunks > 0) {
      code.push(...i32c(chunks), ...set(L.chunk), OP.loop, OP.void, ...body(CHUNK));
      code.push(...addTo(L.pxi, CHUNK * 16), ...addTo(L.pwi, CHUNK * p.strideIn));
      code.push(...get(L.chunk), ...i32c(1), OP.i32Sub, ...tee(L.chunk), OP.brIf, 0, OP.end);
    }
    code.push(...body(rest));
    for (let g = 0; g < gOut; g++) {
      for (let h = 0; h < gBlk; h++) {
        const off = (h * M + g) * 16;
        code.push(...get(L.pyo), ...get(acc(g, h)), ...activationCode(p.act, L));
        if (p.deriv !== undefined) {
          // a = the activation at this position; relu' = (a > 0), tanh' = 1 − a².
          code.push(...get(L.pa), ...S.load(off), ...set(L.t2));
          if (p.deriv.kind === 'relu') code.push(...f32x4Const(0), ...get(L.t2), ...S.f32x4Lt, ...S.and);
          else code.push(...f32x4Const(1), ...get(L.t2), ...get(L.t2), ...S.f32x4Mul, ...S.f32x4Sub, ...S.f32x4Mul);
        }
        code.push(...S.store(off));
      }
    }
    return code;
  };
  const outputs = (gBlk: number): number[] => {
    const code: number[] = [...get(0), ...i32c(p.wBase), OP.i32Add, ...set(L.pw)];
    if (p.biasBase !== undefined) code.push(...get(0), ...i32c(p.biasBase), OP.i32Add, ...set(L.pb));
    code.push(...get(L.py), ...set(L.pyo));
    if (p.deriv !== undefined)
      code.push(...get(L.pyo), ...loadHdr(p.deriv.hdr), OP.i32Add, ...loadHdr(p.outHdr), OP.i32Sub, ...set(L.pa));
    const groups = Math.floor(M / TILE_OUT);
    if (groups > 0) {
      code.push(...i32c(groups), ...set(L.oc), OP.loop, OP.void, ...tile(TILE_OUT, gBlk));
      code.push(...addTo(L.pw, TILE_OUT * p.strideOut), ...addTo(L.pb, 4 * TILE_OUT), ...addTo(L.pyo, 16 * TILE_OUT));
      if (p.deriv !== undefined) code.push(...addTo(L.pa, 16 * TILE_OUT));
      code.push(...get(L.oc), ...i32c(1), OP.i32Sub, ...tee(L.oc), OP.brIf, 0, OP.end);
    }
    if (M % TILE_OUT !== 0) code.push(...tile(M % TILE_OUT, gBlk));
    return code;
  };
  return [
    ...loadHdr(p.inHdr), ...set(L.px), ...loadHdr(p.outHdr), ...set(L.py), ...get(nBlocksParam), ...set(L.remaining),
    OP.block, OP.void, OP.loop, OP.void,
    ...get(L.remaining), ...i32c(TILE_BLK), OPX.i32LtS, OP.brIf, 1,
    ...outputs(TILE_BLK),
    ...addTo(L.px, TILE_BLK * K * 16), ...addTo(L.py, TILE_BLK * M * 16),
    ...get(L.remaining), ...i32c(TILE_BLK), OP.i32Sub, ...set(L.remaining),
    OP.br, 0, OP.end, OP.end,
    ...(TILE_BLK > 1 ? [
      OP.block, OP.void, OP.loop, OP.void,
      ...get(L.remaining), OP.i32Eqz, OP.brIf, 1,
      ...outputs(1),
      ...addTo(L.px, K * 16), ...addTo(L.py, M * 16),
      ...get(L.remaining), ...i32c(1), OP.i32Sub, ...set(L.remaining),
      OP.br, 0, OP.end, OP.end,
    ] : []),
  ]; // prettier-ignore
}

/**
 * `backward(pParams, nBlocks, pGrad)`: from DELTA(L) (set by the caller from the logits), the gradient of
 * every weight and bias into pGrad (params layout) and DELTA(l) for the layers below.
 */
export function backwardFunc(layers: readonly LayerLayout[], activation: 'relu' | 'tanh'): DefinedFunc {
  const { locals: L, types } = localsFrom(3);
  const n = layers.length;
  const code: number[] = [];
  for (let li = n - 1; li >= 0; li--) {
    const l = layers[li];
    code.push(...weightGradient(l, hdrDelta(n, li + 1), li === 0 ? HDR.x : HDR.act + li - 1, L));
    if (li > 0) {
      code.push(
        ...densePass(
          {
            K: l.outputs,
            M: l.inputs,
            wBase: 4 * l.weightOffset,
            strideOut: 4,
            strideIn: 4 * l.inputs,
            inHdr: hdrDelta(n, li + 1),
            outHdr: hdrDelta(n, li),
            act: 'none',
            deriv: { hdr: HDR.act + li - 1, kind: activation },
          },
          L,
          1,
        ),
      );
    }
  }
  return { exportName: 'backward', params: [T.i32, T.i32, T.i32], results: [], locals: types, code };
}

/** Sums each of four v128 locals' lanes: leaves [Σa, Σb, Σc, Σd] on the stack. */
function horizontalSums(a: number, b: number, c: number, d: number, L: Locals): number[] {
  const lanes = (idx: number[]): number[] => idx.flatMap((i) => [4 * i, 4 * i + 1, 4 * i + 2, 4 * i + 3]);
  const pairSum = (x: number, y: number): number[] => [
    ...get(x), ...get(y), ...S.shuffle(lanes([0, 1, 4, 5])),
    ...get(x), ...get(y), ...S.shuffle(lanes([2, 3, 6, 7])), ...S.f32x4Add,
  ]; // prettier-ignore
  return [
    ...pairSum(a, b), ...set(L.t0), ...pairSum(c, d), ...set(L.t1),
    ...get(L.t0), ...get(L.t1), ...S.shuffle(lanes([0, 2, 4, 6])),
    ...get(L.t0), ...get(L.t1), ...S.shuffle(lanes([1, 3, 5, 7])), ...S.f32x4Add,
  ]; // prettier-ignore
}

/**
 * grad W[o, k] = Σ_samples delta[o]·in[k] and grad b[o] = Σ_samples delta[o], for every output o: four
 * inputs at a time, accumulating over blocks in registers, then one horizontal sum per four weights.
 */
function weightGradient(l: LayerLayout, deltaHdr: number, inHdr: number, L: Locals): number[] {
  const K = l.inputs;
  const M = l.outputs;
  const gradAt = (o: number): number => 4 * (l.weightOffset + o * K);
  // Loop over outputs in generated code when small, else a wasm loop with a moving pointer would be needed;
  // layers here are at most a few hundred units wide, so the per-output code is emitted once and looped.
  const code: number[] = [];
  // pw: &grad W[o, 0]; pb: &grad b[o]; pyo: &delta[block 0][o]; oc: outputs left.
  code.push(...get(2), ...i32c(gradAt(0)), OP.i32Add, ...set(L.pw));
  code.push(...get(2), ...i32c(4 * l.biasOffset), OP.i32Add, ...set(L.pb));
  code.push(...loadHdr(deltaHdr), ...set(L.pyo), ...i32c(M), ...set(L.oc));
  code.push(OP.loop, OP.void);
  const group = (k0: number, count: number): number[] => {
    const c: number[] = [];
    for (let g = 0; g < count; g++) c.push(...f32x4Const(0), ...set(L.acc + g));
    c.push(...get(L.pyo), ...set(L.pa), ...loadHdr(inHdr), ...set(L.pxi), ...get(1), ...set(L.remaining));
    c.push(OP.loop, OP.void);
    c.push(...get(L.pa), ...S.load(0), ...set(L.w));
    for (let g = 0; g < count; g++) {
      c.push(
        ...get(L.acc + g),
        ...get(L.w),
        ...get(L.pxi),
        ...S.load((k0 + g) * 16),
        ...S.f32x4Mul,
        ...S.f32x4Add,
        ...set(L.acc + g),
      );
    }
    c.push(...addTo(L.pa, M * 16), ...addTo(L.pxi, K * 16));
    c.push(...get(L.remaining), ...i32c(1), OP.i32Sub, ...tee(L.remaining), OP.brIf, 0, OP.end);
    for (let g = count; g < 4; g++) c.push(...f32x4Const(0), ...set(L.acc + g));
    c.push(...horizontalSums(L.acc, L.acc + 1, L.acc + 2, L.acc + 3, L), ...set(L.t2));
    for (let g = 0; g < count; g++) {
      c.push(...get(L.pw), ...get(L.t2), ...S.f32x4Extract(g), ...ins.mem(OP.f32Store, 2, 4 * (k0 + g)));
    }
    return c;
  };
  for (let k0 = 0; k0 < K; k0 += 4) code.push(...group(k0, Math.min(4, K - k0)));
  // Bias: Σ over blocks of delta[o], then the four lanes.
  code.push(...f32x4Const(0), ...set(L.acc), ...get(L.pyo), ...set(L.pa), ...get(1), ...set(L.remaining));
  code.push(OP.loop, OP.void, ...get(L.acc), ...get(L.pa), ...S.load(0), ...S.f32x4Add, ...set(L.acc));
  code.push(
    ...addTo(L.pa, M * 16),
    ...get(L.remaining),
    ...i32c(1),
    OP.i32Sub,
    ...tee(L.remaining),
    OP.brIf,
    0,
    OP.end,
  );
  for (let g = 1; g < 4; g++) code.push(...f32x4Const(0), ...set(L.acc + g));
  code.push(...horizontalSums(L.acc, L.acc + 1, L.acc + 2, L.acc + 3, L), ...set(L.t2));
  code.push(...get(L.pb), ...get(L.t2), ...S.f32x4Extract(0), ...ins.mem(OP.f32Store, 2, 0));
  // Next output.
  code.push(...addTo(L.pw, 4 * K), ...addTo(L.pb, 4), ...addTo(L.pyo, 16));
  code.push(...get(L.oc), ...i32c(1), OP.i32Sub, ...tee(L.oc), OP.brIf, 0, OP.end);
  return code;
}

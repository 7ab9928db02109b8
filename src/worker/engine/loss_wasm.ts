/**
 * Mean softmax cross-entropy of the blocked logits in WebAssembly SIMD: float32 exp and log (Cephes'
 * expf/logf polynomials, ~1 ulp) four samples at a time, summed in float64. Replaces 5 Math.exp/log calls
 * per sample, which cost more than the network itself for the 8→50→4 policy.
 */
import { HDR } from './mlp_wasm_code.js';
import { OP, S, T, V128, f32x4Const, i32x4Const, ins, type DefinedFunc } from './simd.js';

const { get, set, tee, i32: i32c } = ins;

/** Header word of the labels region (i32 per sample, padded with 0), after ACT and DELTA for L layers. */
export const hdrLabels = (L: number): number => HDR.act + 2 * L;

const byteLanes = (idx: number[]): number[] => idx.flatMap((i) => [4 * i, 4 * i + 1, 4 * i + 2, 4 * i + 3]);

interface Temps {
  x: number;
  fx: number;
  y: number;
  e: number;
}

const horner = (coeffs: number[], x: number): number[] => {
  const code = [...f32x4Const(coeffs[0])];
  for (let k = 1; k < coeffs.length; k++) code.push(...get(x), ...S.f32x4Mul, ...f32x4Const(coeffs[k]), ...S.f32x4Add);
  return code;
};

/** Value (≤ 0 here, NaN passes) on the stack → exp(value). */
function expCode(t: Temps): number[] {
  return [
    ...f32x4Const(-87.33654), ...S.f32x4Max, ...tee(t.x),
    ...f32x4Const(Math.LOG2E), ...S.f32x4Mul, ...S.f32x4Nearest, ...set(t.fx),
    ...get(t.x), ...get(t.fx), ...f32x4Const(0.693359375), ...S.f32x4Mul, ...S.f32x4Sub,
    ...get(t.fx), ...f32x4Const(-2.12194440e-4), ...S.f32x4Mul, ...S.f32x4Sub, ...set(t.x),
    ...horner([1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1], t.x),
    ...get(t.x), ...get(t.x), ...S.f32x4Mul, ...S.f32x4Mul, ...get(t.x), ...S.f32x4Add, ...f32x4Const(1), ...S.f32x4Add,
    ...get(t.fx), ...S.i32x4TruncSatF32x4S, ...i32x4Const(127), ...S.i32x4Add, ...i32c(23), ...S.i32x4Shl,
    ...S.f32x4Mul,
  ]; // prettier-ignore
}

/** Value (≥ 1 here) on the stack → log(value). */
function logCode(t: Temps): number[] {
  return [
    ...tee(t.x),
    // frexp: value = m·2^e, m ∈ [0.5, 1)
    ...i32c(23), ...S.i32x4ShrU, ...i32x4Const(126), ...S.i32x4Sub, ...set(t.e),
    ...get(t.x), ...i32x4Const(0x7fffff), ...S.and, ...i32x4Const(0x3f000000), ...S.or, ...set(t.x),
    // m < √½: e −= 1, x = 2m − 1; else x = m − 1
    ...get(t.x), ...f32x4Const(Math.SQRT1_2), ...S.f32x4Lt, ...set(t.fx),
    ...get(t.e), ...get(t.fx), ...S.i32x4Add, ...S.f32x4ConvertI32x4S, ...set(t.e),
    ...get(t.x), ...get(t.x), ...get(t.fx), ...S.and, ...S.f32x4Add, ...f32x4Const(1), ...S.f32x4Sub, ...set(t.x),
    ...get(t.x), ...get(t.x), ...S.f32x4Mul, ...set(t.fx), // z = x²
    ...horner([7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1], t.x),
    ...get(t.x), ...S.f32x4Mul, ...get(t.fx), ...S.f32x4Mul, ...set(t.y),
    ...get(t.y), ...get(t.e), ...f32x4Const(-2.12194440e-4), ...S.f32x4Mul, ...S.f32x4Add,
    ...get(t.fx), ...f32x4Const(0.5), ...S.f32x4Mul, ...S.f32x4Sub,
    ...get(t.x), ...S.f32x4Add,
    ...get(t.e), ...f32x4Const(0.693359375), ...S.f32x4Mul, ...S.f32x4Add,
  ]; // prettier-ignore
}

/** `ce(nBlocks, n) → f64`: mean cross-entropy of ACT(L) against the labels region over the first n samples. */
export function ceFunc(L: number, k: number): DefinedFunc {
  // params: 0 nBlocks, 1 n | i32: 2 pl, 3 py | v128: 4 m, 5 z, 6 picked, 7 lab, 8 sidx, 9 nvec, 10 accLo, 11 accHi,
  // 12 x, 13 fx, 14 y, 15 e, 16 ce
  const [PL, PY, M, Z, PICKED, LAB, SIDX, NVEC, ACCLO, ACCHI, CE] = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16];
  const t: Temps = { x: 12, fx: 13, y: 14, e: 15 };
  const logit = (j: number): number[] => [...get(PL), ...S.load(16 * j)];
  const code: number[] = [
    ...i32c(0), ...ins.mem(OP.i32Load, 2, 4 * (HDR.act + L - 1)), ...set(PL),
    ...i32c(0), ...ins.mem(OP.i32Load, 2, 4 * hdrLabels(L)), ...set(PY),
    ...S.const(new Uint8Array(new Int32Array([0, 1, 2, 3]).buffer)), ...set(SIDX),
    ...get(1), ...S.i32x4Splat, ...set(NVEC),
    OP.block, OP.void, OP.loop, OP.void,
    ...get(0), OP.i32Eqz, OP.brIf, 1,
    ...get(PY), ...S.load(0), ...set(LAB),
    ...logit(0), ...set(M),
  ]; // prettier-ignore
  for (let j = 1; j < k; j++) code.push(...get(M), ...logit(j), ...S.f32x4Max, ...set(M));
  code.push(...f32x4Const(0), ...set(Z), ...f32x4Const(0), ...set(PICKED));
  for (let j = 0; j < k; j++) {
    code.push(...get(Z), ...logit(j), ...get(M), ...S.f32x4Sub, ...expCode(t), ...S.f32x4Add, ...set(Z));
    code.push(
      ...get(PICKED),
      ...logit(j),
      ...get(LAB),
      ...i32x4Const(j),
      ...S.i32x4Eq,
      ...S.and,
      ...S.f32x4Add,
      ...set(PICKED),
    );
  }
  code.push(
    ...get(M), ...get(Z), ...logCode(t), ...S.f32x4Add, ...get(PICKED), ...S.f32x4Sub,
    ...get(SIDX), ...get(NVEC), ...S.i32x4LtU, ...S.and, ...set(CE),
    ...get(ACCLO), ...get(CE), ...S.f64x2PromoteLowF32x4, ...S.f64x2Add, ...set(ACCLO),
    ...get(ACCHI), ...get(CE), ...get(CE), ...S.shuffle(byteLanes([2, 3, 0, 1])), ...S.f64x2PromoteLowF32x4, ...S.f64x2Add, ...set(ACCHI),
    ...get(SIDX), ...i32x4Const(4), ...S.i32x4Add, ...set(SIDX),
    ...get(PL), ...i32c(16 * k), OP.i32Add, ...set(PL),
    ...get(PY), ...i32c(16), OP.i32Add, ...set(PY),
    ...get(0), ...i32c(1), OP.i32Sub, ...set(0),
    OP.br, 0, OP.end, OP.end,
    ...get(ACCLO), ...get(ACCHI), ...S.f64x2Add, ...set(ACCLO),
    ...get(ACCLO), ...S.f64x2Extract(0), ...get(ACCLO), ...S.f64x2Extract(1), OP.f64Add,
    ...get(1), 0xb8 /* f64.convert_i32_u */, OP.f64Div,
  ); // prettier-ignore
  return {
    exportName: 'ce',
    params: [T.i32, T.i32],
    results: [T.f64],
    locals: [T.i32, T.i32, ...new Array<number>(13).fill(V128)],
    code,
  };
}

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EXP1_MLP, expMlp, paramCount, type MlpSpec } from '../../../src/shared/model/mlp.js';
import { CounterRng } from '../../../src/shared/rng/index.js';
import { WasmMlp } from '../../../src/worker/engine/mlp_wasm.js';

const f = Math.fround;
// The rational tanh's float32 coefficients (Eigen/XLA's, as src/shared/model/mlp.ts), Horner order.
const CLAMP = f(7.90531110763549805);
const P = [
  -2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11, 5.12229709037114e-8, 1.48572235717979e-5,
  6.37261928875436e-4, 4.89352455891786e-3,
].map(f);
const Q = [1.19825839466702e-6, 1.18534705686654e-4, 2.268434632439e-3, 4.89352518554385e-3].map(f);

/** tanh as four float32 lanes compute it: clamp, x², two Horner polynomials, one division (each op rounded). */
function tanh32(v: number): number {
  const t0 = Math.min(Math.max(v, -CLAMP), CLAMP);
  const t1 = f(t0 * t0);
  let p = P[0];
  for (let k = 1; k < P.length; k++) p = f(f(p * t1) + P[k]);
  p = f(p * t0);
  let q = Q[0];
  for (let k = 1; k < Q.length; k++) q = f(f(q * t1) + Q[k]);
  return f(p / q);
}

/**
 * The forward pass one float32 operation at a time, the kernel's definition: per output, the bias, then
 * + w·x for each input in index order (product and sum each rounded to float32), then the activation.
 */
function referenceLogits(spec: MlpSpec, params: Float32Array, x: Float32Array, n: number): Float32Array {
  const sizes = [spec.inputs, ...spec.hidden, spec.outputs];
  let input = x;
  let off = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [K, M] = [sizes[l], sizes[l + 1]];
    const w = off;
    const b = off + K * M;
    off = b + M;
    const out = new Float32Array(n * M);
    for (let s = 0; s < n; s++) {
      for (let m = 0; m < M; m++) {
        let acc = params[b + m];
        for (let k = 0; k < K; k++) acc = f(acc + f(params[w + m * K + k] * input[s * K + k]));
        if (l + 2 < sizes.length) acc = spec.activation === 'relu' ? Math.max(acc, 0) : tanh32(acc);
        out[s * M + m] = acc;
      }
    }
    input = out;
  }
  return input;
}

/** Same bits, except that any NaN equals any NaN (a NaN's payload is not a value anything reads). */
function assertSameBits(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < got.length; i++) {
    if (Number.isNaN(got[i]) && Number.isNaN(want[i])) continue;
    assert.equal(g[i], w[i], `${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

function forwardOf(spec: MlpSpec, params: Float32Array, x: Float32Array, n: number): Float32Array {
  const mlp = WasmMlp.create(spec);
  if (mlp === undefined) throw new Error('no WebAssembly SIMD here');
  mlp.setBatch(x, n);
  mlp.paramsView().set(params);
  mlp.forward();
  return mlp.readLogits();
}

const SHAPES: MlpSpec[] = [
  expMlp(8, 4),
  EXP1_MLP,
  expMlp(4, 2),
  { inputs: 6, hidden: [7, 5], outputs: 3, activation: 'tanh' },
  { inputs: 1, hidden: [1], outputs: 2, activation: 'relu' },
  { inputs: 130, hidden: [67], outputs: 5, activation: 'tanh' },
  { inputs: 3, hidden: [9, 11, 6], outputs: 7, activation: 'relu' },
];
const describeSpec = (s: MlpSpec): string => `${s.inputs}→${s.hidden.join('→')}→${s.outputs} ${s.activation}`;

describe('WebAssembly forward pass', () => {
  for (const spec of SHAPES) {
    it(`gives every logit the bits of the float32 reference, for batches of 1 to 101 rows (${describeSpec(spec)})`, () => {
      for (const [seed, n] of [1, 2, 3, 4, 5, 8, 9, 32, 33, 101].entries()) {
        const rng = CounterRng.from(seed, 77);
        // Weights from small to saturating: tanh's clamp and both sides of relu are reached.
        const params = rng.fillNormal(new Float32Array(paramCount(spec)), 0, seed % 3 === 2 ? 3 : 0.5);
        const x = rng.fillNormal(new Float32Array(n * spec.inputs), 0, seed % 2 === 1 ? 4 : 1);
        assertSameBits(forwardOf(spec, params, x, n), referenceLogits(spec, params, x, n), `n=${n}`);
      }
    });
  }

  it('keeps the reference bits on ±0, ±∞, NaN, subnormal and huge inputs and weights', () => {
    const specials = [0, -0, Infinity, -Infinity, NaN, 1e-45, -1e-40, 3e38, -3e38, 7.9053, -7.9054, 1, -1];
    for (const spec of [expMlp(8, 4), EXP1_MLP]) {
      const rng = CounterRng.from(3, 78);
      const n = 13;
      const params = rng.fillNormal(new Float32Array(paramCount(spec)), 0, 0.7);
      const x = rng.fillNormal(new Float32Array(n * spec.inputs));
      for (let i = 0; i < x.length; i += 3) x[i] = specials[i % specials.length];
      for (let i = 0; i < params.length; i += 37) params[i] = specials[(i / 37) % specials.length];
      assertSameBits(forwardOf(spec, params, x, n), referenceLogits(spec, params, x, n), describeSpec(spec));
    }
  });
});

/**
 * Output sensitivity of an MLP's parameters, the quantity safe mutations through gradients (SM-G, Lehman et al.
 * 2018, "Safe mutations for deep and recurrent neural networks through output gradients") divide mutations by:
 * a parameter whose change moves the network's outputs a lot is perturbed less.
 *
 * This is the paper's SM-G-ABS variant on the softmax probabilities p_k(x):
 *   s_j = sqrt( Σ_k ( (1/n) Σ_i |∂p_k(x_i)/∂θ_j| )² ),
 * with per-example absolute gradients, so that opposite-signed gradients of different inputs do not cancel (the
 * weakness of SM-G-SUM the paper points out). Pure: plain loops, no I/O, one backward pass per (example, output).
 */
import { denseLayer, layout, paramCount, type MlpSpec } from './mlp.js';
import { forwardFlopsPerSample } from './flops.js';

/** Per-parameter output sensitivity s_j of `params` over the n rows of `x` (n × spec.inputs). */
export function outputSensitivity(spec: MlpSpec, params: Float32Array, x: Float32Array, n: number): Float64Array {
  const layers = layout(spec);
  const L = layers.length;
  const K = spec.outputs;
  const P = paramCount(spec);
  const relu = spec.activation === 'relu';
  // acts[l]: the input of layer l for one example (acts[0] = x_i); acts[L] the logits.
  const acts = [new Float32Array(spec.inputs), ...layers.map((l) => new Float32Array(l.outputs))];
  const deltas = layers.map((l) => new Float64Array(l.outputs));
  const probs = new Float64Array(K);
  // acc[k·P + j] = Σ_i |∂p_k(x_i)/∂θ_j|
  const acc = new Float64Array(K * P);
  for (let i = 0; i < n; i++) {
    acts[0].set(x.subarray(i * spec.inputs, (i + 1) * spec.inputs));
    for (let li = 0; li < L; li++)
      denseLayer(params, layers[li], acts[li], 1, acts[li + 1], li === L - 1 ? 0 : relu ? 1 : 2);
    const logits = acts[L];
    let m = -Infinity;
    for (let k = 0; k < K; k++) m = Math.max(m, logits[k]);
    let z = 0;
    for (let k = 0; k < K; k++) z += probs[k] = Math.exp(logits[k] - m);
    for (let k = 0; k < K; k++) probs[k] /= z;
    for (let k = 0; k < K; k++) {
      // ∂p_k/∂logit_o = p_k (δ_ko − p_o)
      const top = deltas[L - 1];
      for (let o = 0; o < K; o++) top[o] = probs[k] * ((o === k ? 1 : 0) - probs[o]);
      const base = k * P;
      for (let li = L - 1; li >= 0; li--) {
        const l = layers[li];
        const d = deltas[li];
        const input = acts[li];
        for (let o = 0; o < l.outputs; o++) {
          const w = base + l.weightOffset + o * l.inputs;
          const dv = d[o];
          for (let q = 0; q < l.inputs; q++) acc[w + q] += Math.abs(dv * input[q]);
          acc[base + l.biasOffset + o] += Math.abs(dv);
        }
        if (li > 0) {
          const below = deltas[li - 1];
          below.fill(0);
          for (let o = 0; o < l.outputs; o++) {
            const w = l.weightOffset + o * l.inputs;
            for (let q = 0; q < l.inputs; q++) below[q] += d[o] * params[w + q];
          }
          const a = acts[li];
          for (let q = 0; q < l.inputs; q++) below[q] *= relu ? (a[q] > 0 ? 1 : 0) : 1 - a[q] * a[q];
        }
      }
    }
  }
  const s = new Float64Array(P);
  for (let j = 0; j < P; j++) {
    let sq = 0;
    for (let k = 0; k < K; k++) {
      const g = acc[k * P + j] / n;
      sq += g * g;
    }
    s[j] = Math.sqrt(sq);
  }
  return s;
}

/**
 * SM-G's per-parameter mutation scale: 1/s_j, normalised by the root-mean-square sensitivity so that a network's
 * average step stays the σ it is given (the paper's raw 1/s_j makes σ depend on the output scale), and clamped to
 * [1/maxScale, maxScale] so that a parameter the batch never exercises (s_j ≈ 0) cannot take an unbounded step.
 */
export function safeMutationScale(sensitivity: ArrayLike<number>, maxScale: number): Float64Array {
  const P = sensitivity.length;
  let ms = 0;
  for (let j = 0; j < P; j++) ms += sensitivity[j] * sensitivity[j];
  const rms = Math.sqrt(ms / Math.max(1, P));
  const out = new Float64Array(P);
  for (let j = 0; j < P; j++) {
    const s = sensitivity[j];
    const raw = rms > 0 ? (s > 0 ? rms / s : maxScale) : 1;
    out[j] = Math.min(maxScale, Math.max(1 / maxScale, raw));
  }
  return out;
}

/** FLOPs of one `outputSensitivity` call: n forward passes and K backward passes (2 × forward each) per example. */
export function sensitivityFlops(spec: MlpSpec, n: number): number {
  return n * forwardFlopsPerSample(spec) * (1 + 2 * spec.outputs);
}

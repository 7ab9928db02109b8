/**
 * Hand-written forward/backward for the MLPs of src/shared/model with softmax cross-entropy: for networks
 * this small, plain loops beat TensorFlow.js's per-op overhead by an order of magnitude on CPU.
 */
import { layout, fastTanh, type LayerLayout, type MlpSpec } from '../../shared/model/mlp.js';

/** Reusable buffers for one batch size; computes mean cross-entropy and its gradient. */
export class MlpBackprop {
  private readonly layers: LayerLayout[];
  /** acts[0] is the input batch (a view), acts[l] the output of layer l (post-activation; logits for the last). */
  private readonly acts: Float32Array[];
  private readonly deltas: Float32Array[];
  private readonly relu: boolean;

  constructor(
    readonly spec: MlpSpec,
    readonly maxBatch: number,
  ) {
    this.layers = layout(spec);
    this.relu = spec.activation === 'relu';
    this.acts = [new Float32Array(0), ...this.layers.map((l) => new Float32Array(maxBatch * l.outputs))];
    this.deltas = this.layers.map((l) => new Float32Array(maxBatch * l.outputs));
  }

  /**
   * Loss (mean CE over the n rows of `x`/`y`) and its gradient w.r.t. every parameter, written into `grad`
   * (same layout as params; overwritten).
   */
  lossAndGradient(params: Float32Array, x: Float32Array, y: ArrayLike<number>, n: number, grad: Float32Array): number {
    const L = this.layers.length;
    this.acts[0] = x;
    // Forward, keeping activations.
    for (let li = 0; li < L; li++) {
      const l = this.layers[li];
      const input = this.acts[li];
      const out = this.acts[li + 1];
      const last = li === L - 1;
      for (let s = 0; s < n; s++) {
        const r = s * l.inputs;
        for (let o = 0; o < l.outputs; o++) {
          let a = params[l.biasOffset + o];
          const w = l.weightOffset + o * l.inputs;
          for (let i = 0; i < l.inputs; i++) a += params[w + i] * input[r + i];
          if (!last) a = this.relu ? (a > 0 ? a : 0) : fastTanh(a);
          out[s * l.outputs + o] = a;
        }
      }
    }
    // Softmax cross-entropy and its gradient at the logits: (softmax − onehot) / n.
    const k = this.spec.outputs;
    const logits = this.acts[L];
    const dOut = this.deltas[L - 1];
    let loss = 0;
    for (let s = 0; s < n; s++) {
      const row = s * k;
      let m = -Infinity;
      for (let j = 0; j < k; j++) if (logits[row + j] > m) m = logits[row + j];
      let z = 0;
      for (let j = 0; j < k; j++) {
        const e = Math.exp(logits[row + j] - m);
        dOut[row + j] = e;
        z += e;
      }
      const label = y[s];
      loss += m + Math.log(z) - logits[row + label];
      for (let j = 0; j < k; j++) dOut[row + j] = (dOut[row + j] / z - (j === label ? 1 : 0)) / n;
    }
    // Backward.
    for (let li = L - 1; li >= 0; li--) {
      const l = this.layers[li];
      const delta = this.deltas[li];
      const input = this.acts[li];
      for (let o = 0; o < l.outputs; o++) {
        let gb = 0;
        const w = l.weightOffset + o * l.inputs;
        for (let i = 0; i < l.inputs; i++) grad[w + i] = 0;
        for (let s = 0; s < n; s++) {
          const d = delta[s * l.outputs + o];
          if (d === 0) continue;
          gb += d;
          const r = s * l.inputs;
          for (let i = 0; i < l.inputs; i++) grad[w + i] += d * input[r + i];
        }
        grad[l.biasOffset + o] = gb;
      }
      if (li > 0) {
        const prev = this.deltas[li - 1];
        const act = this.acts[li];
        for (let s = 0; s < n; s++) {
          for (let i = 0; i < l.inputs; i++) {
            let g = 0;
            for (let o = 0; o < l.outputs; o++) g += delta[s * l.outputs + o] * params[l.weightOffset + o * l.inputs + i];
            const a = act[s * l.inputs + i];
            prev[s * l.inputs + i] = this.relu ? (a > 0 ? g : 0) : g * (1 - a * a);
          }
        }
      }
    }
    return loss / n;
  }
}

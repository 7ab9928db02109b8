/**
 * Hand-written forward/backward for the MLPs of src/shared/model with softmax cross-entropy: for networks
 * this small, plain loops beat TensorFlow.js's per-op overhead by an order of magnitude on CPU.
 *
 * Runs the engine's WebAssembly SIMD kernels (float32, spec-specialised) where available, else JavaScript
 * loops that walk memory contiguously with four samples per weight load. Both give TensorFlow.js's
 * gradients to float32 tolerance; a given machine and kernel always gives the same bits.
 */
import { InvalidArgumentError } from '../../shared/errors.js';
import { denseLayer, layout, type LayerLayout, type MlpSpec } from '../../shared/model/mlp.js';
import { WasmMlp } from '../engine/mlp_wasm.js';

/** Reusable buffers for one batch size; computes mean cross-entropy and its gradient. */
export class MlpBackprop {
  private readonly layers: LayerLayout[];
  /** acts[0] is the input batch (a view), acts[l] the output of layer l (post-activation; logits for the last). */
  private readonly acts: Float32Array[];
  /** deltas[l]: ∂loss/∂(pre-activation of layer l), n × outputs. */
  private readonly deltas: Float32Array[];
  private readonly relu: boolean;
  private readonly numParams: number;
  private readonly wasm: WasmMlp | undefined;

  /** `kernel: 'js'` forces the JavaScript loops (for comparisons); by default WebAssembly SIMD when available. */
  constructor(
    readonly spec: MlpSpec,
    readonly maxBatch: number,
    options: { kernel?: 'auto' | 'js' } = {},
  ) {
    if (!Number.isInteger(maxBatch) || maxBatch <= 0) {
      throw new InvalidArgumentError(`MlpBackprop: maxBatch must be a positive integer, got ${maxBatch}`);
    }
    this.layers = layout(spec);
    this.relu = spec.activation === 'relu';
    this.acts = [new Float32Array(0), ...this.layers.map((l) => new Float32Array(maxBatch * l.outputs))];
    this.deltas = this.layers.map((l) => new Float32Array(maxBatch * l.outputs));
    const last = this.layers[this.layers.length - 1];
    this.numParams = last.biasOffset + last.outputs;
    this.wasm = options.kernel === 'js' ? undefined : WasmMlp.create(spec);
  }

  /** Which kernel computes the gradients: 'wasm-simd' or 'js'. */
  get kernel(): 'wasm-simd' | 'js' {
    return this.wasm === undefined ? 'js' : 'wasm-simd';
  }

  private check(params: Float32Array, grad: Float32Array, n: number): void {
    if (!Number.isInteger(n) || n < 1 || n > this.maxBatch) {
      throw new InvalidArgumentError(
        `MlpBackprop: batch of ${n} rows, but this instance was built for 1…${this.maxBatch}; build one with a larger maxBatch`,
      );
    }
    if (params.length < this.numParams || grad.length < this.numParams) {
      throw new InvalidArgumentError(
        `MlpBackprop: need ${this.numParams} params and grads; got ${params.length} and ${grad.length}`,
      );
    }
  }

  /**
   * As `lossAndGradient` on the batch made of rows `rows[0…n)` of `x` and `y` (gathered without an
   * intermediate copy: the SGD trainer's path).
   */
  lossAndGradientRows(
    params: Float32Array,
    x: Float32Array,
    y: ArrayLike<number>,
    rows: ArrayLike<number>,
    n: number,
    grad: Float32Array,
  ): number {
    this.check(params, grad, n);
    const d = this.spec.inputs;
    if (this.wasm === undefined) {
      const bx = new Float32Array(n * d);
      const by = new Int32Array(n);
      for (let s = 0; s < n; s++) {
        const r = rows[s];
        for (let i = 0; i < d; i++) bx[s * d + i] = x[r * d + i];
        by[s] = y[r];
      }
      return this.lossAndGradientJs(params, bx, by, n, grad);
    }
    const w = this.wasm;
    w.setBatchRows(x, rows, n);
    w.paramsView().set(params.subarray(0, this.numParams));
    w.forward();
    const labels = this.labels(n);
    for (let s = 0; s < n; s++) labels[s] = y[rows[s]];
    return w.lossAndGradient(labels, grad);
  }

  private labelBuffer = new Int32Array(0);
  private labels(n: number): Int32Array {
    if (this.labelBuffer.length < n) this.labelBuffer = new Int32Array(this.maxBatch);
    return this.labelBuffer;
  }

  /**
   * Loss (mean CE over the n rows of `x`/`y`) and its gradient w.r.t. every parameter, written into `grad`
   * (same layout as params; overwritten).
   */
  lossAndGradient(params: Float32Array, x: Float32Array, y: ArrayLike<number>, n: number, grad: Float32Array): number {
    this.check(params, grad, n);
    if (x.length < n * this.spec.inputs || y.length < n) {
      throw new InvalidArgumentError(`MlpBackprop: need ${n}×${this.spec.inputs} inputs and ${n} labels`);
    }
    if (this.wasm === undefined) return this.lossAndGradientJs(params, x, y, n, grad);
    const w = this.wasm;
    w.setBatch(x, n);
    w.paramsView().set(params.subarray(0, this.numParams));
    w.forward();
    return w.lossAndGradient(y, grad);
  }

  private lossAndGradientJs(
    params: Float32Array,
    x: Float32Array,
    y: ArrayLike<number>,
    n: number,
    grad: Float32Array,
  ): number {
    const { spec, layers } = this;
    const L = layers.length;
    this.acts[0] = x;
    const act = this.relu ? 1 : 2;
    for (let li = 0; li < L; li++) {
      denseLayer(params, layers[li], this.acts[li], n, this.acts[li + 1], li === L - 1 ? 0 : act);
    }
    const loss = softmaxCrossEntropyDelta(this.acts[L], y, n, spec.outputs, this.deltas[L - 1]);
    for (let li = L - 1; li >= 0; li--) {
      const l = layers[li];
      weightGradient(l, this.deltas[li], this.acts[li], n, grad);
      if (li > 0) inputDelta(l, params, this.deltas[li], this.acts[li], n, this.relu, this.deltas[li - 1]);
    }
    return loss;
  }
}

/** Mean cross-entropy of the logits, writing its gradient (softmax − onehot) / n into `delta`. */
function softmaxCrossEntropyDelta(
  logits: Float32Array,
  y: ArrayLike<number>,
  n: number,
  k: number,
  delta: Float32Array,
): number {
  let loss = 0;
  const invN = 1 / n;
  for (let s = 0; s < n; s++) {
    const row = s * k;
    const label = y[s];
    if (!(label >= 0 && label < k)) {
      throw new InvalidArgumentError(`MlpBackprop: label ${label} at row ${s} is not in [0, ${k})`);
    }
    let m = -Infinity;
    for (let j = 0; j < k; j++) if (logits[row + j] > m) m = logits[row + j];
    let z = 0;
    for (let j = 0; j < k; j++) {
      const e = Math.exp(logits[row + j] - m);
      delta[row + j] = e;
      z += e;
    }
    loss += m + Math.log(z) - logits[row + label];
    const scale = invN / z;
    for (let j = 0; j < k; j++) delta[row + j] *= scale;
    delta[row + label] -= invN;
  }
  return loss * invN;
}

/** grad W[o, :] = Σ_s delta[s, o]·input[s, :], grad b[o] = Σ_s delta[s, o]; four samples per pass over a row. */
function weightGradient(l: LayerLayout, delta: Float32Array, input: Float32Array, n: number, grad: Float32Array): void {
  const nin = l.inputs;
  const nout = l.outputs;
  for (let o = 0; o < nout; o++) {
    const w = l.weightOffset + o * nin;
    for (let i = 0; i < nin; i++) grad[w + i] = 0;
    let gb = 0;
    let s = 0;
    for (; s + 4 <= n; s += 4) {
      const d0 = delta[s * nout + o];
      const d1 = delta[(s + 1) * nout + o];
      const d2 = delta[(s + 2) * nout + o];
      const d3 = delta[(s + 3) * nout + o];
      gb += d0 + d1 + d2 + d3;
      const r0 = s * nin;
      const r1 = r0 + nin;
      const r2 = r1 + nin;
      const r3 = r2 + nin;
      for (let i = 0; i < nin; i++) {
        grad[w + i] += d0 * input[r0 + i] + d1 * input[r1 + i] + d2 * input[r2 + i] + d3 * input[r3 + i];
      }
    }
    for (; s < n; s++) {
      const d = delta[s * nout + o];
      gb += d;
      const r = s * nin;
      for (let i = 0; i < nin; i++) grad[w + i] += d * input[r + i];
    }
    grad[l.biasOffset + o] = gb;
  }
}

/**
 * The delta of the layer below: prev[s, i] = act'(a[s, i])·Σ_o delta[s, o]·W[o, i], with `a` the layer's
 * input (the post-activation output of the layer below). Runs over W's rows contiguously.
 */
function inputDelta(
  l: LayerLayout,
  params: Float32Array,
  delta: Float32Array,
  a: Float32Array,
  n: number,
  relu: boolean,
  prev: Float32Array,
): void {
  const nin = l.inputs;
  const nout = l.outputs;
  const wo = l.weightOffset;
  prev.fill(0, 0, n * nin);
  let s = 0;
  for (; s + 4 <= n; s += 4) {
    const r0 = s * nin;
    const r1 = r0 + nin;
    const r2 = r1 + nin;
    const r3 = r2 + nin;
    for (let o = 0; o < nout; o++) {
      const d0 = delta[s * nout + o];
      const d1 = delta[(s + 1) * nout + o];
      const d2 = delta[(s + 2) * nout + o];
      const d3 = delta[(s + 3) * nout + o];
      const w = wo + o * nin;
      for (let i = 0; i < nin; i++) {
        const wi = params[w + i];
        prev[r0 + i] += d0 * wi;
        prev[r1 + i] += d1 * wi;
        prev[r2 + i] += d2 * wi;
        prev[r3 + i] += d3 * wi;
      }
    }
  }
  for (; s < n; s++) {
    const r = s * nin;
    for (let o = 0; o < nout; o++) {
      const d = delta[s * nout + o];
      const w = wo + o * nin;
      for (let i = 0; i < nin; i++) prev[r + i] += d * params[w + i];
    }
  }
  const m = n * nin;
  if (relu) {
    for (let j = 0; j < m; j++) if (!(a[j] > 0)) prev[j] = 0;
  } else {
    for (let j = 0; j < m; j++) prev[j] *= 1 - a[j] * a[j];
  }
}

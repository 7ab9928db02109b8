/**
 * Multi-layer perceptrons over one flat Float32Array of parameters, the layout every method shares.
 *
 * Layout: for each layer in order, its weight matrix W (out × in, row-major, as PyTorch's `Linear.weight`)
 * followed by its bias (out). So parameters can be compared element for element with torch or TensorFlow.js.
 */
import { InvalidArgumentError } from '../errors.js';
import type { CounterRng } from '../rng/philox.js';

export type Activation = 'relu' | 'tanh';

export interface MlpSpec {
  readonly inputs: number;
  readonly hidden: readonly number[];
  readonly outputs: number;
  readonly activation: Activation;
}

/** Experiment 1's network: 4 → 64 → 32 → 2 with ReLU. */
export const EXP1_MLP: MlpSpec = { inputs: 4, hidden: [64, 32], outputs: 2, activation: 'relu' };

/** Experiments 2 and 3: in → 50 → out with tanh. */
export function expMlp(inputs: number, outputs: number): MlpSpec {
  return { inputs, hidden: [50], outputs, activation: 'tanh' };
}

export interface LayerLayout {
  readonly inputs: number;
  readonly outputs: number;
  /** Offset of W (out × in) in the flat vector. */
  readonly weightOffset: number;
  /** Offset of the bias (out). */
  readonly biasOffset: number;
}

/** Validates a spec, throwing an error that names the bad field. */
export function checkSpec(spec: MlpSpec): void {
  const sizes = [spec.inputs, ...spec.hidden, spec.outputs];
  for (const s of sizes) {
    if (!Number.isInteger(s) || s <= 0) {
      throw new InvalidArgumentError(`MLP layer sizes must be positive integers, got [${sizes.join(', ')}]`);
    }
  }
  if (spec.activation !== 'relu' && spec.activation !== 'tanh') {
    throw new InvalidArgumentError(`MLP activation must be 'relu' or 'tanh', got '${String(spec.activation)}'`);
  }
}

/** Where each layer's weights and bias live in the flat parameter vector. */
export function layout(spec: MlpSpec): LayerLayout[] {
  checkSpec(spec);
  const sizes = [spec.inputs, ...spec.hidden, spec.outputs];
  const layers: LayerLayout[] = [];
  let offset = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inputs = sizes[l];
    const outputs = sizes[l + 1];
    layers.push({ inputs, outputs, weightOffset: offset, biasOffset: offset + inputs * outputs });
    offset += inputs * outputs + outputs;
  }
  return layers;
}

/** Number of parameters (weights + biases). */
export function paramCount(spec: MlpSpec): number {
  return layout(spec).reduce((n, l) => n + l.inputs * l.outputs + l.outputs, 0);
}

/** A human-readable architecture string, e.g. "4→64→32→2 relu". */
export function describeSpec(spec: MlpSpec): string {
  return `${[spec.inputs, ...spec.hidden, spec.outputs].join('→')} ${spec.activation}`;
}

/**
 * PyTorch's default `nn.Linear` initialisation: kaiming_uniform(a=√5) for W, which is U(-1/√in, 1/√in),
 * and U(-1/√in, 1/√in) for the bias.
 */
export function initParams(spec: MlpSpec, rng: CounterRng): Float32Array {
  const params = new Float32Array(paramCount(spec));
  for (const l of layout(spec)) {
    const bound = 1 / Math.sqrt(l.inputs);
    rng.fillUniform(params.subarray(l.weightOffset, l.biasOffset), -bound, bound);
    rng.fillUniform(params.subarray(l.biasOffset, l.biasOffset + l.outputs), -bound, bound);
  }
  return params;
}

// Coefficients of the rational tanh approximation XLA and Eigen use for float32 (odd degree-13 numerator,
// even degree-6 denominator, argument clamped to ±7.9053…): no exp, so it inlines into the dense loops.
const TANH_CLAMP = 7.90531110763549805;
const TANH_A1 = 4.89352455891786e-3;
const TANH_A3 = 6.37261928875436e-4;
const TANH_A5 = 1.48572235717979e-5;
const TANH_A7 = 5.12229709037114e-8;
const TANH_A9 = -8.60467152213735e-11;
const TANH_A11 = 2.00018790482477e-13;
const TANH_A13 = -2.76076847742355e-16;
const TANH_B0 = 4.89352518554385e-3;
const TANH_B2 = 2.268434632439e-3;
const TANH_B4 = 1.18534705686654e-4;
const TANH_B6 = 1.19825839466702e-6;

/**
 * tanh to float32 precision (|error| < 4e-7) without exp: V8's Math.tanh costs ~20 ns, this a few, and it
 * inlines into the kernels' loops.
 */
export function fastTanh(x: number): number {
  if (x > TANH_CLAMP) x = TANH_CLAMP;
  else if (x < -TANH_CLAMP) x = -TANH_CLAMP;
  const x2 = x * x;
  const p =
    x * (TANH_A1 + x2 * (TANH_A3 + x2 * (TANH_A5 + x2 * (TANH_A7 + x2 * (TANH_A9 + x2 * (TANH_A11 + x2 * TANH_A13))))));
  const q = TANH_B0 + x2 * (TANH_B2 + x2 * (TANH_B4 + x2 * TANH_B6));
  return p / q;
}

/**
 * Forward pass of one network over `n` samples (`x`: n × inputs, row-major) into `logits` (n × outputs).
 * `scratch` must hold 2 × n × (widest hidden layer) floats; pass one from `forwardScratch` to avoid allocation.
 */
export function forward(
  spec: MlpSpec,
  params: Float32Array,
  x: Float32Array,
  n: number,
  logits: Float32Array,
  scratch: Float32Array = forwardScratch(spec, n),
): Float32Array {
  const layers = layout(spec);
  const width = Math.max(...spec.hidden, 1);
  let input = x;
  let bufA = scratch.subarray(0, n * width);
  let bufB = scratch.subarray(n * width, 2 * n * width);
  const relu = spec.activation === 'relu';
  for (let li = 0; li < layers.length; li++) {
    const l = layers[li];
    const last = li === layers.length - 1;
    const out = last ? logits : bufA;
    denseLayer(params, l, input, n, out, last ? 0 : relu ? 1 : 2);
    if (!last) {
      input = bufA;
      [bufA, bufB] = [bufB, bufA];
    }
  }
  return logits;
}

/** Scratch space `forward` needs for `n` samples. */
export function forwardScratch(spec: MlpSpec, n: number): Float32Array {
  return new Float32Array(2 * n * Math.max(...spec.hidden, 1));
}

/**
 * out[s, o] = act(b[o] + Σᵢ W[o, i]·in[s, i]) for s < n. Four samples per inner loop so each weight load
 * feeds four multiply-adds. act: 0 identity, 1 relu, 2 tanh.
 */
export function denseLayer(
  params: Float32Array,
  l: LayerLayout,
  input: Float32Array,
  n: number,
  out: Float32Array,
  act: 0 | 1 | 2,
): void {
  const nin = l.inputs;
  const nout = l.outputs;
  const wo = l.weightOffset;
  const bo = l.biasOffset;
  let s = 0;
  for (; s + 4 <= n; s += 4) {
    const r0 = s * nin;
    const r1 = r0 + nin;
    const r2 = r1 + nin;
    const r3 = r2 + nin;
    for (let o = 0; o < nout; o++) {
      const b = params[bo + o];
      let a0 = b;
      let a1 = b;
      let a2 = b;
      let a3 = b;
      const w = wo + o * nin;
      for (let i = 0; i < nin; i++) {
        const wi = params[w + i];
        a0 += wi * input[r0 + i];
        a1 += wi * input[r1 + i];
        a2 += wi * input[r2 + i];
        a3 += wi * input[r3 + i];
      }
      if (act === 1) {
        a0 = a0 > 0 ? a0 : 0;
        a1 = a1 > 0 ? a1 : 0;
        a2 = a2 > 0 ? a2 : 0;
        a3 = a3 > 0 ? a3 : 0;
      } else if (act === 2) {
        a0 = fastTanh(a0);
        a1 = fastTanh(a1);
        a2 = fastTanh(a2);
        a3 = fastTanh(a3);
      }
      out[s * nout + o] = a0;
      out[(s + 1) * nout + o] = a1;
      out[(s + 2) * nout + o] = a2;
      out[(s + 3) * nout + o] = a3;
    }
  }
  for (; s < n; s++) {
    const r = s * nin;
    for (let o = 0; o < nout; o++) {
      let a = params[bo + o];
      const w = wo + o * nin;
      for (let i = 0; i < nin; i++) a += params[w + i] * input[r + i];
      if (act === 1) a = a > 0 ? a : 0;
      else if (act === 2) a = fastTanh(a);
      out[s * nout + o] = a;
    }
  }
}

/** Index of the largest logit of each row (first one on ties, like argmax in NumPy/torch). */
export function argmaxRows(
  logits: Float32Array,
  n: number,
  k: number,
  out: Int32Array = new Int32Array(n),
): Int32Array {
  for (let s = 0; s < n; s++) {
    let best = 0;
    let bv = logits[s * k];
    for (let j = 1; j < k; j++) {
      const v = logits[s * k + j];
      if (v > bv) {
        bv = v;
        best = j;
      }
    }
    out[s] = best;
  }
  return out;
}

/** Row-wise softmax of logits (numerically stable). */
export function softmaxRows(
  logits: Float32Array,
  n: number,
  k: number,
  out: Float32Array = new Float32Array(n * k),
): Float32Array {
  for (let s = 0; s < n; s++) {
    let m = -Infinity;
    for (let j = 0; j < k; j++) m = Math.max(m, logits[s * k + j]);
    let z = 0;
    for (let j = 0; j < k; j++) {
      const e = Math.exp(logits[s * k + j] - m);
      out[s * k + j] = e;
      z += e;
    }
    for (let j = 0; j < k; j++) out[s * k + j] /= z;
  }
  return out;
}

/** Draws one action per row from softmax(logits) with uniforms from `rng`. */
export function sampleRows(
  logits: Float32Array,
  n: number,
  k: number,
  rng: CounterRng,
  out: Int32Array = new Int32Array(n),
): Int32Array {
  for (let s = 0; s < n; s++) {
    let m = -Infinity;
    for (let j = 0; j < k; j++) m = Math.max(m, logits[s * k + j]);
    let z = 0;
    for (let j = 0; j < k; j++) z += Math.exp(logits[s * k + j] - m);
    let u = rng.nextFloat() * z;
    let a = k - 1;
    for (let j = 0; j < k; j++) {
      u -= Math.exp(logits[s * k + j] - m);
      if (u < 0) {
        a = j;
        break;
      }
    }
    out[s] = a;
  }
  return out;
}

/** A greedy policy for env rollouts: obs → argmax action of the network. */
export function greedyPolicy(spec: MlpSpec, params: Float32Array): (obs: Float32Array) => number {
  const logits = new Float32Array(spec.outputs);
  const scratch = forwardScratch(spec, 1);
  return (obs) => {
    forward(spec, params, obs, 1, logits, scratch);
    return argmaxRows(logits, 1, spec.outputs)[0];
  };
}

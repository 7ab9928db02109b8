/**
 * The feature hybrid's network: a frozen MLP whose last hidden layer's activations and output probabilities are
 * the inputs of a small evolved head (the proposal's "outputs of DL models as inputs to GAs"). Pure.
 */
import { InvalidArgumentError } from '../errors.js';
import { denseLayer, forward, forwardScratch, layout, paramCount, softmaxRows, type MlpSpec } from './mlp.js';

/** The head's network over the frozen network's features: [last hidden layer, probabilities] → hidden → outputs. */
export function headSpec(body: MlpSpec, hidden: readonly number[]): MlpSpec {
  if (body.hidden.length === 0) {
    throw new InvalidArgumentError('feature hybrid: the DL network needs a hidden layer to take features from');
  }
  const width = body.hidden[body.hidden.length - 1];
  return { inputs: width + body.outputs, hidden: [...hidden], outputs: body.outputs, activation: body.activation };
}

/** The body's features of n rows of x: n × (last hidden width + outputs), hidden activations then softmax. */
export function bodyFeatures(body: MlpSpec, params: Float32Array, x: Float32Array, n: number): Float32Array {
  const layers = layout(body);
  const L = layers.length;
  const width = body.hidden[body.hidden.length - 1];
  const K = body.outputs;
  const out = new Float32Array(n * (width + K));
  const act = body.activation === 'relu' ? 1 : 2;
  let input = x;
  for (let li = 0; li < L - 1; li++) {
    const next = new Float32Array(n * layers[li].outputs);
    denseLayer(params, layers[li], input, n, next, act);
    input = next;
  }
  const logits = new Float32Array(n * K);
  denseLayer(params, layers[L - 1], input, n, logits, 0);
  const probs = softmaxRows(logits, n, K);
  for (let i = 0; i < n; i++) {
    out.set(input.subarray(i * width, (i + 1) * width), i * (width + K));
    out.set(probs.subarray(i * K, (i + 1) * K), i * (width + K) + width);
  }
  return out;
}

/**
 * The head's starting parameters: with no hidden layer, the body's output layer on the hidden features and zeros
 * on the probabilities, so the composed network starts as exactly the trained one and evolution only adds to it.
 * With hidden layers there is no such copy; `fallback` (a fresh initialisation) is used.
 */
export function initialHead(
  body: MlpSpec,
  bodyParams: Float32Array,
  head: MlpSpec,
  fallback: Float32Array,
): Float32Array {
  if (head.hidden.length > 0) return fallback;
  const last = layout(body)[layout(body).length - 1];
  const h = layout(head)[0];
  const out = new Float32Array(paramCount(head));
  for (let o = 0; o < head.outputs; o++) {
    for (let q = 0; q < last.inputs; q++)
      out[h.weightOffset + o * h.inputs + q] = bodyParams[last.weightOffset + o * last.inputs + q];
    out[h.biasOffset + o] = bodyParams[last.biasOffset + o];
  }
  return out;
}

/** Logits of the composed network (frozen body, evolved head) for n rows of x. */
export function featureHeadLogits(
  body: MlpSpec,
  bodyParams: Float32Array,
  head: MlpSpec,
  headParams: Float32Array,
  x: Float32Array,
  n: number,
): Float32Array {
  const f = bodyFeatures(body, bodyParams, x, n);
  const logits = new Float32Array(n * head.outputs);
  return forward(head, headParams, f, n, logits, forwardScratch(head, n));
}

/**
 * Independent references for the SGD tests: a float64 loss written from the definitions, and the same
 * network built from TensorFlow.js ops so its autodiff gives the gradients.
 */
import * as tf from '@tensorflow/tfjs';
import { layout, type MlpSpec } from '../../../src/shared/model/mlp.js';

/** Mean softmax cross-entropy of an MLP in float64 with Math.tanh/max(0, ·), from the PyTorch layout. */
export function lossF64(
  spec: MlpSpec,
  params: ArrayLike<number>,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
): number {
  const layers = layout(spec);
  let total = 0;
  for (let s = 0; s < n; s++) {
    let h: number[] = Array.from({ length: spec.inputs }, (_, i) => x[s * spec.inputs + i]);
    layers.forEach((l, li) => {
      const out: number[] = [];
      for (let o = 0; o < l.outputs; o++) {
        let a = params[l.biasOffset + o];
        for (let i = 0; i < l.inputs; i++) a += params[l.weightOffset + o * l.inputs + i] * h[i];
        if (li < layers.length - 1) a = spec.activation === 'relu' ? Math.max(0, a) : Math.tanh(a);
        out.push(a);
      }
      h = out;
    });
    const m = Math.max(...h);
    const lse = m + Math.log(h.reduce((z, v) => z + Math.exp(v - m), 0));
    total += lse - h[y[s]];
  }
  return total / n;
}

/** Central finite differences of lossF64 with respect to every parameter. */
export function finiteDifferenceGradient(
  spec: MlpSpec,
  params: Float32Array,
  x: Float32Array,
  y: ArrayLike<number>,
  n: number,
  h = 1e-6,
): Float64Array {
  const p = Float64Array.from(params);
  const g = new Float64Array(p.length);
  for (let j = 0; j < p.length; j++) {
    const keep = p[j];
    p[j] = keep + h;
    const up = lossF64(spec, p, x, y, n);
    p[j] = keep - h;
    const down = lossF64(spec, p, x, y, n);
    p[j] = keep;
    g[j] = (up - down) / (2 * h);
  }
  return g;
}

/** Loss and gradient (flat, our layout) computed by TensorFlow.js autodiff on the same weights and batch. */
export function tfjsLossAndGradient(
  spec: MlpSpec,
  params: Float32Array,
  x: Float32Array,
  y: ArrayLike<number>,
  n: number,
): { loss: number; grad: Float32Array } {
  const layers = layout(spec);
  return tf.tidy(() => {
    const tensors = layers.flatMap((l) => [
      tf.tensor2d(params.slice(l.weightOffset, l.biasOffset), [l.outputs, l.inputs]),
      tf.tensor1d(params.slice(l.biasOffset, l.biasOffset + l.outputs)),
    ]);
    const xs = tf.tensor2d(x.slice(0, n * spec.inputs), [n, spec.inputs]);
    const onehot = tf.oneHot(
      tf.tensor1d(
        Array.from({ length: n }, (_, s) => y[s]),
        'int32',
      ),
      spec.outputs,
    );
    const lossOf = (...ws: tf.Tensor[]): tf.Scalar => {
      let h: tf.Tensor2D = xs;
      layers.forEach((_, li) => {
        const z = tf.add(tf.matMul(h, ws[2 * li] as tf.Tensor2D, false, true), ws[2 * li + 1]) as tf.Tensor2D;
        h = li < layers.length - 1 ? (spec.activation === 'relu' ? tf.relu(z) : tf.tanh(z)) : z;
      });
      return tf.losses.softmaxCrossEntropy(onehot, h) as tf.Scalar;
    };
    const { value, grads } = tf.valueAndGrads(lossOf)(tensors);
    const grad = new Float32Array(params.length);
    layers.forEach((l, li) => {
      grad.set(grads[2 * li].dataSync(), l.weightOffset);
      grad.set(grads[2 * li + 1].dataSync(), l.biasOffset);
    });
    return { loss: value.dataSync()[0], grad };
  });
}

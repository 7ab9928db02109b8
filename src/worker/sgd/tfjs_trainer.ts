/**
 * The TensorFlow.js SGD path: the same network, loss, optimizer and mini-batches as `SgdTrainer`, built
 * from TensorFlow.js ops and optimizers (tf.train.sgd / tf.train.adam). It is the reference the
 * hand-written trainer is checked against, and the GPU path where @tensorflow/tfjs-node-gpu is installed.
 */
import type * as TfTypes from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../../shared/errors.js';
import { layout, paramCount, type LayerLayout } from '../../shared/model/mlp.js';
import { loadTf } from '../engine/tfjs_engine.js';
import { checkOptimizer } from './optimizers.js';
import { epochPermutation } from './shuffle.js';
import type { SgdTrainerOptions } from './trainer.js';

type Tf = Awaited<ReturnType<typeof loadTf>>['tf'];

/** Which TensorFlow.js package to run on ('auto': tfjs-node-gpu, then tfjs-node, then pure JS). */
export type TfjsFlavour = 'auto' | 'tfjs' | 'tfjs-node' | 'tfjs-node-gpu';

export class TfjsSgdTrainer {
  /** The package and backend that really run, e.g. 'tfjs:cpu' or 'tfjs-node-gpu:tensorflow'. */
  readonly backend: string;
  readonly stepsPerEpoch: number;
  epoch = 0;
  batchInEpoch = 0;
  steps = 0;
  samplesSeen = 0;
  private readonly layers: LayerLayout[];
  private readonly weights: TfTypes.Variable[];
  private readonly optimizer: TfTypes.Optimizer;
  private readonly order: Uint32Array;
  private readonly bx: Float32Array;
  private readonly by: Int32Array;

  private constructor(
    private readonly tf: Tf,
    flavour: string,
    private readonly o: SgdTrainerOptions,
  ) {
    this.backend = flavour;
    this.layers = layout(o.spec);
    this.stepsPerEpoch = Math.ceil(o.train.n / o.batchSize);
    this.order = epochPermutation(o.seed, 0, o.train.n);
    this.bx = new Float32Array(o.batchSize * o.spec.inputs);
    this.by = new Int32Array(o.batchSize);
    // W as PyTorch stores it (out × in), so the variables are the flat vector's slices, unchanged.
    // (tidy frees the initial-value tensors; variables are not tracked by it.)
    this.weights = tf.tidy(() =>
      this.layers.flatMap((l) => [
        tf.variable(tf.tensor2d(o.params.slice(l.weightOffset, l.biasOffset), [l.outputs, l.inputs]), true),
        tf.variable(tf.tensor1d(o.params.slice(l.biasOffset, l.biasOffset + l.outputs)), true),
      ]),
    );
    const opt = o.optimizer;
    this.optimizer =
      opt.kind === 'sgd'
        ? tf.train.sgd(opt.lr)
        : tf.train.adam(opt.lr, opt.beta1 ?? 0.9, opt.beta2 ?? 0.999, opt.eps ?? 1e-8);
  }

  /** A trainer on the best TensorFlow.js available for `flavour`; fails with what to install when none loads. */
  static async create(options: SgdTrainerOptions, flavour: TfjsFlavour = 'tfjs'): Promise<TfjsSgdTrainer> {
    checkTrainerOptions(options);
    const { tf, flavour: loaded } = await loadTf(flavour);
    return new TfjsSgdTrainer(tf, loaded, options);
  }

  /** One optimizer step on the next mini-batch (the same rows `SgdTrainer` would take); returns its loss. */
  step(): number {
    const { tf, o } = this;
    const d = o.spec.inputs;
    const start = this.batchInEpoch * o.batchSize;
    const n = Math.min(o.batchSize, o.train.n - start);
    for (let b = 0; b < n; b++) {
      const idx = this.order[start + b];
      this.bx.set(o.train.x.subarray(idx * d, idx * d + d), b * d);
      this.by[b] = o.train.y[idx];
    }
    const xs = tf.tensor2d(this.bx.subarray(0, n * d), [n, d]);
    const labels = tf.tensor1d(this.by.subarray(0, n), 'int32');
    const onehot = tf.oneHot(labels, o.spec.outputs);
    const loss = this.optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(onehot, this.logits(xs)) as TfTypes.Scalar,
      true,
      this.weights,
    );
    const value = loss === null ? NaN : loss.dataSync()[0];
    tf.dispose([xs, labels, onehot, ...(loss === null ? [] : [loss])]);
    this.steps++;
    this.samplesSeen += n;
    this.batchInEpoch++;
    if (this.batchInEpoch === this.stepsPerEpoch) {
      this.batchInEpoch = 0;
      this.epoch++;
      epochPermutation(o.seed, this.epoch, o.train.n, this.order);
    }
    return value;
  }

  /** The current parameters in the shared flat layout (copied out of the TensorFlow.js variables). */
  getParams(): Float32Array {
    const out = new Float32Array(paramCount(this.o.spec));
    this.layers.forEach((l, li) => {
      out.set(this.weights[2 * li].dataSync(), l.weightOffset);
      out.set(this.weights[2 * li + 1].dataSync(), l.biasOffset);
    });
    return out;
  }

  /** Frees the variables and the optimizer's slots (GPU memory on tfjs-node-gpu). */
  dispose(): void {
    this.optimizer.dispose();
    for (const w of this.weights) w.dispose();
  }

  private logits(xs: TfTypes.Tensor2D): TfTypes.Tensor2D {
    const { tf } = this;
    let h = xs;
    const last = this.layers.length - 1;
    this.layers.forEach((_, li) => {
      const z = tf.add(
        tf.matMul(h, this.weights[2 * li] as TfTypes.Tensor2D, false, true),
        this.weights[2 * li + 1],
      ) as TfTypes.Tensor2D;
      h = li === last ? z : this.o.spec.activation === 'relu' ? tf.relu(z) : tf.tanh(z);
    });
    return h;
  }
}

/** The checks `SgdTrainer` makes, so both trainers refuse the same options with the same messages. */
export function checkTrainerOptions(o: SgdTrainerOptions): void {
  checkOptimizer(o.optimizer);
  if (!Number.isInteger(o.batchSize) || o.batchSize <= 0) {
    throw new InvalidArgumentError(`batch size must be a positive integer, got ${o.batchSize}`);
  }
  if (o.train.n <= 0) throw new InvalidArgumentError('the training set is empty');
  if (o.params.length !== paramCount(o.spec)) {
    throw new InvalidArgumentError(`params have ${o.params.length} values; the MLP needs ${paramCount(o.spec)}`);
  }
  if (o.train.x.length < o.train.n * o.spec.inputs || o.train.y.length < o.train.n) {
    throw new InvalidArgumentError(
      `the training set needs ${o.train.n}×${o.spec.inputs} inputs and ${o.train.n} labels; got ${o.train.x.length} inputs and ${o.train.y.length} labels`,
    );
  }
}

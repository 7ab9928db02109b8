/**
 * The TensorFlow.js SGD path: the same network, loss, optimizer and mini-batches as `SgdTrainer`, built
 * from TensorFlow.js ops (gradients by tf.variableGrads). It is the reference the hand-written trainer's
 * gradients are checked against, and the SGD path of `--backend tfjs|tfjs-node|tfjs-node-gpu`.
 *
 * The update is PyTorch's SGD / Adam rule written in TensorFlow.js ops rather than tf.train.adam, so that its
 * state (step, m, v) is the trainer's own: a trial checkpoints and resumes it synchronously, in the same
 * snapshot format as `SgdTrainer` (tf.train optimizers only expose their state through promises).
 */
import type * as TfTypes from '@tensorflow/tfjs';
import { InvalidArgumentError } from '../../shared/errors.js';
import { layout, paramCount, type LayerLayout } from '../../shared/model/mlp.js';
import type { LoadedBackend } from '../engine/backends.js';
import { loadTf, tfOf, type Tf } from '../engine/tf_module.js';
import { checkOptimizer } from './optimizers.js';
import { epochPermutation } from './shuffle.js';
import type { SgdTrainerOptions, SgdTrainerSnapshot } from './trainer.js';

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
  /** Adam's first and second moments, one per weight (empty for SGD). */
  private readonly m: TfTypes.Variable[];
  private readonly v: TfTypes.Variable[];
  private optimizerStep = 0;
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
    const moments = (): TfTypes.Variable[] =>
      o.optimizer.kind === 'adam' ? this.weights.map((w) => tf.variable(tf.zerosLike(w), false)) : [];
    this.m = tf.tidy(moments);
    this.v = tf.tidy(moments);
  }

  /** A trainer on the best TensorFlow.js available for `flavour`; fails with what to install when none loads. */
  static async create(options: SgdTrainerOptions, flavour: TfjsFlavour = 'tfjs'): Promise<TfjsSgdTrainer> {
    checkTrainerOptions(options);
    const { tf, flavour: loaded } = await loadTf(flavour);
    return new TfjsSgdTrainer(tf, loaded, options);
  }

  /** A trainer on an already loaded TensorFlow.js backend (see loadBackend). */
  static fromBackend(options: SgdTrainerOptions, backend: LoadedBackend): TfjsSgdTrainer {
    checkTrainerOptions(options);
    if (backend.tf === undefined) {
      throw new InvalidArgumentError(`TfjsSgdTrainer needs a TensorFlow.js backend; got '${backend.label}'`);
    }
    return new TfjsSgdTrainer(tfOf(backend.tf), backend.label, options);
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
    const value = this.update(() => tf.losses.softmaxCrossEntropy(onehot, this.logits(xs)) as TfTypes.Scalar);
    tf.dispose([xs, labels, onehot]);
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
    return this.flatten(this.weights);
  }

  /** The state a checkpoint needs, in `SgdTrainer`'s format (either trainer can resume the other's). */
  snapshot(): SgdTrainerSnapshot {
    const adam = this.o.optimizer.kind === 'adam';
    return {
      params: this.getParams(),
      optimizer: {
        step: this.optimizerStep,
        m: adam ? this.flatten(this.m) : new Float32Array(0),
        v: adam ? this.flatten(this.v) : new Float32Array(0),
      },
      epoch: this.epoch,
      batchInEpoch: this.batchInEpoch,
      steps: this.steps,
      samplesSeen: this.samplesSeen,
    };
  }

  /** Continues from a snapshot of a trainer built with the same options. */
  restore(s: SgdTrainerSnapshot): void {
    const { tf } = this;
    const load = (vars: TfTypes.Variable[], flat: Float32Array): void =>
      this.layers.forEach((l, li) => {
        tf.tidy(() => {
          vars[2 * li].assign(tf.tensor2d(flat.slice(l.weightOffset, l.biasOffset), [l.outputs, l.inputs]));
          vars[2 * li + 1].assign(tf.tensor1d(flat.slice(l.biasOffset, l.biasOffset + l.outputs)));
        });
      });
    load(this.weights, s.params);
    if (this.o.optimizer.kind === 'adam') {
      load(this.m, s.optimizer.m);
      load(this.v, s.optimizer.v);
    }
    this.optimizerStep = s.optimizer.step;
    this.epoch = s.epoch;
    this.batchInEpoch = s.batchInEpoch;
    this.steps = s.steps;
    this.samplesSeen = s.samplesSeen;
    epochPermutation(this.o.seed, this.epoch, this.o.train.n, this.order);
  }

  /** Frees the variables and the optimizer's moments (GPU memory on tfjs-node-gpu). */
  dispose(): void {
    for (const w of [...this.weights, ...this.m, ...this.v]) w.dispose();
  }

  /** One update of the weights by the loss's gradient (torch.optim.SGD / torch.optim.Adam); returns the loss. */
  private update(lossOf: () => TfTypes.Scalar): number {
    const { tf } = this;
    const opt = this.o.optimizer;
    this.optimizerStep++;
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(lossOf, this.weights);
      if (opt.kind === 'sgd') {
        for (const w of this.weights) w.assign(tf.sub(w, tf.mul(grads[w.name], opt.lr)));
      } else {
        const b1 = opt.beta1 ?? 0.9;
        const b2 = opt.beta2 ?? 0.999;
        const eps = opt.eps ?? 1e-8;
        const stepSize = opt.lr / (1 - b1 ** this.optimizerStep);
        const sqrtBc2 = Math.sqrt(1 - b2 ** this.optimizerStep);
        this.weights.forEach((w, i) => {
          const g = grads[w.name];
          const m = this.m[i];
          const v = this.v[i];
          m.assign(tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)));
          v.assign(tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2)));
          w.assign(tf.sub(w, tf.div(tf.mul(m, stepSize), tf.add(tf.div(tf.sqrt(v), sqrtBc2), eps))));
        });
      }
      return value.dataSync()[0];
    });
  }

  private flatten(vars: readonly TfTypes.Variable[]): Float32Array {
    const out = new Float32Array(paramCount(this.o.spec));
    this.layers.forEach((l, li) => {
      out.set(vars[2 * li].dataSync(), l.weightOffset);
      out.set(vars[2 * li + 1].dataSync(), l.biasOffset);
    });
    return out;
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

/**
 * Mini-batch supervised training as a stepper: `step()` runs one optimizer step, so callers interleave
 * evaluation, budgets and checkpoints. Shuffling is keyed by (seed, batch, epoch), so a resumed trainer
 * continues exactly where it stopped.
 */
import { InvalidArgumentError } from '../../shared/errors.js';
import { paramCount, type MlpSpec } from '../../shared/model/mlp.js';
import { CounterRng, RngPurpose } from '../../shared/rng/philox.js';
import { MlpBackprop } from './backprop.js';
import { applyUpdate, checkOptimizer, createOptimizerState, type OptimizerSpec, type OptimizerState } from './optimizers.js';

export interface LabelledData {
  /** n × inputs, row-major. */
  readonly x: Float32Array;
  readonly y: ArrayLike<number>;
  readonly n: number;
}

export interface SgdTrainerOptions {
  readonly spec: MlpSpec;
  readonly params: Float32Array;
  readonly optimizer: OptimizerSpec;
  readonly batchSize: number;
  readonly seed: number;
  readonly train: LabelledData;
}

export interface SgdTrainerSnapshot {
  readonly params: Float32Array;
  readonly optimizer: OptimizerState;
  readonly epoch: number;
  readonly batchInEpoch: number;
  readonly steps: number;
  readonly samplesSeen: number;
}

export class SgdTrainer {
  readonly params: Float32Array;
  readonly stepsPerEpoch: number;
  private readonly grad: Float32Array;
  private readonly backprop: MlpBackprop;
  private readonly bx: Float32Array;
  private readonly by: Int32Array;
  private order: Uint32Array;
  private opt: OptimizerState;
  epoch = 0;
  batchInEpoch = 0;
  steps = 0;
  samplesSeen = 0;

  constructor(private readonly o: SgdTrainerOptions) {
    checkOptimizer(o.optimizer);
    if (!Number.isInteger(o.batchSize) || o.batchSize <= 0) {
      throw new InvalidArgumentError(`batch size must be a positive integer, got ${o.batchSize}`);
    }
    if (o.train.n <= 0) throw new InvalidArgumentError('the training set is empty');
    if (o.params.length !== paramCount(o.spec)) {
      throw new InvalidArgumentError(`params have ${o.params.length} values; the MLP needs ${paramCount(o.spec)}`);
    }
    this.params = Float32Array.from(o.params);
    this.grad = new Float32Array(this.params.length);
    this.backprop = new MlpBackprop(o.spec, o.batchSize);
    this.bx = new Float32Array(o.batchSize * o.spec.inputs);
    this.by = new Int32Array(o.batchSize);
    this.opt = createOptimizerState(o.optimizer, this.params.length);
    this.stepsPerEpoch = Math.ceil(o.train.n / o.batchSize);
    this.order = this.permutation(0);
  }

  /** The sample order of `epoch`: a Fisher–Yates shuffle keyed by (seed, batch, epoch). */
  private permutation(epoch: number): Uint32Array {
    const n = this.o.train.n;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const rng = CounterRng.from(this.o.seed, RngPurpose.batch, epoch);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.nextInt(i + 1);
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /** One optimizer step on the next mini-batch (the last batch of an epoch may be smaller); returns its loss. */
  step(): number {
    const { train, batchSize, spec } = this.o;
    const d = spec.inputs;
    const start = this.batchInEpoch * batchSize;
    const n = Math.min(batchSize, train.n - start);
    for (let b = 0; b < n; b++) {
      const idx = this.order[start + b];
      this.bx.set(train.x.subarray(idx * d, idx * d + d), b * d);
      this.by[b] = train.y[idx];
    }
    const loss = this.backprop.lossAndGradient(this.params, this.bx, this.by, n, this.grad);
    applyUpdate(this.o.optimizer, this.opt, this.params, this.grad);
    this.steps++;
    this.samplesSeen += n;
    this.batchInEpoch++;
    if (this.batchInEpoch === this.stepsPerEpoch) {
      this.batchInEpoch = 0;
      this.epoch++;
      this.order = this.permutation(this.epoch);
    }
    return loss;
  }

  snapshot(): SgdTrainerSnapshot {
    return {
      params: Float32Array.from(this.params),
      optimizer: { step: this.opt.step, m: Float32Array.from(this.opt.m), v: Float32Array.from(this.opt.v) },
      epoch: this.epoch,
      batchInEpoch: this.batchInEpoch,
      steps: this.steps,
      samplesSeen: this.samplesSeen,
    };
  }

  /** Continues from a snapshot of a trainer built with the same options. */
  restore(s: SgdTrainerSnapshot): void {
    this.params.set(s.params);
    this.opt = { step: s.optimizer.step, m: Float32Array.from(s.optimizer.m), v: Float32Array.from(s.optimizer.v) };
    this.epoch = s.epoch;
    this.batchInEpoch = s.batchInEpoch;
    this.steps = s.steps;
    this.samplesSeen = s.samplesSeen;
    this.order = this.permutation(this.epoch);
  }
}

/**
 * Mini-batch supervised training as a stepper: `step()` runs one optimizer step, so callers interleave
 * evaluation, budgets and checkpoints. Shuffling is keyed by (seed, batch, epoch), so a resumed trainer
 * continues exactly where it stopped.
 */
import { InvalidArgumentError } from '../../shared/errors.js';
import { paramCount, type MlpSpec } from '../../shared/model/mlp.js';
import { MlpBackprop } from './backprop.js';
import { epochPermutation } from './shuffle.js';
import {
  applyUpdate,
  checkOptimizer,
  createOptimizerState,
  type OptimizerSpec,
  type OptimizerState,
} from './optimizers.js';

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
    if (!Number.isInteger(o.train.n) || o.train.n <= 0) throw new InvalidArgumentError('the training set is empty');
    if (o.train.x.length < o.train.n * o.spec.inputs || o.train.y.length < o.train.n) {
      throw new InvalidArgumentError(
        `the training set claims ${o.train.n} rows but has ${o.train.x.length} inputs (need ${o.train.n}×${o.spec.inputs}) and ${o.train.y.length} labels`,
      );
    }
    if (o.params.length !== paramCount(o.spec)) {
      throw new InvalidArgumentError(`params have ${o.params.length} values; the MLP needs ${paramCount(o.spec)}`);
    }
    this.params = Float32Array.from(o.params);
    this.grad = new Float32Array(this.params.length);
    this.backprop = new MlpBackprop(o.spec, o.batchSize);
    this.opt = createOptimizerState(o.optimizer, this.params.length);
    this.stepsPerEpoch = Math.ceil(o.train.n / o.batchSize);
    this.order = this.permutation(0);
  }

  /** The sample order of `epoch` (shared with the TensorFlow.js trainer). */
  private permutation(epoch: number): Uint32Array {
    return epochPermutation(this.o.seed, epoch, this.o.train.n);
  }

  /** One optimizer step on the next mini-batch (the last batch of an epoch may be smaller); returns its loss. */
  step(): number {
    const { train, batchSize } = this.o;
    const start = this.batchInEpoch * batchSize;
    const n = Math.min(batchSize, train.n - start);
    const rows = this.order.subarray(start, start + n);
    const loss = this.backprop.lossAndGradientRows(this.params, train.x, train.y, rows, n, this.grad);
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

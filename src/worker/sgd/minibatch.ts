/**
 * Mini-batches for neuroevolution, drawn the way SGD draws them: each epoch is a shuffle keyed by
 * (seed, batch, epoch), cut into consecutive batches. Batch b is a pure function of (seed, b).
 */
import { CounterRng, RngPurpose } from '../../shared/rng/philox.js';
import type { LabelledData } from './trainer.js';

export class MinibatchSampler {
  private epoch = -1;
  private order = new Uint32Array(0);
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly perEpoch: number;

  constructor(
    private readonly data: LabelledData,
    private readonly inputs: number,
    readonly batchSize: number,
    private readonly seed: number,
  ) {
    this.x = new Float32Array(batchSize * inputs);
    this.y = new Int32Array(batchSize);
    this.perEpoch = Math.ceil(data.n / batchSize);
  }

  /** Fills x/y with global batch `b`; returns its size (the last batch of an epoch may be smaller). */
  load(b: number): number {
    const epoch = Math.floor(b / this.perEpoch);
    if (epoch !== this.epoch) {
      this.epoch = epoch;
      const n = this.data.n;
      const order = new Uint32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      const rng = CounterRng.from(this.seed, RngPurpose.batch, epoch);
      for (let i = n - 1; i > 0; i--) {
        const j = rng.nextInt(i + 1);
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      this.order = order;
    }
    const start = (b - epoch * this.perEpoch) * this.batchSize;
    const size = Math.min(this.batchSize, this.data.n - start);
    const d = this.inputs;
    for (let i = 0; i < size; i++) {
      const idx = this.order[start + i];
      this.x.set(this.data.x.subarray(idx * d, idx * d + d), i * d);
      this.y[i] = this.data.y[idx];
    }
    return size;
  }
}

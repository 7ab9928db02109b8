import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SgdTrainer, type SgdTrainerOptions } from '../../../src/worker/sgd/trainer.js';
import { MlpBackprop } from '../../../src/worker/sgd/backprop.js';
import { initParams, paramCount, type MlpSpec } from '../../../src/shared/model/mlp.js';
import { CounterRng, RngPurpose } from '../../../src/shared/rng/index.js';

/** Three Gaussian blobs in 4-D, one per class: separable with a margin. */
function blobs(n: number, seed: number): { x: Float32Array; y: Int32Array; n: number } {
  const rng = CounterRng.from(seed, RngPurpose.dataset);
  const x = new Float32Array(n * 4);
  const y = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    const label = rng.nextInt(3);
    y[s] = label;
    for (let i = 0; i < 4; i++) x[s * 4 + i] = (i === label ? 2 : 0) + 0.5 * rng.nextNormal();
  }
  return { x, y, n };
}

const spec: MlpSpec = { inputs: 4, hidden: [16], outputs: 3, activation: 'tanh' };

function options(kind: 'sgd' | 'adam', lr: number, seed = 1, n = 300): SgdTrainerOptions {
  return {
    spec,
    params: initParams(spec, CounterRng.from(seed, RngPurpose.init)),
    optimizer: { kind, lr },
    batchSize: 32,
    seed,
    train: blobs(n, seed),
  };
}

function fullLoss(o: SgdTrainerOptions, params: Float32Array): number {
  return new MlpBackprop(o.spec, o.train.n).lossAndGradient(
    params,
    o.train.x,
    o.train.y,
    o.train.n,
    new Float32Array(paramCount(o.spec)),
  );
}

describe('SgdTrainer learning and resuming', () => {
  for (const [kind, lr] of [
    ['adam', 1e-2],
    ['sgd', 0.1],
  ] as const) {
    it(`halves the full training loss of a separable toy problem in 10 epochs (${kind}, lr ${lr})`, () => {
      const o = options(kind, lr);
      const t = new SgdTrainer(o);
      const before = fullLoss(o, t.params);
      for (let i = 0; i < 10 * t.stepsPerEpoch; i++) t.step();
      const after = fullLoss(o, t.params);
      assert.ok(after < 0.5 * before, `loss ${before} → ${after}`);
    });

    it(`resumes bit for bit across epoch boundaries, optimizer state included (${kind})`, () => {
      const o = options(kind, lr);
      const straight = new SgdTrainer(o);
      const stopped = new SgdTrainer(o);
      for (let i = 0; i < 13; i++) {
        straight.step();
        stopped.step();
      }
      const snap = structuredClone(stopped.snapshot()); // as a checkpoint file would round-trip it
      for (let i = 0; i < 5; i++) stopped.step(); // the restored trainer must not keep any of this
      stopped.restore(snap);
      for (let i = 0; i < 40; i++) assert.equal(stopped.step(), straight.step());
      assert.deepEqual(stopped.params, straight.params);
      assert.equal(stopped.samplesSeen, straight.samplesSeen);
    });
  }

  it('refuses training data whose arrays are shorter than n rows, and labels outside the network’s outputs', () => {
    const o = options('adam', 1e-2);
    assert.throws(() => new SgdTrainer({ ...o, train: { ...o.train, x: o.train.x.subarray(4) } }), /inputs/);
    const badLabels = { ...o.train, y: Int32Array.from(o.train.y, (v) => v + 5) };
    assert.throws(() => new SgdTrainer({ ...o, train: badLabels }).step(), /label/);
  });
});

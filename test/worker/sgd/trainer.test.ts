import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SgdTrainer } from '../../../src/worker/sgd/trainer.js';
import { epochPermutation } from '../../../src/worker/sgd/shuffle.js';
import { expMlp, initParams, type MlpSpec } from '../../../src/shared/model/mlp.js';
import { CounterRng, RngPurpose } from '../../../src/shared/rng/index.js';
import { InvalidArgumentError } from '../../../src/shared/errors.js';

const spec: MlpSpec = expMlp(8, 4);

function data(n: number, seed: number): { x: Float32Array; y: Int32Array; n: number } {
  const rng = CounterRng.from(seed, RngPurpose.dataset);
  const x = rng.fillNormal(new Float32Array(n * spec.inputs));
  const y = Int32Array.from({ length: n }, () => rng.nextInt(spec.outputs));
  return { x, y, n };
}

function trainer(n: number, batchSize: number, kind: 'sgd' | 'adam' = 'adam'): SgdTrainer {
  return new SgdTrainer({
    spec,
    params: initParams(spec, CounterRng.from(5, RngPurpose.init)),
    optimizer: { kind, lr: 1e-3 },
    batchSize,
    seed: 17,
    train: data(n, 3),
  });
}

describe('epochPermutation (mini-batch order)', () => {
  it('is a permutation of every sample, reproducible from (seed, epoch), and differs between epochs', () => {
    const a = epochPermutation(9, 0, 1000);
    assert.deepEqual(
      [...a].sort((p, q) => p - q),
      Array.from({ length: 1000 }, (_, i) => i),
    );
    assert.deepEqual(epochPermutation(9, 0, 1000), a);
    assert.notDeepEqual(epochPermutation(9, 1, 1000), a);
    assert.notDeepEqual(epochPermutation(10, 0, 1000), a);
  });
});

describe('SgdTrainer', () => {
  it('visits every training sample once per epoch, the last mini-batch taking the remainder', () => {
    const t = trainer(100, 32);
    assert.equal(t.stepsPerEpoch, 4);
    for (let s = 0; s < 4; s++) t.step();
    assert.equal(t.epoch, 1);
    assert.equal(t.samplesSeen, 100);
    assert.equal(t.batchInEpoch, 0);
  });

  it('is deterministic: the same options give bit-identical parameters', () => {
    const a = trainer(150, 16);
    const b = trainer(150, 16);
    for (let s = 0; s < 25; s++) assert.equal(a.step(), b.step());
    assert.deepEqual(a.params, b.params);
  });

  it('continues bit for bit from a snapshot taken mid-epoch (resume after a crash)', () => {
    const a = trainer(150, 16);
    for (let s = 0; s < 13; s++) a.step();
    const snap = a.snapshot();
    const b = trainer(150, 16);
    b.restore(snap);
    for (let s = 0; s < 20; s++) assert.equal(b.step(), a.step());
    assert.deepEqual(b.params, a.params);
    assert.equal(b.epoch, a.epoch);
  });

  it('does not modify the parameter array it was given', () => {
    const params = initParams(spec, CounterRng.from(5, RngPurpose.init));
    const copy = Float32Array.from(params);
    const t = new SgdTrainer({
      spec,
      params,
      optimizer: { kind: 'sgd', lr: 0.1 },
      batchSize: 8,
      seed: 1,
      train: data(40, 2),
    });
    t.step();
    assert.deepEqual(params, copy);
    assert.notDeepEqual(t.params, copy);
  });

  it('refuses a non-positive batch size, an empty training set and parameters of the wrong size', () => {
    const params = initParams(spec, CounterRng.from(5, RngPurpose.init));
    const opts = {
      spec,
      params,
      optimizer: { kind: 'sgd' as const, lr: 0.1 },
      batchSize: 8,
      seed: 1,
      train: data(40, 2),
    };
    assert.throws(() => new SgdTrainer({ ...opts, batchSize: 0 }), InvalidArgumentError);
    assert.throws(
      () => new SgdTrainer({ ...opts, train: { x: new Float32Array(0), y: new Int32Array(0), n: 0 } }),
      InvalidArgumentError,
    );
    assert.throws(() => new SgdTrainer({ ...opts, params: params.subarray(1) }), InvalidArgumentError);
  });
});

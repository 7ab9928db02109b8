import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SgdTrainer, type SgdTrainerOptions } from '../../../src/worker/sgd/trainer.js';
import { TfjsSgdTrainer } from '../../../src/worker/sgd/tfjs_trainer.js';
import { EXP1_MLP, expMlp, initParams, type MlpSpec } from '../../../src/shared/model/mlp.js';
import { CounterRng, RngPurpose } from '../../../src/shared/rng/index.js';
import * as tf from '@tensorflow/tfjs';

function options(spec: MlpSpec, kind: 'sgd' | 'adam', lr: number): SgdTrainerOptions {
  const n = 200; // 200 = 6 × 32 + 8: exercises the short last batch and the epoch's reshuffle
  const rng = CounterRng.from(4, RngPurpose.dataset);
  const x = rng.fillNormal(new Float32Array(n * spec.inputs), 0, 1.5);
  const y = Int32Array.from({ length: n }, () => rng.nextInt(spec.outputs));
  return {
    spec,
    params: initParams(spec, CounterRng.from(6, RngPurpose.init)),
    optimizer: { kind, lr },
    batchSize: 32,
    seed: 21,
    train: { x, y, n },
  };
}

describe('TfjsSgdTrainer (the TensorFlow.js reference and GPU path)', () => {
  for (const [spec, kind, lr] of [
    [expMlp(8, 4), 'sgd', 0.05],
    [expMlp(8, 4), 'adam', 1e-3],
    [EXP1_MLP, 'adam', 1e-3],
  ] as const) {
    const name = `${spec.inputs}→${spec.hidden.join('→')}→${spec.outputs} ${spec.activation}, ${kind}`;
    it(`follows the hand-written trainer step for step over 1.5 epochs (${name})`, async () => {
      const o = options(spec, kind, lr);
      const ours = new SgdTrainer(o);
      const ref = await TfjsSgdTrainer.create(o, 'tfjs');
      try {
        for (let s = 0; s < 11; s++) {
          const a = ours.step();
          const b = ref.step();
          assert.ok(Math.abs(a - b) < 1e-5, `step ${s}: loss ${a} vs TensorFlow.js ${b}`);
        }
        assert.equal(ref.epoch, ours.epoch);
        assert.equal(ref.samplesSeen, ours.samplesSeen);
        const got = ref.getParams();
        let moved = 0;
        for (let i = 0; i < got.length; i++) {
          assert.ok(
            Math.abs(got[i] - ours.params[i]) < 2e-5,
            `param ${i}: ${ours.params[i]} vs TensorFlow.js ${got[i]}`,
          );
          if (got[i] !== o.params[i]) moved++;
        }
        assert.ok(moved > got.length / 2, 'training moved the parameters');
      } finally {
        ref.dispose();
      }
    });
  }

  it('keeps the number of live tensors constant across steps and frees everything on dispose (no GPU memory leak)', async () => {
    const before = tf.memory().numTensors;
    const t = await TfjsSgdTrainer.create(options(expMlp(8, 4), 'adam', 1e-3), 'tfjs');
    t.step();
    const afterOne = tf.memory().numTensors;
    for (let s = 0; s < 10; s++) t.step();
    assert.equal(tf.memory().numTensors, afterOne);
    t.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  it('reports the TensorFlow.js package and backend that really run', async () => {
    const t = await TfjsSgdTrainer.create(options(expMlp(8, 4), 'sgd', 0.1), 'tfjs');
    t.dispose();
    assert.match(t.backend, /^tfjs:(cpu|wasm|webgl)$/);
  });
});

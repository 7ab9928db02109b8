import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  applyUpdate,
  checkOptimizer,
  createOptimizerState,
  type OptimizerSpec,
} from '../../../src/worker/sgd/optimizers.js';
import { InvalidArgumentError } from '../../../src/shared/errors.js';
import { CounterRng } from '../../../src/shared/rng/index.js';

const N = 97;

/** The same parameters updated by our optimizer and by a TensorFlow.js optimizer with the same gradients. */
function compare(
  spec: OptimizerSpec,
  reference: tf.Optimizer,
  steps: number,
): { ours: Float32Array; theirs: Float32Array } {
  const rng = CounterRng.from(17, 1);
  const start = rng.fillNormal(new Float32Array(N), 0, 0.5);
  const ours = Float32Array.from(start);
  const state = createOptimizerState(spec, N);
  const variable = tf.variable(tf.tensor1d(start), true, `p${Math.floor(rng.nextFloat() * 1e9)}`);
  for (let t = 0; t < steps; t++) {
    // Gradients of varied scale and sign, some exactly zero.
    const g = rng.fillNormal(new Float32Array(N), 0, [1e-3, 1, 10][t % 3]);
    for (let i = 0; i < N; i += 7) g[i] = 0;
    applyUpdate(spec, state, ours, g);
    tf.tidy(() => reference.applyGradients({ [variable.name]: tf.tensor1d(g) }));
  }
  const theirs = variable.dataSync() as Float32Array;
  variable.dispose();
  return { ours, theirs: Float32Array.from(theirs) };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('optimizers (PyTorch update rules)', () => {
  it('Adam matches tf.train.adam with the same hyperparameters over 8 steps (within 1e-6)', () => {
    const { ours, theirs } = compare({ kind: 'adam', lr: 1e-3 }, tf.train.adam(1e-3, 0.9, 0.999, 1e-8), 8);
    assert.ok(maxAbsDiff(ours, theirs) < 1e-6, `max |Δ| = ${maxAbsDiff(ours, theirs)}`);
  });

  it('Adam with non-default betas and epsilon matches tf.train.adam (within 1e-6)', () => {
    const spec: OptimizerSpec = { kind: 'adam', lr: 3e-3, beta1: 0.5, beta2: 0.9, eps: 1e-6 };
    const { ours, theirs } = compare(spec, tf.train.adam(3e-3, 0.5, 0.9, 1e-6), 6);
    assert.ok(maxAbsDiff(ours, theirs) < 1e-6, `max |Δ| = ${maxAbsDiff(ours, theirs)}`);
  });

  it('SGD matches tf.train.sgd: p ← p − lr·g', () => {
    const { ours, theirs } = compare({ kind: 'sgd', lr: 1e-3 }, tf.train.sgd(1e-3), 5);
    assert.ok(maxAbsDiff(ours, theirs) < 1e-6, `max |Δ| = ${maxAbsDiff(ours, theirs)}`);
  });

  it('takes a first Adam step of exactly lr·sign(g) for every non-zero gradient (bias correction)', () => {
    const params = new Float32Array(4);
    applyUpdate(
      { kind: 'adam', lr: 0.01 },
      createOptimizerState({ kind: 'adam', lr: 0.01 }, 4),
      params,
      Float32Array.of(3, -0.2, 0, 1e3),
    );
    assert.deepEqual(
      Array.from(params, (v) => Math.round(v * 1e6) / 1e6),
      [-0.01, 0.01, 0, -0.01],
    );
  });

  it('refuses an unknown optimizer or a non-positive learning rate', () => {
    assert.throws(() => checkOptimizer({ kind: 'rmsprop' as 'sgd', lr: 1 }), InvalidArgumentError);
    assert.throws(() => checkOptimizer({ kind: 'adam', lr: 0 }), /positive/);
    assert.throws(() => checkOptimizer({ kind: 'sgd', lr: NaN }), /positive/);
  });
});

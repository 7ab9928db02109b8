import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  createSgdTrainer,
  scoreClassifier,
  trainSupervised,
  type TrainingRecord,
} from '../../../src/worker/sgd/supervised.js';
import { generateExpertDataset } from '../../../src/shared/data/index.js';
import { EXP1_MLP, initParams } from '../../../src/shared/model/mlp.js';
import { trainFlopsPerSample } from '../../../src/shared/model/flops.js';
import { CounterRng, RngPurpose } from '../../../src/shared/rng/index.js';
import { InvalidArgumentError } from '../../../src/shared/errors.js';

// A few thousand CartPole rows from the built-in expert: 2 500 to train on, 500 to test on.
const ds = generateExpertDataset({ envId: 'CartPole-v1', steps: 3000, seed: 7 });
const d = ds.obsDim;
const train = { x: ds.observations.subarray(0, 2500 * d), y: ds.actions.subarray(0, 2500), n: 2500 };
const test = { x: ds.observations.subarray(2500 * d), y: ds.actions.subarray(2500), n: 500 };
const params = initParams(EXP1_MLP, CounterRng.from(3, RngPurpose.init));
const base = { spec: EXP1_MLP, params, optimizer: { kind: 'adam' as const, lr: 1e-3 }, batchSize: 64, seed: 11, train };

describe('trainSupervised', () => {
  it('improves test macro-F1 and test loss of experiment 1’s network on expert CartPole data (Adam, batch 64)', async () => {
    const before = scoreClassifier(EXP1_MLP, params, test);
    const { history, params: trained } = await trainSupervised({ ...base, epochs: 8, test });
    const after = scoreClassifier(EXP1_MLP, trained, test);
    assert.ok(after.macroF1 > before.macroF1 + 0.15, `macro-F1 ${before.macroF1} → ${after.macroF1}`);
    assert.ok(after.loss < before.loss - 0.1, `test loss ${before.loss} → ${after.loss}`);
    assert.ok(history[history.length - 1].trainLoss < history[0].trainLoss, 'train loss falls');
    assert.deepEqual(history[history.length - 1].test, after);
  });

  it('records once per epoch with samples seen and the proposal’s training FLOPs (3 × forward per sample)', async () => {
    const records: TrainingRecord[] = [];
    const { history } = await trainSupervised({ ...base, epochs: 3, onProgress: (r) => records.push(r) });
    assert.deepEqual(history, records);
    assert.deepEqual(
      history.map((r) => [r.epoch, r.steps, r.samplesSeen]),
      [
        [1, 40, 2500],
        [2, 80, 5000],
        [3, 120, 7500],
      ],
    );
    assert.equal(history[2].flops, 7500 * trainFlopsPerSample(EXP1_MLP));
    assert.equal(history[0].test, undefined);
  });

  it('can run a number of steps and record every k steps instead', async () => {
    const { history } = await trainSupervised({ ...base, steps: 10, recordEvery: 4 });
    assert.deepEqual(
      history.map((r) => r.steps),
      [4, 8, 10],
    );
  });

  it('refuses both or neither of epochs and steps, and a bad recordEvery', async () => {
    await assert.rejects(trainSupervised({ ...base }), InvalidArgumentError);
    await assert.rejects(trainSupervised({ ...base, epochs: 1, steps: 3 }), InvalidArgumentError);
    await assert.rejects(trainSupervised({ ...base, epochs: 1, recordEvery: 0 }), InvalidArgumentError);
  });
});

describe('createSgdTrainer', () => {
  it("'auto' runs on the CPU kernels when @tensorflow/tfjs-node-gpu is not installed", async (t) => {
    const gpu = await import('@tensorflow/tfjs-node-gpu' as string).then(
      () => true,
      () => false,
    );
    if (gpu) return t.skip('@tensorflow/tfjs-node-gpu is installed here');
    const trainer = await createSgdTrainer({ ...base, backend: 'auto' });
    assert.equal(trainer.backend, 'cpu');
  });

  it("'cpu' and 'tfjs' give the same parameters after a few steps", async () => {
    const a = await createSgdTrainer({ ...base, backend: 'cpu' });
    const b = await createSgdTrainer({ ...base, backend: 'tfjs' });
    for (let s = 0; s < 5; s++) {
      a.step();
      b.step();
    }
    const pa = a.getParams();
    const pb = b.getParams();
    b.dispose();
    for (let i = 0; i < pa.length; i++) assert.ok(Math.abs(pa[i] - pb[i]) < 1e-5, `param ${i}: ${pa[i]} vs ${pb[i]}`);
  });
});

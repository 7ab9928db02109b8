/** Turns a loaded dataset and a trial's split into the train/test arrays a trial consumes. */
import type { Dataset } from '../shared/data/dataset.js';
import { experiment1Split, experiment2Split } from '../shared/data/splits.js';
import type { LabelledData } from '../worker/sgd/trainer.js';
import type { TrialData, TrialSpec } from './trial.js';

function gather(ds: Dataset, indices: Int32Array): LabelledData {
  const d = ds.obsDim;
  const x = new Float32Array(indices.length * d);
  const y = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    x.set(ds.observations.subarray(r * d, r * d + d), i * d);
    y[i] = ds.actions[r];
  }
  return { x, y, n: indices.length };
}

/** The trial's training and test sets, cut exactly as its split says. */
export function trialData(spec: TrialSpec, ds: Dataset): TrialData {
  if (spec.split.kind === 'exp1') {
    const size = spec.trainSet.size ?? spec.trainSet.rows;
    const split = experiment1Split(ds.size, {
      seed: spec.split.seed,
      testSize: spec.split.testSize,
      subsetSizes: [size],
    });
    return { train: gather(ds, split.subsets[0].indices), test: gather(ds, split.test) };
  }
  if (spec.split.kind !== 'exp2') {
    throw new Error(
      `trial ${spec.id}: experiment 3 builds its data from human episodes (src/experiments/exp3), not here`,
    );
  }
  const fraction = spec.trainSet.fraction ?? 0.9;
  const split = experiment2Split(ds.size, {
    seed: spec.split.seed,
    testFraction: spec.split.testFraction,
    trainFractions: [fraction],
  });
  return { train: gather(ds, split.train[0].indices), test: gather(ds, split.test) };
}

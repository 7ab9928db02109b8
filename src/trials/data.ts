/** Turns a loaded dataset and a trial's split into the train/test arrays a trial consumes. */
import type { Dataset } from '../shared/data/dataset.js';
import { splitRows } from '../shared/data/splits.js';
import { InvalidArgumentError } from '../shared/errors.js';
import { cachedPermutation } from '../data/permutations.js';
import type { TrialData, TrialSpec } from './trial.js';

/** The trial's training and test sets, cut exactly as its split says (`splitRows`, as NE runs cut theirs). */
export function trialData(spec: TrialSpec, ds: Dataset): TrialData {
  if (spec.split.kind === 'exp1') {
    const size = spec.trainSet.size ?? spec.trainSet.rows;
    return splitRows(
      ds,
      { kind: 'exp1', seed: spec.split.seed, testSize: spec.split.testSize, size },
      cachedPermutation,
    );
  }
  if (spec.split.kind !== 'exp2') {
    throw new Error(
      `trial ${spec.id}: experiment 3 builds its data from human episodes (src/experiments/exp3), not here`,
    );
  }
  if (spec.trainSet.size !== undefined) {
    const { seed, testFraction } = spec.split;
    try {
      return splitRows(ds, { kind: 'exp2', seed, testFraction, size: spec.trainSet.size }, cachedPermutation);
    } catch (err) {
      // The split knows the numbers; only the trial knows which dataset they belong to.
      if (err instanceof InvalidArgumentError) {
        throw new InvalidArgumentError(`trial ${spec.id}, dataset '${spec.dataset}': ${err.message}`);
      }
      throw err;
    }
  }
  const fraction = spec.trainSet.fraction ?? 0.9;
  return splitRows(
    ds,
    {
      kind: 'exp2',
      seed: spec.split.seed,
      testFraction: spec.split.testFraction,
      fraction,
    },
    cachedPermutation,
  );
}

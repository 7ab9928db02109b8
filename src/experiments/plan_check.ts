/**
 * Checks a plan's training-set sizes and fractions against the rows its datasets really have, before any trial
 * starts (and for `--plan`): a size larger than the dataset, or a fraction that rounds to no row, is refused with the
 * flag to change, instead of failing every trial of that size once the run is under way. The arithmetic is the
 * splits' own (src/shared/data/splits.ts: experiment1Split, experiment2Split).
 */
import { BUILTIN_DATASETS } from '../data/builtin.js';
import { loadDatasetOnce } from '../data/load.js';
import { DEFAULT_EXPERT_STEPS } from '../shared/data/generate.js';
import { EvoscaleError } from '../shared/errors.js';
import type { TrialSpec } from '../trials/trial.js';

export class PlanDoesNotFitError extends EvoscaleError {
  constructor(message: string) {
    super(message, 'PLAN_DOES_NOT_FIT');
  }
}

/** Rows of a dataset reference (with its --dataset-steps), loading it as a trial would. */
export type RowCounter = (dataset: string, datasetSteps: number | undefined) => Promise<number>;

/**
 * A built-in dataset has exactly its `steps` rows (generate.ts rolls out exactly that many), so `--plan` need not
 * generate it; files and hf: datasets are read (their cached binary copy once read before).
 */
const datasetRows: RowCounter = async (dataset, steps) => {
  const builtin = BUILTIN_DATASETS[dataset.toLowerCase()];
  if (builtin !== undefined) return steps ?? DEFAULT_EXPERT_STEPS[builtin.envId];
  return (await loadDatasetOnce(dataset, steps)).size;
};

function describe(dataset: string, steps: number | undefined): string {
  return steps !== undefined ? `${dataset} (--dataset-steps ${steps})` : dataset;
}

/** Refuses (PlanDoesNotFitError) the first trial whose train or test set does not fit its dataset's rows. */
export async function checkPlanFitsData(specs: readonly TrialSpec[], rowsOf: RowCounter = datasetRows): Promise<void> {
  const rows = new Map<string, number>();
  for (const s of specs) {
    const key = `${s.dataset}\u0000${s.datasetSteps ?? ''}`;
    let n = rows.get(key);
    if (n === undefined) {
      n = await rowsOf(s.dataset, s.datasetSteps);
      rows.set(key, n);
    }
    const what = describe(s.dataset, s.datasetSteps);
    const bigger = 'a larger dataset (--dataset-steps for a built-in one)';
    if (s.split.kind === 'exp1') {
      const size = s.trainSet.size ?? s.trainSet.rows;
      const test = s.split.testSize;
      if (test >= n) {
        throw new PlanDoesNotFitError(
          `${what} has ${n} rows, not enough for experiment 1's ${test} test rows; use ${bigger}`,
        );
      }
      if (size > n - test) {
        throw new PlanDoesNotFitError(
          `--sizes: ${size} training rows do not fit ${what}: it has ${n} rows, ${test} of them held out for ` +
            `testing, so sizes up to ${n - test} fit; use smaller sizes or ${bigger}`,
        );
      }
    } else if (s.split.kind === 'exp2') {
      const test = Math.round(s.split.testFraction * n);
      if (test < 1 || test >= n) {
        throw new PlanDoesNotFitError(
          `${what} has ${n} rows: a test fraction of ${s.split.testFraction} leaves ${test} test rows; use ${bigger}`,
        );
      }
      if (s.trainSet.size !== undefined) {
        if (s.trainSet.size > n - test) {
          throw new PlanDoesNotFitError(
            `--sizes: ${s.trainSet.size} training rows do not fit ${what}: it has ${n} rows, ${test} of them held ` +
              `out for testing, so sizes up to ${n - test} fit; use smaller sizes or ${bigger}`,
          );
        }
        continue;
      }
      const f = s.trainSet.fraction ?? 0;
      const size = Math.min(Math.round(f * n), n - test);
      if (size < 1) {
        throw new PlanDoesNotFitError(
          `--fractions: ${f} of the ${n} rows of ${what} is no row at all; ` +
            `use a fraction of at least ${(0.5 / n).toPrecision(2)} or ${bigger}`,
        );
      }
    }
  }
}

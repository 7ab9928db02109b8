/**
 * Deterministic train/test splits of the research proposal, as row indices (apply with `takeRows`).
 *
 * Both experiments start from the same permutation: a Fisher–Yates shuffle of 0..n−1 driven by
 * `CounterRng.from(seed, RngPurpose.split)` (for i = n−1 … 1: swap p[i] with p[nextInt(i + 1)]).
 * Everything below is a prefix or suffix of that permutation, which gives the guarantees callers rely on:
 * - test rows are the LAST rows of the permutation and never appear in any train set;
 * - train sets are PREFIXES of the permutation, so a smaller one is contained in every larger one;
 * - the same (n, seed, options) always gives the same indices, on any machine.
 */
import { InvalidArgumentError } from '../errors.js';
import { CounterRng, RngPurpose } from '../rng/philox.js';

/** Experiment 1 defaults: 495k train / 5k test of the 500k-row CartPole dataset, subsets 100…30000. */
export const EXPERIMENT1_TEST_SIZE = 5000;
export const EXPERIMENT1_SUBSET_SIZES: readonly number[] = [100, 300, 1000, 3000, 10000, 30000];
/** Experiment 2 defaults: test on a held-out 10%, train on 90%, 30%, 10% of the whole dataset. */
export const EXPERIMENT2_TEST_FRACTION = 0.1;
export const EXPERIMENT2_TRAIN_FRACTIONS: readonly number[] = [0.9, 0.3, 0.1];

function checkRows(n: number): void {
  if (!Number.isSafeInteger(n) || n < 1 || n > 0x7fffffff) {
    throw new InvalidArgumentError(`the number of rows must be an integer in 1..2^31−1, got ${n}`);
  }
}

/** A seeded uniform permutation of 0..n−1 (Fisher–Yates over the `split` random stream). */
export function shuffledIndices(n: number, seed: number): Int32Array {
  checkRows(n);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  const rng = CounterRng.from(seed, RngPurpose.split);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

function givenOrShuffled(n: number, seed: number, given: Int32Array | undefined): Int32Array {
  if (given === undefined) return shuffledIndices(n, seed);
  if (given.length !== n)
    throw new InvalidArgumentError(`a permutation of ${n} rows was expected, got one of ${given.length}`);
  return given;
}

/** Where splits get `shuffledIndices(n, seed)`: computed afresh, or from a cache (see src/data/permutations.ts). */
export type PermutationSource = (n: number, seed: number) => Int32Array;

export interface Experiment1SplitOptions {
  seed: number;
  /** Rows held out for testing (default 5000). */
  testSize?: number;
  /** Nested training-subset sizes (default 100, 300, 1000, 3000, 10000, 30000). */
  subsetSizes?: readonly number[];
  /** `shuffledIndices(n, seed)` already computed (a cache's); read, never written. */
  permutation?: Int32Array;
}

export interface Experiment1Split {
  /** The shuffled order every set below is cut from. */
  permutation: Int32Array;
  /** permutation[0 .. n − testSize): every row not in test. */
  train: Int32Array;
  /** permutation[n − testSize .. n): the last testSize rows. */
  test: Int32Array;
  /** subsets[k].indices = permutation[0 .. size_k): nested, disjoint from test. */
  subsets: { size: number; indices: Int32Array }[];
}

/**
 * Experiment 1: shuffle, hold out the last `testSize` rows as test, train on prefixes of the remaining rows.
 * With n = 500 000 this is the proposal's 495k train / 5k test with subsets of 100 … 30 000 samples.
 */
export function experiment1Split(n: number, opts: Experiment1SplitOptions): Experiment1Split {
  checkRows(n);
  const testSize = opts.testSize ?? EXPERIMENT1_TEST_SIZE;
  const sizes = opts.subsetSizes ?? EXPERIMENT1_SUBSET_SIZES;
  if (!Number.isInteger(testSize) || testSize < 1 || testSize >= n) {
    throw new InvalidArgumentError(`testSize must be an integer in 1..${n - 1} for ${n} rows, got ${testSize}`);
  }
  const trainSize = n - testSize;
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < 1 || s > trainSize) {
      throw new InvalidArgumentError(
        `subset size ${s} must be an integer in 1..${trainSize} (rows ${n} − test ${testSize}); ` +
          `use a larger dataset or smaller sizes`,
      );
    }
  }
  const permutation = givenOrShuffled(n, opts.seed, opts.permutation);
  return {
    permutation,
    train: permutation.slice(0, trainSize),
    test: permutation.slice(trainSize),
    subsets: sizes.map((size) => ({ size, indices: permutation.slice(0, size) })),
  };
}

export interface Experiment2SplitOptions {
  seed: number;
  /** Share of all rows held out for testing (default 0.1). */
  testFraction?: number;
  /** Training shares, each of the WHOLE dataset (default 0.9, 0.3, 0.1). */
  trainFractions?: readonly number[];
  /** `shuffledIndices(n, seed)` already computed (a cache's); read, never written. */
  permutation?: Int32Array;
}

export interface Experiment2Split {
  permutation: Int32Array;
  /** permutation[n − round(testFraction·n) .. n). */
  test: Int32Array;
  /** train[k].indices = permutation[0 .. min(round(fraction_k·n), n − testSize)): nested, disjoint from test. */
  train: { fraction: number; indices: Int32Array }[];
}

/**
 * Experiment 2: shuffle, hold out the last round(testFraction·n) rows as test, and train on the first
 * round(f·n) rows for each fraction f of the whole dataset (0.9 ⇒ every non-test row when testFraction = 0.1).
 * Sizes are capped at n − testSize only to absorb rounding; f + testFraction > 1 is an error.
 */
export function experiment2Split(n: number, opts: Experiment2SplitOptions): Experiment2Split {
  checkRows(n);
  const testFraction = opts.testFraction ?? EXPERIMENT2_TEST_FRACTION;
  const fractions = opts.trainFractions ?? EXPERIMENT2_TRAIN_FRACTIONS;
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new InvalidArgumentError(`testFraction must be in (0, 1), got ${testFraction}`);
  }
  const testSize = Math.round(testFraction * n);
  if (testSize < 1 || testSize >= n) {
    throw new InvalidArgumentError(
      `testFraction ${testFraction} of ${n} rows leaves ${testSize} test rows; need at least one test and one train row`,
    );
  }
  const trainMax = n - testSize;
  const train = fractions.map((fraction) => {
    if (!(fraction > 0) || fraction + testFraction > 1 + 1e-9) {
      throw new InvalidArgumentError(
        `train fraction ${fraction} must be > 0 and at most 1 − testFraction = ${1 - testFraction}`,
      );
    }
    const size = Math.min(Math.round(fraction * n), trainMax);
    if (size < 1) {
      throw new InvalidArgumentError(
        `train fraction ${fraction} of ${n} rows is empty; use a larger fraction or dataset`,
      );
    }
    return { fraction, size };
  });
  const permutation = givenOrShuffled(n, opts.seed, opts.permutation);
  return {
    permutation,
    test: permutation.slice(trainMax),
    train: train.map(({ fraction, size }) => ({ fraction, indices: permutation.slice(0, size) })),
  };
}

/** A split a trial or run trains on: which rows are held out for testing, and which train. */
export type ExperimentSplit =
  | { readonly kind: 'exp1'; readonly seed: number; readonly testSize: number; readonly size: number }
  | { readonly kind: 'exp2'; readonly seed: number; readonly testFraction: number; readonly fraction: number }
  | {
      readonly kind: 'exp2';
      readonly seed: number;
      readonly testFraction: number;
      /** An absolute training size instead of a fraction (the proposal's script's `--dataset-size`). */
      readonly size: number;
    };

/**
 * Experiment 2 with an absolute training size, as the proposal's script ran it (`--dataset-size 100 … 100000`):
 * the same permutation and held-out test rows as `experiment2Split`, training on its first `size` rows, so every
 * size's training set is contained in the larger ones and never meets the test rows. A size larger than the
 * training pool is refused (the proposal's script silently used the whole pool instead).
 */
export function experiment2SizedSplit(
  n: number,
  opts: { seed: number; testFraction?: number; size: number },
): { permutation: Int32Array; test: Int32Array; train: Int32Array } {
  const s = experiment2Split(n, { seed: opts.seed, testFraction: opts.testFraction ?? EXPERIMENT2_TEST_FRACTION, trainFractions: [] });
  const pool = n - s.test.length;
  if (!Number.isInteger(opts.size) || opts.size < 1 || opts.size > pool) {
    throw new InvalidArgumentError(
      `training size ${opts.size} must be an integer in 1..${pool}: the dataset has ${n} rows, ${s.test.length} of ` +
        `them held out for testing; use a smaller size or a larger dataset`,
    );
  }
  return { permutation: s.permutation, test: s.test, train: s.permutation.slice(0, opts.size) };
}

/** Rows of a dataset as the learners consume them: inputs n × obsDim (row-major) and action labels. */
export interface LabelledRows {
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly n: number;
}

/** Copies the observations and actions of `indices` (in that order) into contiguous arrays. */
export function gatherRows(
  ds: { readonly obsDim: number; readonly observations: Float32Array; readonly actions: Int32Array },
  indices: Int32Array,
): LabelledRows {
  const d = ds.obsDim;
  const x = new Float32Array(indices.length * d);
  const y = new Int32Array(indices.length);
  const obs = ds.observations;
  // Element by element: a subarray + set per row allocates a view per row, which dominated cutting 450k rows.
  for (let i = 0, o = 0; i < indices.length; i++, o += d) {
    const r = indices[i];
    const from = r * d;
    for (let j = 0; j < d; j++) x[o + j] = obs[from + j];
    y[i] = ds.actions[r];
  }
  return { x, y, n: indices.length };
}

/**
 * The training and test rows `split` cuts from a dataset of `ds.size` rows: the one place experiments' trials
 * and neuroevolution runs cut their data, so the two train on the same rows for the same split.
 */
export function splitRows(
  ds: {
    readonly size: number;
    readonly obsDim: number;
    readonly observations: Float32Array;
    readonly actions: Int32Array;
  },
  split: ExperimentSplit,
  permutations?: PermutationSource,
): { train: LabelledRows; test: LabelledRows } {
  const permutation = permutations?.(ds.size, split.seed);
  if (split.kind === 'exp1') {
    const s = experiment1Split(ds.size, {
      seed: split.seed,
      testSize: split.testSize,
      subsetSizes: [split.size],
      ...(permutation !== undefined ? { permutation } : {}),
    });
    return { train: gatherRows(ds, s.subsets[0].indices), test: gatherRows(ds, s.test) };
  }
  if ('size' in split) {
    const s = experiment2SizedSplit(ds.size, split);
    return { train: gatherRows(ds, s.train), test: gatherRows(ds, s.test) };
  }
  const s = experiment2Split(ds.size, {
    seed: split.seed,
    testFraction: split.testFraction,
    trainFractions: [split.fraction],
    ...(permutation !== undefined ? { permutation } : {}),
  });
  return { train: gatherRows(ds, s.train[0].indices), test: gatherRows(ds, s.test) };
}

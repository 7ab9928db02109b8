/**
 * Human-likeness: how close a model's distribution of episode returns is to a human's over matched seeds (issue #13
 * item 2). Not a quantity a gradient can follow (returns come from env rollouts), so it is an objective for
 * neuroevolution and a score for any model. Pure.
 */
import { InvalidArgumentError } from '../errors.js';
import { ksTwoSample } from '../stats/kolmogorov_smirnov.js';
import { mannWhitneyU } from '../stats/mann_whitney.js';

export interface HumanLikeness {
  /** |mean(model) − mean(human)| / |mean(human)| × 100 (NaN when the human mean is 0). */
  absPctDiff: number;
  /** Two-sample Kolmogorov–Smirnov statistic D ∈ [0, 1] (0: identical distributions) and its p-value. */
  ksStatistic: number;
  ksPValue: number;
  /** Mann–Whitney U of the model's returns against the human's, and its two-sided p-value. */
  mannWhitneyU: number;
  mannWhitneyPValue: number;
}

/** Every human-likeness measure of `model` returns against `human` returns (same seeds, same count). */
export function humanLikeness(model: readonly number[], human: readonly number[]): HumanLikeness {
  if (model.length === 0 || human.length === 0) {
    throw new InvalidArgumentError(
      `humanLikeness: need returns of both (got ${model.length} model, ${human.length} human)`,
    );
  }
  const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const h = mean(human);
  const ks = ksTwoSample(model, human);
  const mw = mannWhitneyU(model, human);
  return {
    absPctDiff: h !== 0 ? (Math.abs(mean(model) - h) / Math.abs(h)) * 100 : Number.NaN,
    ksStatistic: ks.statistic,
    ksPValue: ks.pValue,
    mannWhitneyU: mw.statistic,
    mannWhitneyPValue: mw.pValue,
  };
}

/**
 * The scalar objective neuroevolution maximises: 1 − D (KS), which rewards matching the whole distribution (its
 * spread and failures too, not only the mean); ties, common with few episodes, are broken by the closer mean.
 */
export function humanLikenessFitness(model: readonly number[], human: readonly number[]): number {
  const h = humanLikeness(model, human);
  const pct = Number.isFinite(h.absPctDiff) ? Math.min(h.absPctDiff, 1000) : 0;
  return 1 - h.ksStatistic - 1e-6 * pct;
}

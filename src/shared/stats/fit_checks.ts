/** Whether a saturating power-law fit deserves belief: forecast validation and the credibility checks. */
import { InvalidArgumentError } from '../errors.js';
import type { SaturatingBootstrap } from './bootstrap_fit.js';
import {
  checkCurve,
  fitSaturatingPowerLaw,
  predictSaturating,
  type SaturatingFit,
  type SaturatingFitOptions,
} from './power_law.js';

/** A forecast of the largest x from a fit that never saw it. */
export type ForecastValidation =
  | {
      ok: true;
      /** The held-out x (every point at it was left out of the fit). */
      heldOutX: number;
      predicted: number;
      /** Mean of the held-out points' errors. */
      actual: number;
      /** (predicted − actual) / actual. */
      relativeError: number;
      fit: SaturatingFit;
    }
  | { ok: false; reason: string };

/** Fits without the largest x, predicts it and compares; not ok when fewer than 3 distinct x remain. */
export function forecastValidation(
  x: readonly number[],
  y: readonly number[],
  opts: SaturatingFitOptions = {},
): ForecastValidation {
  checkCurve(x, y, 'forecastValidation', 1);
  const top = Math.max(...x);
  const keep = x.map((v) => v < top);
  const xs = x.filter((_, i) => keep[i]);
  const ys = y.filter((_, i) => keep[i]);
  const distinct = new Set(xs).size;
  if (distinct < 3) {
    return {
      ok: false,
      reason: `only ${distinct} distinct sizes below the largest (${top}); a forecast needs 3 to fit and 1 to check`,
    };
  }
  const fit = fitSaturatingPowerLaw(xs, ys, opts);
  const held = y.filter((_, i) => !keep[i]);
  const actual = held.reduce((s, v) => s + v, 0) / held.length;
  const predicted = predictSaturating(fit, top);
  return { ok: true, heldOutX: top, predicted, actual, relativeError: (predicted - actual) / actual, fit };
}

/** Thresholds of `credibility`. */
export interface CredibilityOptions {
  /** Intervals to check (a fit without them is judged on its points alone). */
  bootstrap?: SaturatingBootstrap;
  /** Fewest distinct x a law needs (default 4: 3 parameters and one degree of freedom). */
  minDistinctX?: number;
  /** An α interval whose hi/lo exceeds this spans orders of magnitude (default 10). */
  maxAlphaCiRatio?: number;
  /**
   * A rise of the mean error from one x to the next larger one by more than this fraction of the curve's range
   * makes the data non-monotone (default 0.1: seed noise of a flat curve is tolerated, a real upturn is not).
   */
  monotoneTolerance?: number;
  /** …and by more than this fraction of the smaller error (default 0.01), so a flat curve's jitter is not an upturn. */
  monotoneRelativeTolerance?: number;
  /**
   * The fitted error must fall by at least this fraction over the sizes fitted (default 0.05): a flat curve has
   * no exponent to speak of, whatever the solver returns for α.
   */
  minRelativeDrop?: number;
}

/** The verdict, with every reason a fit fails (empty when credible). */
export interface Credibility {
  credible: boolean;
  reasons: string[];
}

function fmt(v: number): string {
  return Number.isFinite(v) ? Number(v.toPrecision(3)).toString() : String(v);
}

/** Mean y at each distinct x, in increasing x. */
export function meansByX(x: readonly number[], y: readonly number[]): { x: number; y: number }[] {
  const by = new Map<number, number[]>();
  x.forEach((v, i) => {
    const list = by.get(v);
    if (list) list.push(y[i]);
    else by.set(v, [y[i]]);
  });
  return [...by.entries()]
    .sort((p, q) => p[0] - q[0])
    .map(([xv, ys]) => ({ x: xv, y: ys.reduce((s, v) => s + v, 0) / ys.length }));
}

/**
 * Whether `fit` may be drawn and reported as a law. Not credible when it has too few distinct x, is flat, the data rise
 * with x (a saturating law cannot describe an upturn), α ends on a bound of its range (the data do not pin it),
 * the solver did not converge, or the bootstrap interval of α spans an order of magnitude or more.
 */
export function credibility(fit: SaturatingFit, opts: CredibilityOptions = {}): Credibility {
  const minDistinct = opts.minDistinctX ?? 4;
  const maxRatio = opts.maxAlphaCiRatio ?? 10;
  const tol = opts.monotoneTolerance ?? 0.1;
  const relTol = opts.monotoneRelativeTolerance ?? 0.01;
  if (!(maxRatio > 1 && tol >= 0 && minDistinct >= 3)) {
    throw new InvalidArgumentError(
      `credibility: maxAlphaCiRatio ${maxRatio} must be > 1, monotoneTolerance ${tol} ≥ 0, minDistinctX ${minDistinct} ≥ 3`,
    );
  }
  const reasons: string[] = [];
  if (fit.distinctX < minDistinct) {
    reasons.push(`only ${fit.distinctX} distinct sizes (a law needs at least ${minDistinct})`);
  }
  const means = meansByX(fit.x, fit.y);
  const ys = means.map((m) => m.y);
  const range = Math.max(...ys) - Math.min(...ys);
  const rises: string[] = [];
  for (let i = 1; i < means.length; i++) {
    const rise = means[i].y - means[i - 1].y;
    if (rise > tol * range && rise > relTol * means[i - 1].y && rise > 0) {
      rises.push(`from ${fmt(means[i - 1].y)} at ${fmt(means[i - 1].x)} to ${fmt(means[i].y)} at ${fmt(means[i].x)}`);
    }
  }
  if (rises.length > 0) {
    reasons.push(
      `non-monotone: the mean error rises at ${rises.length} of ${means.length - 1} steps (${rises.slice(0, 2).join('; ')}${rises.length > 2 ? '; …' : ''})`,
    );
  }
  const minDrop = opts.minRelativeDrop ?? 0.05;
  const xLo = Math.min(...fit.x);
  const xHi = Math.max(...fit.x);
  const top = predictSaturating(fit, xLo);
  const drop = (top - predictSaturating(fit, xHi)) / top;
  if (!(drop >= minDrop)) {
    reasons.push(
      `flat: the fitted error falls by only ${(100 * drop).toFixed(1)}% from ${fmt(xLo)} to ${fmt(xHi)} (a law needs ${Math.round(100 * minDrop)}%)`,
    );
  }
  if (fit.atBound.alpha !== null) {
    const b = fit.atBound.alpha === 'lower' ? fit.alphaBounds[0] : fit.alphaBounds[1];
    reasons.push(`α ended on the ${fit.atBound.alpha} bound of its range (${b}): the data do not determine it`);
  }
  if (!fit.converged) reasons.push('the solver stopped at its iteration cap before converging');
  const boot = opts.bootstrap;
  if (boot !== undefined) {
    const { lo, hi } = boot.alpha;
    if (!(lo > 0) || hi / lo > maxRatio) {
      reasons.push(
        `the ${Math.round(boot.confidence * 100)}% interval of α, ${fmt(lo)}–${fmt(hi)}, spans an order of magnitude or more`,
      );
    }
    if (boot.failed > 0.1 * boot.resamples) {
      reasons.push(`${boot.failed} of ${boot.resamples} bootstrap resamples could not be fitted`);
    }
  }
  return { credible: reasons.length === 0, reasons };
}

/** Confidence intervals of a saturating power law from a bootstrap over seeds (each seed's curve kept whole). */
import { InvalidArgumentError } from '../errors.js';
import { CounterRng, RngPurpose } from '../rng/index.js';
import {
  fitSaturatingPowerLaw,
  predictSaturating,
  type SaturatingFit,
  type SaturatingFitOptions,
} from './power_law.js';

/** One seed's curve: its errors at its sizes. */
export interface CurveGroup {
  x: readonly number[];
  y: readonly number[];
}

/** A parameter's estimate (from all the data) and its percentile bootstrap interval. */
export interface BootstrapInterval {
  estimate: number;
  lo: number;
  hi: number;
}

/** Options of `bootstrapSaturatingFit`. */
export interface BootstrapFitOptions extends SaturatingFitOptions {
  /** Number of resamples (default 1000). */
  resamples?: number;
  /** Seed of the resampling stream: the same seed gives the same intervals. */
  seed: number;
  /** Two-sided coverage of the intervals (default 0.95). */
  confidence?: number;
}

/** A fit with bootstrap intervals for E∞, A and α. */
export interface SaturatingBootstrap {
  /** The fit to every group's points together. */
  fit: SaturatingFit;
  eInf: BootstrapInterval;
  a: BootstrapInterval;
  alpha: BootstrapInterval;
  confidence: number;
  resamples: number;
  /** Resamples whose fit threw (too few distinct sizes drawn, say); left out of the intervals. */
  failed: number;
  /**
   * What was resampled: whole seeds' curves, or single points when there is only one seed (then the interval
   * reflects scatter around the curve, not seed-to-seed variation, and the report should say so).
   */
  over: 'seeds' | 'points';
  /** Each successful resample's parameters, for prediction bands (`bootstrapBand`). */
  samples: { eInf: number; a: number; alpha: number }[];
}

/** NumPy's default percentile ('linear': the order statistic at fractional rank q·(n − 1)). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = q * (sorted.length - 1);
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < sorted.length ? sorted[i] + f * (sorted[i + 1] - sorted[i]) : sorted[i];
}

function interval(estimate: number, values: number[], confidence: number): BootstrapInterval {
  const s = values.filter(Number.isFinite).sort((p, q) => p - q);
  const tail = (1 - confidence) / 2;
  return { estimate, lo: percentile(s, tail), hi: percentile(s, 1 - tail) };
}

/**
 * Fits all groups' points together, then refits `resamples` times to as many groups drawn with replacement
 * (or, with a single group, as many of its points), and reports percentile intervals. Deterministic in `seed`.
 */
export function bootstrapSaturatingFit(groups: readonly CurveGroup[], opts: BootstrapFitOptions): SaturatingBootstrap {
  if (groups.length === 0) {
    throw new InvalidArgumentError('bootstrapSaturatingFit: no groups; pass one {x, y} curve per seed');
  }
  const resamples = opts.resamples ?? 1000;
  const confidence = opts.confidence ?? 0.95;
  if (!(Number.isInteger(resamples) && resamples >= 1)) {
    throw new InvalidArgumentError(
      `bootstrapSaturatingFit: resamples = ${resamples}; use a positive integer, e.g. 1000`,
    );
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new InvalidArgumentError(
      `bootstrapSaturatingFit: confidence = ${confidence}; use a value in (0, 1), e.g. 0.95`,
    );
  }
  const fitOpts: SaturatingFitOptions = {
    ...(opts.alphaBounds !== undefined ? { alphaBounds: opts.alphaBounds } : {}),
    ...(opts.maxIterations !== undefined ? { maxIterations: opts.maxIterations } : {}),
  };
  const allX = groups.flatMap((g) => [...g.x]);
  const allY = groups.flatMap((g) => [...g.y]);
  const fit = fitSaturatingPowerLaw(allX, allY, fitOpts);
  const over = groups.length > 1 ? 'seeds' : 'points';
  const units: CurveGroup[] = over === 'seeds' ? [...groups] : allX.map((x, i) => ({ x: [x], y: [allY[i]] }));
  const rng = CounterRng.from(opts.seed, RngPurpose.bootstrap);
  const samples: SaturatingBootstrap['samples'] = [];
  let failed = 0;
  for (let b = 0; b < resamples; b++) {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let k = 0; k < units.length; k++) {
      const u = units[rng.nextInt(units.length)];
      xs.push(...u.x);
      ys.push(...u.y);
    }
    try {
      const f = fitSaturatingPowerLaw(xs, ys, fitOpts);
      samples.push({ eInf: f.eInf, a: f.a, alpha: f.alpha });
    } catch (err) {
      if (!(err instanceof InvalidArgumentError)) throw err;
      failed++;
    }
  }
  return {
    fit,
    eInf: interval(
      fit.eInf,
      samples.map((p) => p.eInf),
      confidence,
    ),
    a: interval(
      fit.a,
      samples.map((p) => p.a),
      confidence,
    ),
    alpha: interval(
      fit.alpha,
      samples.map((p) => p.alpha),
      confidence,
    ),
    confidence,
    resamples,
    failed,
    over,
    samples,
  };
}

/** The fitted curve at each x with the percentile band of the resampled curves there (same coverage as the fit's). */
export function bootstrapBand(
  boot: SaturatingBootstrap,
  xs: readonly number[],
): { x: number; err: number; lo: number; hi: number }[] {
  return xs.map((x) => {
    const band = interval(
      predictSaturating(boot.fit, x),
      boot.samples.map((p) => predictSaturating(p, x)),
      boot.confidence,
    );
    return { x, err: band.estimate, lo: band.lo, hi: band.hi };
  });
}

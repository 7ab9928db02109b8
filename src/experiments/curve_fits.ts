/**
 * One seed-replicated scaling curve (error against size, one point per seed and size) fitted for a report: the
 * saturating power law with bootstrap intervals over seeds, the forecast of the largest size, the credibility
 * verdict and the band to draw; plus the words the reports print for them.
 */
import {
  bootstrapBand,
  bootstrapSaturatingFit,
  credibility,
  forecastValidation,
  type Credibility,
  type ForecastValidation,
  type SaturatingBootstrap,
} from '../shared/stats/index.js';
import { EvoscaleError } from '../shared/errors.js';
import { groupBy } from './aggregate.js';

/** Resamples of the bootstrap and its seed: fixed, so a report is a pure function of the trials. */
export const REPORT_BOOTSTRAP = { resamples: 1000, seed: 0 } as const;

/** A fitted curve, or why there is none. */
export interface SeedCurveFit {
  fit: SaturatingBootstrap | null;
  forecast: ForecastValidation | null;
  verdict: Credibility;
  /** The fitted curve and its 95% band on a grid over the sizes run (empty when there is no fit). */
  band: { x: number; err: number; lo: number; hi: number }[];
}

function logGrid(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => lo * (hi / lo) ** (i / (n - 1)));
}

/** Fits err(x) = E∞ + A·x^(−α) to per-seed points; non-positive or non-finite values (failed runs) are left out. */
export function fitSeedCurve(
  points: readonly { x: number; seed: number; value: number }[],
  what: string,
): SeedCurveFit {
  const usable = points.filter((p) => Number.isFinite(p.value) && p.value > 0);
  const distinct = new Set(usable.map((p) => p.x)).size;
  if (distinct < 3) {
    return {
      fit: null,
      forecast: null,
      verdict: { credible: false, reasons: [`only ${distinct} sizes with a positive ${what}: nothing to fit`] },
      band: [],
    };
  }
  const groups = [...groupBy(usable, (p) => String(p.seed)).values()].map((g) => ({
    x: g.map((p) => p.x),
    y: g.map((p) => p.value),
  }));
  try {
    const fit = bootstrapSaturatingFit(groups, REPORT_BOOTSTRAP);
    const forecast = forecastValidation(
      usable.map((p) => p.x),
      usable.map((p) => p.value),
    );
    const verdict = credibility(fit.fit, { bootstrap: fit });
    if (fit.over === 'points') verdict.reasons.push('one seed: the interval resamples points, not seeds');
    const xs = usable.map((p) => p.x);
    return { fit, forecast, verdict, band: bootstrapBand(fit, logGrid(Math.min(...xs), Math.max(...xs), 40)) };
  } catch (err) {
    if (!(err instanceof EvoscaleError)) throw err;
    return {
      fit: null,
      forecast: null,
      verdict: { credible: false, reasons: [`the fit failed: ${err.message}`] },
      band: [],
    };
  }
}

/** Three significant digits, 'n/a' for non-finite values. */
export const g3 = (v: number): string => (Number.isFinite(v) ? Number(v.toPrecision(3)).toString() : 'n/a');

/** An estimate with its interval: '0.52 [0.41, 0.63]'. */
export const iv = (i: { estimate: number; lo: number; hi: number }): string =>
  `${g3(i.estimate)} [${g3(i.lo)}, ${g3(i.hi)}]`;

/** The forecast as a table cell. */
export function forecastWords(f: ForecastValidation | null): string {
  if (f === null) return 'n/a';
  if (!f.ok) return `not possible (${f.reason})`;
  return `${g3(f.predicted)} vs ${g3(f.actual)} at ${f.heldOutX} (${f.relativeError >= 0 ? '+' : ''}${(100 * f.relativeError).toFixed(1)}%)`;
}

/** The verdict as a table cell. */
export function verdictWords(v: Credibility): string {
  return v.credible ? 'credible' : `NOT credible: ${v.reasons.join('; ')}`;
}

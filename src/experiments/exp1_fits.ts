/**
 * Experiment 1's scaling fits: each method's test error (1 − action match) and test loss (cross-entropy) against
 * training-set size, fitted with the saturating power law err(n) = E∞ + A·n^(−α), bootstrap intervals over seeds,
 * a forecast of the largest size from the others and a credibility verdict; then the proposal's "DL shows clear
 * power-law scaling" checked against them.
 */
import type { Credibility, ForecastValidation, SaturatingBootstrap } from '../shared/stats/index.js';
import { fitSeedCurve, forecastWords, g3, iv, verdictWords } from './curve_fits.js';
import type { TrialSummary } from '../trials/trial.js';
import { groupBy, markdownTable } from './aggregate.js';

/** The metrics fitted: both fall towards a floor as data grow. */
export const EXP1_FIT_METRICS = {
  testError: { label: 'test error (1 − action match)', of: (s: TrialSummary) => 1 - s.final.testActionMatch },
  testLoss: { label: 'test loss (cross-entropy)', of: (s: TrialSummary) => s.final.testLoss },
} as const;
export type Exp1FitMetric = keyof typeof EXP1_FIT_METRICS;

/** One method × metric: the fit with its intervals, forecast and verdict, or why there is none. */
export interface Exp1CurveFit {
  method: string;
  metric: Exp1FitMetric;
  /** Per-seed points fitted (size, value). */
  points: { size: number; seed: number; value: number }[];
  fit: SaturatingBootstrap | null;
  forecast: ForecastValidation | null;
  verdict: Credibility;
  /** The fitted curve and its 95% band on a grid over the sizes run (empty when there is no fit). */
  band: { x: number; err: number; lo: number; hi: number }[];
}

/** Fits every method's curve of every metric. `methodLabel` maps method ids to the report's names. */
export function fitExp1Curves(summaries: readonly TrialSummary[], methodLabel: (id: string) => string): Exp1CurveFit[] {
  const out: Exp1CurveFit[] = [];
  for (const [, trials] of groupBy(summaries, (s) => s.method)) {
    const method = methodLabel(trials[0].method);
    for (const metric of Object.keys(EXP1_FIT_METRICS) as Exp1FitMetric[]) {
      const of = EXP1_FIT_METRICS[metric].of;
      const points = trials
        .map((s) => ({ size: s.trainSet.size ?? s.trainSet.rows, seed: s.seed, value: of(s) }))
        .sort((p, q) => p.size - q.size || p.seed - q.seed);
      const curve = fitSeedCurve(
        points.map((p) => ({ x: p.size, seed: p.seed, value: p.value })),
        metric,
      );
      out.push({ method, metric, points, ...curve });
    }
  }
  return out;
}

/** The fits as a markdown table, one row per method × metric. */
export function exp1FitTable(fits: readonly Exp1CurveFit[]): string {
  return markdownTable(
    [
      'method',
      'metric',
      'α [95% CI]',
      'E∞ [95% CI]',
      'A',
      'rms log residual',
      'forecast of largest size (fit without it)',
      'verdict',
    ],
    fits.map((f) => [
      f.method,
      EXP1_FIT_METRICS[f.metric].label,
      f.fit ? iv(f.fit.alpha) : 'n/a',
      f.fit ? iv(f.fit.eInf) : 'n/a',
      f.fit ? g3(f.fit.fit.a) : 'n/a',
      f.fit ? g3(f.fit.fit.rmsLog) : 'n/a',
      forecastWords(f.forecast),
      verdictWords(f.verdict),
    ]),
  );
}

/** A forecast within this relative error counts as "predictable" in the power-law check. */
export const FORECAST_TOLERANCE = 0.25;

/**
 * The proposal's "DL shows clear power-law scaling behavior with predictable performance improvements as data
 * increases", checked on DL's test error: a credible saturating fit whose forecast of the largest size holds.
 */
export function powerLawFinding(fits: readonly Exp1CurveFit[], dlMethod: string): string {
  const f = fits.find((c) => c.method === dlMethod && c.metric === 'testError');
  if (f === undefined) return `No ${dlMethod} trials: the power-law claim cannot be checked.`;
  const claim = `the proposal's "DL shows clear power-law scaling with predictable improvements as data increases"`;
  if (f.fit === null || !f.verdict.credible) {
    return `${dlMethod}'s test error is not described by a credible saturating power law (${f.verdict.reasons.join('; ')}): ${claim} is NOT supported by this run.`;
  }
  const { alpha, eInf } = f.fit;
  const fc = f.forecast;
  const predictable = fc !== null && fc.ok && Math.abs(fc.relativeError) <= FORECAST_TOLERANCE;
  const floor =
    eInf.lo > 0
      ? `it bends towards a floor E∞ = ${iv(eInf)} (the interval excludes 0), so on log–log axes it is a straight line only well above that floor`
      : `its floor E∞ = ${iv(eInf)} cannot be told from 0, so it is a straight line on log–log axes over the sizes run`;
  const forecastText =
    fc !== null && fc.ok
      ? `fitted without the largest size, it forecasts ${g3(fc.predicted)} there against ${g3(fc.actual)} measured (${(100 * fc.relativeError).toFixed(1)}%)`
      : 'no forecast could be checked';
  return (
    `${dlMethod}'s test error follows err(n) = E∞ + A·n^(−α) with α = ${iv(alpha)}; ${floor}; ${forecastText}. ` +
    (predictable
      ? `${claim} holds in this run.`
      : `The curve is a power law, but the forecast misses by more than ${FORECAST_TOLERANCE * 100}%: ${claim} holds only in part (not "predictable").`)
  );
}

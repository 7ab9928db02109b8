/**
 * Experiment 2's scaling fits: per dataset and method, final test macro-F1 error (1 − macro-F1) against training
 * size, fitted with the saturating power law like experiment 1's curves. With the default three fractions the
 * fits have 3 sizes and are reported as not credible: a law needs more sizes (`--sizes`).
 */
import type { TrialSpec, TrialSummary } from '../trials/trial.js';
import { groupBy, markdownTable } from './aggregate.js';
import { fitSeedCurve, forecastWords, iv, verdictWords } from './curve_fits.js';

/** The size axis of a trial: absolute training rows when the plan set them, else the fraction of the dataset. */
function sizeOf(spec: TrialSpec): { x: number; unit: 'rows' | 'fraction' } {
  const rows = spec.trainSet.size ?? spec.trainSet.rows;
  if (rows > 0) return { x: rows, unit: 'rows' };
  return { x: spec.trainSet.fraction ?? 0, unit: 'fraction' };
}

/** The report section: one table per dataset, one row per method. */
export function exp2FitSection(specs: readonly TrialSpec[], summaries: readonly TrialSummary[]): string {
  const trials = specs.map((spec, i) => ({ spec, summary: summaries[i], ...sizeOf(spec) }));
  const parts: string[] = [];
  for (const [dataset, group] of groupBy(trials, (t) => t.spec.dataset)) {
    const unit = group.some((t) => t.unit === 'fraction') ? 'fraction' : 'rows';
    const rows = [...groupBy(group, (t) => t.spec.method.name)].map(([method, ts]) => {
      const c = fitSeedCurve(
        ts.map((t) => ({ x: t.x, seed: t.spec.seed, value: 1 - t.summary.final.testMacroF1 })),
        'macro-F1 error',
      );
      return [
        method,
        c.fit ? iv(c.fit.alpha) : 'n/a',
        c.fit ? iv(c.fit.eInf) : 'n/a',
        forecastWords(c.forecast),
        verdictWords(c.verdict),
      ];
    });
    parts.push(`### ${dataset}

${markdownTable(['method', 'α [95% CI]', 'E∞ [95% CI] (macro-F1 error floor)', 'forecast of largest size', 'verdict'], rows)}
`);
    if (unit === 'fraction') {
      parts.push(
        'Sizes are training fractions of the dataset: α and E∞ do not depend on the unit of size, A (not shown) does.\n',
      );
    }
  }
  return `## Saturating fits of macro-F1 error against training size

Final test macro-F1 error (1 − macro-F1) of each method against training size, fitted with err(n) = E∞ + A·n^(−α) on
log(err), 95% bootstrap intervals over seeds (over points with one seed). Fits with fewer than 4 sizes are not credible.

${parts.join('\n')}`;
}

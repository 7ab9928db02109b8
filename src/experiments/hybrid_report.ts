/** The hybrid experiment's aggregate, figures and report: protocol departures first, then the comparison with CIs. */
import { join } from 'node:path';
import {
  hybridByFlops,
  hybridBySize,
  renderVegaLite,
  type HybridCurveRow,
  type HybridSizeRow,
} from '../plots/index.js';
import { describeSpec } from '../shared/model/mlp.js';
import type { HybridConfig } from '../shared/config/experiments.js';
import { writeFileAtomic, writeJsonAtomic } from '../platform/atomic_file.js';
import { TrialDirectory } from '../trials/results.js';
import type { MetricRecord, TrialSummary } from '../trials/trial.js';
import { ci, fmtCi, groupBy, markdownTable, type Ci } from './aggregate.js';
import { describeWhere, type runEnvironment } from './environment.js';
import { splitWords } from './exp1.js';
import type { TrialSpec } from '../trials/trial.js';
import { fitnessBatchOf, fitnessBatchWords } from '../trials/methods.js';

/** The baselines every training size gets: DL at the switch, DL and a GA given the hybrids' whole budget. */
export const BASELINES = { dlSwitch: 'dl_switch', dlTotal: 'dl_total', gaTotal: 'ga_total' } as const;

/** What a planned trial is in the comparison, and the FLOPs its budget was sized to. */
export interface PlannedHybridTrial {
  readonly spec: TrialSpec;
  readonly role: 'dl_switch' | 'dl_total' | 'ga_total' | 'hybrid';
  readonly plannedFlops: number;
}

/** A fraction as an id fragment: 0.1 → f10, 0.001 → f0p1. */
export function fractionTag(fraction: number): string {
  return `${String(Number((fraction * 100).toPrecision(6))).replace('.', 'p')}pct`;
}

interface Trial {
  readonly plan: PlannedHybridTrial;
  readonly summary: TrialSummary;
}

type Metric = 'testMacroF1' | 'testLoss' | 'meanReturn';

const value = (t: Trial, m: Metric): number =>
  m === 'meanReturn' ? (t.summary.final.meanReturn ?? NaN) : t.summary.final[m];

/** Mean and 95% CI of (a − b) over the seeds both ran: same seed, same split, same DL phase. */
export function pairedDifference(a: readonly Trial[], b: readonly Trial[], m: Metric): Ci {
  const bySeed = new Map(b.map((t) => [t.summary.seed, value(t, m)]));
  return ci(
    a.filter((t) => bySeed.has(t.summary.seed)).map((t) => value(t, m) - (bySeed.get(t.summary.seed) as number)),
  );
}

/** "higher", "lower" or "not different" at 95%, from a difference's CI. */
function direction(d: Ci): string {
  if (d.lo > 0) return 'higher';
  if (d.hi < 0) return 'lower';
  return 'not different at 95%';
}

function curves(dir: string, trials: readonly Trial[], metric: keyof MetricRecord): HybridCurveRow[] {
  const histories = trials.map((t) => new TrialDirectory<MetricRecord>(join(dir, 'trials', t.plan.spec.id)).metrics());
  const len = Math.min(...histories.map((h) => h.length));
  const out: HybridCurveRow[] = [];
  for (let k = 0; k < len; k++) {
    out.push({
      method: trials[0].summary.method,
      flops: histories.reduce((a, h) => a + h[k].flops, 0) / histories.length,
      value: ci(histories.map((h) => Number(h[k][metric]))),
    });
  }
  return out;
}

/** Writes aggregate.json, plots/*.svg|png and report.md for a finished hybrid run. */
export async function writeHybridOutputs(
  dir: string,
  cfg: HybridConfig,
  plan: readonly PlannedHybridTrial[],
  summaries: readonly TrialSummary[],
  env: ReturnType<typeof runEnvironment>,
  command: string,
): Promise<void> {
  const trials: Trial[] = plan.map((p, i) => ({ plan: p, summary: summaries[i] }));
  const order = [BASELINES.dlSwitch, BASELINES.dlTotal, BASELINES.gaTotal, ...cfg.methods];
  const withReturn = cfg.evalEpisodes > 0;
  const sections: string[] = [];
  const findings: string[] = [];
  const aggregate: Record<string, unknown>[] = [];
  for (const [dataset, ofDataset] of groupBy(trials, (t) => t.plan.spec.dataset)) {
    const sizeRows: Record<Metric, HybridSizeRow[]> = { testMacroF1: [], testLoss: [], meanReturn: [] };
    for (const [, group] of groupBy(ofDataset, (t) => String(t.plan.spec.trainSet.fraction))) {
      const fraction = group[0].plan.spec.trainSet.fraction ?? 0;
      const pct = fraction * 100;
      const tag = `${dataset.replace(/[^A-Za-z0-9_-]/g, '_')}_${fractionTag(fraction)}`;
      const byMethod = groupBy(group, (t) => t.summary.method);
      const f1Curves: HybridCurveRow[] = [];
      const ceCurves: HybridCurveRow[] = [];
      const rows: (string | number)[][] = [];
      for (const [method, ts] of byMethod) {
        f1Curves.push(...curves(dir, ts, 'testMacroF1'));
        ceCurves.push(...curves(dir, ts, 'testLoss'));
        const f1 = ci(ts.map((t) => value(t, 'testMacroF1')));
        const ce = ci(ts.map((t) => value(t, 'testLoss')));
        const ret = ci(ts.map((t) => value(t, 'meanReturn')));
        const am = ci(ts.map((t) => t.summary.final.testActionMatch));
        sizeRows.testMacroF1.push({ method, trainPct: pct, value: f1 });
        sizeRows.testLoss.push({ method, trainPct: pct, value: ce });
        if (withReturn) sizeRows.meanReturn.push({ method, trainPct: pct, value: ret });
        const flops = ts.reduce((a, t) => a + t.summary.flops, 0) / ts.length;
        rows.push([
          method,
          fmtCi(f1),
          fmtCi(ce),
          fmtCi(am, 2, 100),
          ...(withReturn ? [fmtCi(ret, 1)] : []),
          (flops / 1e9).toFixed(2),
          ts[0].summary.steps,
          (ts.reduce((a, t) => a + t.summary.wallSeconds, 0) / ts.length).toFixed(1),
        ]);
        aggregate.push({
          dataset,
          fraction,
          method,
          ...(fitnessBatchOf(ts[0].plan.spec.method) !== undefined
            ? { fitnessBatch: fitnessBatchOf(ts[0].plan.spec.method) }
            : {}),
          testMacroF1: f1,
          testLoss: ce,
          testActionMatch: am,
          meanReturn: ret,
          flops,
        });
      }
      const title = `${dataset}, train ${pct}%`;
      await renderVegaLite(
        hybridByFlops(f1Curves, {
          metric: 'Test macro-F1',
          title: `Test macro-F1 vs FLOPs — ${title}`,
          methodOrder: order,
        }),
        join(dir, 'plots', `${tag}_f1`),
      );
      await renderVegaLite(
        hybridByFlops(ceCurves, {
          metric: 'Test cross-entropy',
          title: `Test cross-entropy vs FLOPs — ${title}`,
          subtitle: 'Mean across seeds with 95% confidence bands; lower is better',
          methodOrder: order,
        }),
        join(dir, 'plots', `${tag}_ce`),
      );
      const of = (m: string): Trial[] => byMethod.get(m) ?? [];
      const lines: string[] = [];
      for (const h of cfg.methods) {
        const parts = (['testMacroF1', 'testLoss', ...(withReturn ? ['meanReturn' as const] : [])] as Metric[]).map(
          (m) => {
            const name = m === 'testMacroF1' ? 'macro-F1' : m === 'testLoss' ? 'CE' : 'return';
            const digits = m === 'meanReturn' ? 1 : 3;
            const vs = (b: string): string => {
              const d = pairedDifference(of(h), of(b), m);
              const sign = d.mean >= 0 ? '+' : '';
              if (d.n < 2) return `${sign}${d.mean.toFixed(digits)} vs ${b}`;
              return `${sign}${d.mean.toFixed(digits)} [${d.lo.toFixed(digits)}, ${d.hi.toFixed(digits)}] vs ${b} (${direction(d)})`;
            };
            return `${name} ${vs(BASELINES.dlTotal)}, ${vs(BASELINES.dlSwitch)}, ${vs(BASELINES.gaTotal)}`;
          },
        );
        lines.push(`- **${h}**: ${parts.join('; ')}.`);
      }
      const f1Of = (m: string): number => ci(of(m).map((t) => value(t, 'testMacroF1'))).mean;
      const best = [...cfg.methods].sort((a, b) => f1Of(b) - f1Of(a))[0];
      findings.push(
        `- ${title}: best hybrid ${best} macro-F1 ${f1Of(best).toFixed(3)}; DL alone (same FLOPs) ${f1Of(BASELINES.dlTotal).toFixed(3)}; ` +
          `DL at the switch ${f1Of(BASELINES.dlSwitch).toFixed(3)}; GA alone (same FLOPs) ${f1Of(BASELINES.gaTotal).toFixed(3)}.`,
      );
      rows.sort((a, b) => Number(String(b[1]).split(' ')[0]) - Number(String(a[1]).split(' ')[0]));
      sections.push(`## ${title}

![F1](plots/${tag}_f1.png)
![CE](plots/${tag}_ce.png)

${markdownTable(
  [
    'method',
    'test macro-F1 (sampled, 10 trials)',
    'test CE',
    'test action match %',
    ...(withReturn ? [`mean return (${cfg.evalEpisodes} episodes)`] : []),
    'training GFLOPs',
    'steps (SGD + generations)',
    'wall s',
  ],
  rows,
)}

Paired differences over seeds (mean [95% CI]; a hybrid minus a baseline, same seed and split):
${lines.join('\n')}
`);
    }
    const safe = dataset.replace(/[^A-Za-z0-9_-]/g, '_');
    const sized: [Metric, string, string][] = [
      ['testMacroF1', 'Test macro-F1', 'f1'],
      ['testLoss', 'Test cross-entropy', 'ce'],
      ...(withReturn ? [['meanReturn', 'Mean episode return', 'return'] as [Metric, string, string]] : []),
    ];
    for (const [m, label, file] of sized) {
      await renderVegaLite(
        hybridBySize(sizeRows[m], {
          metric: label,
          title: `Final ${label.charAt(0).toLowerCase()}${label.slice(1)} vs training size — ${dataset}`,
          methodOrder: order,
        }),
        join(dir, 'plots', `${safe}_${file}_by_size`),
      );
    }
    sections.unshift(
      `## ${dataset}: final results by training size\n\n` +
        sized.map(([, , file]) => `![${file}](plots/${safe}_${file}_by_size.png)`).join('\n') +
        '\n',
    );
  }
  writeJsonAtomic(join(dir, 'aggregate.json'), { rows: aggregate, environment: env });
  const model = plan[0]?.spec.model;
  const hybridPlan = plan.find((p) => p.role === 'hybrid');
  // Per training size when a fitness batch capped at the training rows makes their generations differ.
  const perSize = (role: PlannedHybridTrial['role'], less: number): string => {
    const counts = [...new Set(plan.filter((p) => p.role === role).map((p) => (p.spec.budget.steps ?? 0) - less))];
    return counts.length > 1 ? `${counts.join(' / ')} (by training size, as listed)` : String(counts[0] ?? '?');
  };
  const generations = hybridPlan ? perSize('hybrid', cfg.dlSteps) : '0';
  const gaPlan = plan.find((p) => p.role === 'ga_total');
  const batch =
    cfg.fitnessBatch === undefined
      ? 'batches of 32'
      : `fitness batches of ${fitnessBatchWords(cfg.fitnessBatch, 32)} (--fitness-batch)`;
  const dlTotal = plan.find((p) => p.role === 'dl_total');
  writeFileAtomic(
    join(dir, 'report.md'),
    `# Hybrid experiment: does evolution push past where DL saturated?

## Protocol departures (read first)
- The proposal plans hybrids only "when/if we find saturation discrepancies" and fixes no protocol for them; this one
  is evoscale's: DL (Adam, lr 1e-3, batch 32) trains for ${cfg.dlSteps} steps on each training size, then each hybrid
  continues from that network with an extra budget of ${Math.round(((1 - cfg.dlShare) / cfg.dlShare) * 100)}% of the DL phase's FLOPs
  (--dl-share ${cfg.dlShare}). Budgets are equal in FLOPs by the proposal's convention (forward 2·in·out per sample,
  backward twice that; evaluation on the test set is not counted), not in wall-clock time.
- DL is Adam, not experiment 2's plain SGD (lr 1e-3), which has not converged within such budgets; "DL alone" is the same
  Adam run given the hybrids' whole budget (${dlTotal?.spec.budget.steps ?? '?'} steps), "DL at the switch" the network every hybrid starts from.
- The GA alone is experiment 2's \`ga_fixed_ce\` (simple_ga, population 50, σ 1e-3, CE on ${batch}) for
  ${gaPlan !== undefined ? perSize('ga_total', 0) : '?'} generations (the same FLOPs). Every hybrid's evolution phase is simple_ga with
  population 50 and ${batch} for ${generations} generations, counted as forward passes of the full network; the feature
  hybrid's head is smaller and its features are extracted once, so its measured FLOPs (table) differ from the plan.
- Feature hybrid: a linear head over the frozen network's ${model ? model.hidden[model.hidden.length - 1] : '?'} hidden activations and its output
  probabilities, started at the trained output layer (so it starts as exactly the DL network).
- SM-G (Lehman et al. 2018): the SM-G-ABS sensitivity of the output probabilities over 32 rows of the generation's batch,
  recomputed every 10 generations at the recommended agent (not per parent, as the paper does), with σⱼ = σ₀·rms(s)/sⱼ
  clamped to [σ₀/100, 100σ₀] (the paper divides by sⱼ without normalising).
- Macro-F1 is scored on actions sampled from each policy (10 trials), as the proposal does; CE and action match on the
  held-out ${Math.round(cfg.testFraction * 100)}%. The data are the built-in expert datasets, not human play.
- Seeds: ${cfg.seeds.join(', ')}; ${splitWords(cfg.splitSeed)} Values are means ± half-width of the 95% CI across seeds
  (Student t), where there is more than one.

## Findings
${findings.join('\n')}

Network ${model ? describeSpec(model) : '?'}.

${sections.join('\n')}
## Environment
- evoscale ${env.evoscale}, Node ${env.node}, ${env.platform}
- CPU: ${env.cpu} (${env.cores} cores); backend: ${env.backend}; ${describeWhere(env)}

## Reproduce
\`\`\`sh
${command}
\`\`\`
`,
  );
}

/**
 * Experiment 2 of the proposal: nine methods on equal compute budgets (SGD and simple GA/ES with fixed or
 * adaptive σ, optimising CE or macro-F1), mini-batches of 32, train fractions 90/30/10% with a held-out 10%.
 */
import { join } from 'node:path';
import { expMlp, describeSpec } from '../shared/model/mlp.js';
import { InvalidArgumentError } from '../shared/errors.js';
import { BUILTIN_DATASETS } from '../data/builtin.js';
import { exp2FinalBars, exp2Lines, renderVegaLite } from '../plots/index.js';
import { alignHistories, ci, fmtCi, groupBy, markdownTable } from './aggregate.js';
import { backendsThatRan, describeWhere, runEnvironment } from './environment.js';
import { splitWords, type RunExperimentOptions } from './exp1.js';
import { EXP2_METHODS, optimisesCrossEntropy, resolveMethods } from '../trials/methods.js';
import { writeFileAtomic, writeJsonAtomic } from '../platform/atomic_file.js';
import { TrialDirectory } from '../trials/results.js';
import { runTrials } from './runner.js';
import { discardIfNothingRan } from './results_dir.js';
import type { MetricRecord, TrialSpec, TrialSummary } from '../trials/trial.js';
import { datasetEnvSpec } from '../shared/data/envs.js';
import { loadBackend, parseBackend } from '../worker/engine/backends.js';
import type { Exp2Config } from '../shared/config/experiments.js';

/** Experiment 2's configuration; its schema (src/shared/config/experiments.ts) documents each field. */
export type { Exp2Config };

/**
 * Default budgets, measured on a 2-core machine (README: "Experiment 2 budgets"): 800 000 SGD steps of batch 32
 * take about as long as 12 000 NE generations with CE fitness (~10–15 s per trial); macro-F1 fitness, which scores
 * 10 sampled trials per agent, makes a generation about 3× dearer. `--budget-seconds` equalises time exactly.
 */
export const EXP2_DEFAULTS: Exp2Config = {
  datasets: ['cartpole'],
  fractions: [0.9, 0.3, 0.1],
  methods: Object.keys(EXP2_METHODS),
  seeds: [0],
  sgdSteps: 800_000,
  neGenerations: 12_000,
  evalPoints: 20,
  testFraction: 0.1,
  backend: 'cpu',
};

function envOf(cfg: Exp2Config, dataset: string): { envId: string; obsDim: number; nActions: number } {
  const builtin = BUILTIN_DATASETS[dataset.toLowerCase()];
  const id = builtin?.envId ?? cfg.envIds?.[dataset];
  if (!id) throw new InvalidArgumentError(`dataset '${dataset}': pass --env <id> so the network size is known`);
  const s = datasetEnvSpec(id);
  return { envId: s.id, obsDim: s.obsDim, nActions: s.nActions };
}

export function planExp2(cfg: Exp2Config): TrialSpec[] {
  const methods = resolveMethods(EXP2_METHODS, cfg.methods);
  const backend = parseBackend(cfg.backend, 'exp2 backend');
  const out: TrialSpec[] = [];
  for (const dataset of cfg.datasets) {
    const env = envOf(cfg, dataset);
    for (const fraction of cfg.fractions) {
      if (!(fraction > 0 && fraction + cfg.testFraction <= 1 + 1e-9)) {
        throw new InvalidArgumentError(`--fractions: ${fraction} must be in (0, ${1 - cfg.testFraction}]`);
      }
      for (const method of methods) {
        for (const seed of cfg.seeds) {
          const steps = method.kind === 'sgd' ? cfg.sgdSteps : cfg.neGenerations;
          out.push({
            experiment: 'exp2',
            id: `${datasetTag(dataset)}_f${Math.round(fraction * 100)}_${method.name}_s${seed}`,
            envId: env.envId,
            dataset,
            ...(cfg.datasetSteps !== undefined ? { datasetSteps: cfg.datasetSteps } : {}),
            trainSet: { fraction, rows: 0 },
            split: { kind: 'exp2', seed: cfg.splitSeed ?? seed, testFraction: cfg.testFraction },
            method,
            model: expMlp(env.obsDim, env.nActions),
            seed,
            budget: cfg.budgetSeconds !== undefined ? { seconds: cfg.budgetSeconds } : { steps },
            evalPoints: cfg.evalPoints,
            evalEpisodes: 0,
            checkpointEvery: 2,
            // Absent for the CPU kernels, so default trial configs (and --resume of older runs) are unchanged.
            ...(backend !== 'cpu' ? { backend } : {}),
          });
        }
      }
    }
  }
  return out;
}

/**
 * A dataset reference as part of a trial id or file name: other characters become `_`, and a leading `/`, `.` or
 * `_` of a path is dropped (trial ids start with a letter or digit).
 */
export function datasetTag(ref: string): string {
  return ref.replace(/[^A-Za-z0-9_-]/g, '_').replace(/^[_-]+/, '');
}

export async function runExp2(
  cfg: Exp2Config,
  opts: RunExperimentOptions,
): Promise<{ dir: string; summaries: TrialSummary[] }> {
  const specs = planExp2(cfg);
  // Refuse a backend that is not installed before any trial starts (cluster workers load their own).
  if (opts.cluster === undefined) await loadBackend(cfg.backend);
  const dir = join(opts.out, 'exp2');
  return discardIfNothingRan(dir, () => runPlanned2(dir, cfg, specs, opts));
}

async function runPlanned2(
  dir: string,
  cfg: Exp2Config,
  specs: TrialSpec[],
  opts: RunExperimentOptions,
): Promise<{ dir: string; summaries: TrialSummary[] }> {
  writeJsonAtomic(join(dir, 'experiment.json'), {
    experiment: 'exp2',
    command: opts.command,
    config: cfg,
    trials: specs.map((s) => s.id),
  });
  const env = runEnvironment(opts.workers ?? 0, 'cpu', opts.cluster?.endpoint);
  const summaries = await runTrials(specs, join(dir, 'trials'), {
    workers: opts.workers,
    resume: opts.resume,
    progress: opts.progress,
    ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
    ...(opts.cluster !== undefined ? { executor: opts.cluster.executor, metrics: opts.cluster.metrics } : {}),
  });
  await writeExp2Outputs(dir, cfg, specs, summaries, { ...env, backend: backendsThatRan(summaries) }, opts.command);
  return { dir, summaries };
}

export async function writeExp2Outputs(
  dir: string,
  cfg: Exp2Config,
  specs: readonly TrialSpec[],
  summaries: readonly TrialSummary[],
  env: ReturnType<typeof runEnvironment>,
  command: string,
): Promise<void> {
  const sections: string[] = [];
  const aggregate: Record<string, unknown>[] = [];
  const byGroup = groupBy(
    specs.map((spec, i) => ({ spec, summary: summaries[i] })),
    (t) => `${t.spec.dataset}|${t.spec.trainSet.fraction}`,
  );
  for (const [, group] of byGroup) {
    const { dataset } = group[0].spec;
    const fraction = group[0].spec.trainSet.fraction ?? 0;
    const tag = `${datasetTag(dataset)}_f${Math.round(fraction * 100)}`;
    const byMethod = groupBy(group, (t) => t.spec.method.name);
    const ceRows: { method: string; runtimePct: number; value: ReturnType<typeof ci> }[] = [];
    const f1Rows: typeof ceRows = [];
    const finals: { method: string; value: ReturnType<typeof ci> }[] = [];
    const tableRows: (string | number)[][] = [];
    for (const [method, trials] of byMethod) {
      const histories = trials.map((t) => new TrialDirectory<MetricRecord>(join(dir, 'trials', t.spec.id)).metrics());
      for (const p of alignHistories(histories, 'testMacroF1')) f1Rows.push({ method, ...p });
      if (optimisesCrossEntropy(trials[0].spec.method))
        for (const p of alignHistories(histories, 'testLoss')) ceRows.push({ method, ...p });
      const f1 = ci(trials.map((t) => t.summary.final.testMacroF1));
      const ce = ci(trials.map((t) => t.summary.final.testLoss));
      const am = ci(trials.map((t) => t.summary.final.testActionMatch));
      finals.push({ method, value: f1 });
      tableRows.push([
        method,
        fmtCi(f1),
        fmtCi(ce),
        fmtCi(am, 2, 100),
        trials[0].summary.steps,
        (trials.reduce((a, t) => a + t.summary.wallSeconds, 0) / trials.length).toFixed(1),
      ]);
      aggregate.push({ dataset, fraction, method, testMacroF1: f1, testLoss: ce, testActionMatch: am });
    }
    const title = `${dataset}, train ${Math.round(fraction * 100)}%`;
    await renderVegaLite(
      exp2Lines(ceRows, {
        metric: 'Test cross-entropy',
        title: `Test CE vs runtime — ${title}`,
        methodOrder: cfg.methods,
      }),
      join(dir, 'plots', `${tag}_ce`),
    );
    await renderVegaLite(
      exp2Lines(f1Rows, {
        metric: 'Test macro-F1',
        title: `Test macro-F1 vs runtime — ${title}`,
        methodOrder: cfg.methods,
      }),
      join(dir, 'plots', `${tag}_f1`),
    );
    await renderVegaLite(
      exp2FinalBars(finals, { title: `Final test macro-F1 — ${title}`, methodOrder: cfg.methods }),
      join(dir, 'plots', `${tag}_final_f1`),
    );
    tableRows.sort((a, b) => Number(String(b[1]).split(' ')[0]) - Number(String(a[1]).split(' ')[0]));
    const sgd = finals.find((f) => f.method === 'sgd');
    const f1Methods = finals.filter((f) => f.method.endsWith('_f1'));
    const verdict =
      sgd && f1Methods.length > 0
        ? f1Methods.every((f) => sgd.value.mean > f.value.mean)
          ? `SGD (macro-F1 ${sgd.value.mean.toFixed(3)}) is ahead of every F1-optimising method (best ${Math.max(...f1Methods.map((f) => f.value.mean)).toFixed(3)}), as the proposal found.`
          : `SGD (macro-F1 ${sgd.value.mean.toFixed(3)}) is NOT ahead of every F1-optimising method here: ${f1Methods.map((f) => `${f.method} ${f.value.mean.toFixed(3)}`).join(', ')}. This does not reproduce the proposal's qualitative result.`
        : '';
    sections.push(`## ${title}

![CE](plots/${tag}_ce.png)
![F1](plots/${tag}_f1.png)
![Final F1](plots/${tag}_final_f1.png)

${markdownTable(['method', 'test macro-F1 (sampled, 10 trials)', 'test CE', 'test action match %', 'steps / generations', 'wall s'], tableRows)}

${verdict}
`);
  }
  writeJsonAtomic(join(dir, 'aggregate.json'), { rows: aggregate, environment: env });
  const budget =
    cfg.budgetSeconds !== undefined
      ? `equal wall-clock time: ${cfg.budgetSeconds} s per trial (NOT bit-reproducible)`
      : `${cfg.sgdSteps} SGD steps / ${cfg.neGenerations} NE generations per trial (reproducible bit for bit)`;
  writeFileAtomic(
    join(dir, 'report.md'),
    `# Experiment 2: nine methods on equal budgets

Network ${describeSpec(specs[0]?.model ?? expMlp(4, 2))} per dataset. Batch 32 for every method; SGD lr 1e-3; NE population 50,
σ₀ = 1e-3 (adaptive: σ ×= 1+N(0, 0.01²) per parameter each generation). Test set: held-out ${Math.round(cfg.testFraction * 100)}%.
Budget mode: ${budget}. Macro-F1 is scored on actions sampled from each policy (10 trials), as the proposal does.
Seeds: ${cfg.seeds.join(', ')}; ${splitWords(cfg.splitSeed)} Values are means (± half-width of the 95% CI across seeds where there is more than one).

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

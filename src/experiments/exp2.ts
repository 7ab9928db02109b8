/**
 * Experiment 2 of the proposal: nine methods on equal compute budgets (SGD and simple GA/ES with fixed or
 * adaptive σ, optimising CE or macro-F1), mini-batches of 32, train fractions 90/30/10% with a held-out 10%, or
 * absolute training sizes (`--sizes 100,1000,10000,100000`, as the proposal's script ran it), and an NE fitness
 * batch as the proposal's text ('text', 32 rows) or its code ('code', up to 3 200 rows) has it.
 */
import { join } from 'node:path';
import { expMlp, describeSpec } from '../shared/model/mlp.js';
import { InvalidArgumentError } from '../shared/errors.js';
import { BUILTIN_DATASETS } from '../data/builtin.js';
import { exp2ErrorBars, exp2Facets, exp2FinalBars, exp2Lines, renderVegaLite } from '../plots/index.js';
import type { Exp2ErrorRow, Exp2FacetRow } from '../plots/index.js';
import { alignHistories, ci, fmtCi, groupBy, markdownTable } from './aggregate.js';
import { backendsThatRan, describeWhere, runEnvironment } from './environment.js';
import { splitWords, type RunExperimentOptions } from './exp1.js';
import { departuresSection, exp2Departures } from './protocol_departures.js';
import { exp2FitSection } from './exp2_fits.js';
import {
  EXP2_METHODS,
  EXP2_PROPOSAL_METHODS,
  fitnessBatchOf,
  fitnessBatchRows,
  fitnessBatchWords,
  HYBRID_METHODS,
  optimisesCrossEntropy,
  resolveMethods,
  splitHybridBudget,
  withFitness,
  withFitnessBatch,
  type SgdMethod,
} from '../trials/methods.js';
import { DEFAULT_EXPERT_STEPS } from '../shared/data/generate.js';
import { neGenerationFlops, sgdStepFlops } from '../shared/model/flops.js';
import { writeFileAtomic, writeJsonAtomic } from '../platform/atomic_file.js';
import { TrialDirectory } from '../trials/results.js';
import { runTrials } from './runner.js';
import { discardIfNothingRan } from './results_dir.js';
import { preloadingRenderer } from './progress.js';
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
  methods: [...EXP2_PROPOSAL_METHODS],
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

/** A training set of experiment 2: a share of the whole dataset (the text's protocol) or an absolute size (the code's). */
type Exp2TrainSet = { readonly fraction: number } | { readonly size: number };

/** The part of a trial id and figure name that names its training set: `f30` (30%) or `n1000` (1 000 rows). */
export function trainSetTag(t: { readonly size?: number; readonly fraction?: number }): string {
  return t.size !== undefined ? `n${t.size}` : `f${Math.round((t.fraction ?? 0) * 100)}`;
}

/** How a training set reads in titles: "train 30%" or "train 1e3 rows". */
export function trainSetWords(t: { readonly size?: number; readonly fraction?: number }): string {
  if (t.size === undefined) return `train ${Math.round((t.fraction ?? 0) * 100)}%`;
  const e = Math.log10(t.size);
  return Number.isInteger(e) ? `train 1e${e} rows` : `train ${t.size} rows`;
}

/** A training set as a short label for facets and legends: "1e3 rows" (or "1500 rows") or "30%". */
function trainSetShort(t: { readonly size?: number; readonly fraction?: number }): string {
  return trainSetWords(t).replace(/^train /, '');
}

/** Rows of a built-in dataset a run will load, or undefined for files (known only once loaded). */
function builtinRows(cfg: Exp2Config, dataset: string, envId: string): number | undefined {
  if (BUILTIN_DATASETS[dataset.toLowerCase()] === undefined) return undefined;
  return cfg.datasetSteps ?? DEFAULT_EXPERT_STEPS[envId];
}

function trainSetsOf(cfg: Exp2Config, dataset: string, envId: string): Exp2TrainSet[] {
  if (cfg.sizes === undefined) {
    return cfg.fractions.map((fraction) => {
      if (!(fraction > 0 && fraction + cfg.testFraction <= 1 + 1e-9)) {
        throw new InvalidArgumentError(`--fractions: ${fraction} must be in (0, ${1 - cfg.testFraction}]`);
      }
      return { fraction };
    });
  }
  // Refused before any trial starts where the dataset's size is known now; files are checked when loaded.
  const rows = builtinRows(cfg, dataset, envId);
  const pool = rows === undefined ? undefined : rows - Math.round(cfg.testFraction * rows);
  return cfg.sizes.map((size) => {
    if (pool !== undefined && size > pool) {
      throw new InvalidArgumentError(
        `--sizes: ${size} is larger than the training pool of dataset '${dataset}': ${rows} rows, ` +
          `${(rows as number) - pool} held out for testing, leaves ${pool}; use sizes up to ${pool} ` +
          'or a larger --dataset-steps',
      );
    }
    return { size };
  });
}

/** The SGD batch of experiment 2: the unit of the 'text' and 'code' fitness-batch presets. */
const SGD_BATCH = (EXP2_METHODS.sgd as SgdMethod).batchSize;

export function planExp2(cfg: Exp2Config): TrialSpec[] {
  // The hybrids run by name too (not in the default list): their DL phase takes --dl-share of the SGD budget and
  // their evolution phase the rest of the generations.
  const methods = resolveMethods({ ...EXP2_METHODS, ...HYBRID_METHODS }, cfg.methods).map((m) => {
    if (m.kind !== 'hybrid') {
      // --fitness / --fitness-trials / --fitness-episodes replace an NE method's objective (and rename it).
      const method = withFitness(m, cfg.fitness, cfg.fitnessTrials, cfg.fitnessEpisodes);
      return { method, steps: method.kind === 'sgd' ? cfg.sgdSteps : cfg.neGenerations };
    }
    if (cfg.budgetSeconds !== undefined) {
      throw new InvalidArgumentError(
        `${m.name}: a hybrid splits a step budget between its phases; drop --budget-seconds or the hybrid method`,
      );
    }
    return splitHybridBudget(m, cfg.dlShare ?? m.dlShare, cfg.sgdSteps, cfg.neGenerations);
  });
  const backend = parseBackend(cfg.backend, 'exp2 backend');
  const fitnessBatch = cfg.fitnessBatch ?? 'text';
  const out: TrialSpec[] = [];
  for (const dataset of cfg.datasets) {
    const env = envOf(cfg, dataset);
    for (const trainSet of trainSetsOf(cfg, dataset, env.envId)) {
      const rows = 'size' in trainSet ? trainSet.size : undefined;
      const fitnessRows = fitnessBatchRows(fitnessBatch, SGD_BATCH, rows);
      for (const { method: base, steps } of methods) {
        const method = withFitnessBatch(base, fitnessRows);
        // The text's batch keeps the ids (and results folders) of earlier runs; any other names its rows.
        const fb = method !== base ? `_fb${fitnessRows}` : '';
        for (const seed of cfg.seeds) {
          out.push({
            experiment: 'exp2',
            id: `${datasetTag(dataset)}_${trainSetTag(trainSet)}_${method.name}${fb}_s${seed}`,
            envId: env.envId,
            dataset,
            ...(cfg.datasetSteps !== undefined ? { datasetSteps: cfg.datasetSteps } : {}),
            trainSet: 'size' in trainSet ? { size: trainSet.size, rows: 0 } : { fraction: trainSet.fraction, rows: 0 },
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
 * Rows `steps` batches of `batch` visit on `n` training rows: batches walk through shuffled epochs, and an epoch's
 * last batch holds only what is left (SGD's sampler and NE's alike), so an epoch is exactly `n` rows.
 */
function rowsVisited(steps: number, batch: number, n: number): number {
  const b = Math.min(batch, n);
  const perEpoch = Math.ceil(n / b);
  return Math.floor(steps / perEpoch) * n + Math.min((steps % perEpoch) * b, n);
}

/**
 * FLOPs a trial of a step budget will spend, counting the NE fitness batch (forward passes of every agent on
 * every scored row); undefined for wall-clock budgets, or when the training set's size is only known once loaded.
 */
export function plannedExp2Flops(spec: TrialSpec): number | undefined {
  const steps = spec.budget.steps;
  const n = spec.trainSet.size;
  if (steps === undefined || n === undefined) return undefined;
  const m = spec.method;
  if (m.kind === 'hybrid') {
    // The feature head's inputs and a rollout objective's episodes are only known once the trial runs.
    if (m.variant === 'feature' || m.objective !== undefined) return undefined;
    const generations = steps - m.dlSteps;
    const neRows = m.ne.batchSize === 'all' ? generations * n : rowsVisited(generations, m.ne.batchSize, n);
    // SM-G's sensitivity passes (a few per cent) come on top and are counted in the trial's measured FLOPs.
    return (
      sgdStepFlops(spec.model, 1) * rowsVisited(m.dlSteps, m.dl.batchSize, n) +
      neGenerationFlops(spec.model, m.ne.populationSize, 1) * neRows
    );
  }
  if (m.kind === 'sgd') return sgdStepFlops(spec.model, 1) * rowsVisited(steps, m.batchSize, n);
  const rows = m.batchSize === 'all' ? steps * n : rowsVisited(steps, m.batchSize, n);
  return neGenerationFlops(spec.model, m.populationSize, 1) * rows;
}

/** Small counts in words, as the proposal writes "nine methods". */
function countWords(n: number): string {
  const words = [
    'no',
    'one',
    'two',
    'three',
    'four',
    'five',
    'six',
    'seven',
    'eight',
    'nine',
    'ten',
    'eleven',
    'twelve',
  ];
  return words[n] ?? String(n);
}

/** The rows a method scores per step (a hybrid: its evolution phase's batch). */
function batchOf(m: TrialSpec['method']): number | 'all' {
  return m.kind === 'hybrid' ? m.ne.batchSize : m.batchSize;
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
    progress: preloadingRenderer(opts.progress),
    ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
    ...(opts.cluster !== undefined ? { executor: opts.cluster.executor, metrics: opts.cluster.metrics } : {}),
  });
  await writeExp2Outputs(dir, cfg, specs, summaries, { ...env, backend: backendsThatRan(summaries) }, opts.command);
  return { dir, summaries };
}

/** A dataset's training sets as facet labels, smallest first. */
function uniqueTrainSets(specs: readonly TrialSpec[]): string[] {
  const sorted = [...specs].sort(
    (a, b) => (a.trainSet.size ?? a.trainSet.fraction ?? 0) - (b.trainSet.size ?? b.trainSet.fraction ?? 0),
  );
  return [...new Set(sorted.map((s) => trainSetShort(s.trainSet)))];
}

/** The report's sentence on the NE fitness batch, which decides experiment 2's result. */
function exp2FitnessBatchWords(cfg: Exp2Config, specs: readonly TrialSpec[]): string {
  const who = specs.some((s) => s.method.kind === 'hybrid') ? " (GA/ES and every hybrid's evolution phase)" : '';
  return `NE fitness batch${who}: ${fitnessBatchWords(cfg.fitnessBatch ?? 'text', SGD_BATCH)}.`;
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
  // Per dataset: every training set's curves (one faceted figure) and final errors (the proposal's figure).
  const facetRows = new Map<string, Exp2FacetRow[]>();
  const errorRows = new Map<string, Exp2ErrorRow[]>();
  const push = <T>(m: Map<string, T[]>, k: string, rows: T[]): void => {
    m.set(k, [...(m.get(k) ?? []), ...rows]);
  };
  const byGroup = groupBy(
    specs.map((spec, i) => ({ spec, summary: summaries[i] })),
    (t) => `${t.spec.dataset}|${trainSetTag(t.spec.trainSet)}`,
  );
  for (const [, group] of byGroup) {
    const { dataset } = group[0].spec;
    const { fraction, size } = group[0].spec.trainSet;
    const tag = `${datasetTag(dataset)}_${trainSetTag(group[0].spec.trainSet)}`;
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
        batchOf(trials[0].spec.method),
        (trials.reduce((a, t) => a + t.summary.flops, 0) / trials.length).toExponential(2),
        (trials.reduce((a, t) => a + t.summary.wallSeconds, 0) / trials.length).toFixed(1),
      ]);
      aggregate.push({
        dataset,
        ...(size !== undefined ? { size } : { fraction }),
        method,
        ...(fitnessBatchOf(trials[0].spec.method) !== undefined
          ? { fitnessBatch: fitnessBatchOf(trials[0].spec.method) }
          : {}),
        testMacroF1: f1,
        testLoss: ce,
        testActionMatch: am,
        flops: trials.reduce((a, t) => a + t.summary.flops, 0) / trials.length,
      });
    }
    const trainSet = trainSetShort(group[0].spec.trainSet);
    push(facetRows, dataset, [
      ...ceRows.map((r) => ({ ...r, metric: 'Test cross-entropy' as const, trainSet })),
      ...f1Rows.map((r) => ({ ...r, metric: 'Test macro-F1' as const, trainSet })),
    ]);
    push(
      errorRows,
      dataset,
      finals.map((f) => ({ method: f.method, trainSet: trainSet.replace(/ rows$/, ''), f1: f.value })),
    );
    const title = `${dataset}, ${trainSetWords(group[0].spec.trainSet)}`;
    // Method names as planned (--fitness renames them, e.g. cmaes_ce → cmaes_f1_exact).
    const methodOrder = [...new Set(specs.map((s) => s.method.name))];
    // No method optimises CE when --fitness chose another objective for all of them.
    if (ceRows.length > 0) {
      await renderVegaLite(
        exp2Lines(ceRows, {
          metric: 'Test cross-entropy',
          title: `Test CE vs runtime — ${title}`,
          methodOrder,
        }),
        join(dir, 'plots', `${tag}_ce`),
      );
    }
    await renderVegaLite(
      exp2Lines(f1Rows, {
        metric: 'Test macro-F1',
        title: `Test macro-F1 vs runtime — ${title}`,
        methodOrder,
      }),
      join(dir, 'plots', `${tag}_f1`),
    );
    await renderVegaLite(
      exp2FinalBars(finals, { title: `Final test macro-F1 — ${title}`, methodOrder }),
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

${ceRows.length > 0 ? `![CE](plots/${tag}_ce.png)` : '(No method optimised cross-entropy, so there is no CE plot.)'}
![F1](plots/${tag}_f1.png)
![Final F1](plots/${tag}_final_f1.png)

${markdownTable(['method', 'test macro-F1 (sampled, 10 trials)', 'test CE', 'test action match %', 'steps / generations', 'batch rows (SGD step / NE fitness)', 'FLOPs', 'wall s'], tableRows)}

${verdict}
`);
  }
  const departures = exp2Departures(cfg, specs);
  const datasetSections: string[] = [];
  for (const [dataset, rows] of facetRows) {
    const tag = dataset.replace(/[^A-Za-z0-9_-]/g, '_');
    const order = uniqueTrainSets(specs.filter((s) => s.dataset === dataset));
    await renderVegaLite(
      exp2Facets(rows, {
        trainSetOrder: order,
        title: `${dataset}: test CE and macro-F1 vs runtime, by training set`,
        methodOrder: cfg.methods,
      }),
      join(dir, 'plots', `${tag}_curves`),
    );
    const largestFirst = [...order].reverse().map((t) => t.replace(/ rows$/, ''));
    await renderVegaLite(
      exp2ErrorBars(errorRows.get(dataset) ?? [], {
        trainSetOrder: largestFirst,
        title: `${dataset}: final macro-F1 error`,
        methodOrder: cfg.methods,
      }),
      join(dir, 'plots', `${tag}_final_f1_error`),
    );
    datasetSections.push(`## ${dataset}: all training sets

![Curves](plots/${tag}_curves.png)
![Final macro-F1 error, the proposal's figure](plots/${tag}_final_f1_error.png)
`);
  }
  sections.unshift(...datasetSections);
  writeJsonAtomic(join(dir, 'aggregate.json'), { rows: aggregate, protocolDepartures: departures, environment: env });
  const budget =
    cfg.budgetSeconds !== undefined
      ? `equal wall-clock time: ${cfg.budgetSeconds} s per trial (NOT bit-reproducible)`
      : `${cfg.sgdSteps} SGD steps / ${cfg.neGenerations} NE generations per trial (reproducible bit for bit)`;
  writeFileAtomic(
    join(dir, 'report.md'),
    `# Experiment 2: ${countWords(new Set(specs.map((s) => s.method.name)).size)} methods on equal budgets

Network ${describeSpec(specs[0]?.model ?? expMlp(4, 2))} per dataset. SGD batch ${SGD_BATCH}, lr 1e-3. ${exp2FitnessBatchWords(cfg, specs)} NE population 50,
σ₀ = 1e-3 (adaptive: σ ×= 1+N(0, 0.01²) per parameter each generation). Test set: held-out ${Math.round(cfg.testFraction * 100)}%.
Budget mode: ${budget}. Macro-F1 is scored on actions sampled from each policy (10 trials), as the proposal does.
Training sets: ${cfg.sizes !== undefined ? `absolute sizes ${cfg.sizes.join(', ')} rows (the first rows of the split's shuffled order, nested)` : `fractions ${cfg.fractions.join(', ')} of the whole dataset`}.
Seeds: ${cfg.seeds.join(', ')}; ${splitWords(cfg.splitSeed)} Values are means (± half-width of the 95% CI across seeds where there is more than one).

${departuresSection(departures)}${departures.length > 0 ? '\nThe verdicts in the sections below are provisional on that account.\n' : ''}
${sections.join('\n')}
${exp2FitSection(specs, summaries)}
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

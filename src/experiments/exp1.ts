/**
 * Experiment 1 of the proposal: dataset size vs performance, Adam (150 epochs, batch 64) against the
 * tournament GA (population 100, 100 generations, fitness on the whole training set), CartPole expert data.
 */
import { join } from 'node:path';
import { EXP1_MLP, paramCount, describeSpec } from '../shared/model/mlp.js';
import { neuroevolutionFlops, sgdFlops } from '../shared/model/flops.js';
import { InvalidArgumentError } from '../shared/errors.js';
import { EXPERIMENT1_SUBSET_SIZES, EXPERIMENT1_TEST_SIZE } from '../shared/data/splits.js';
import { exp1FourPanel, renderVegaLite, scalingFitPanels } from '../plots/index.js';
import { EXP1_FIT_METRICS, exp1FitTable, fitExp1Curves, powerLawFinding, type Exp1CurveFit } from './exp1_fits.js';
import { departuresSection, exp1Departures } from './protocol_departures.js';
import { ci, fmtCi, groupBy, markdownTable, type Ci } from './aggregate.js';
import { backendsThatRan, describeWhere, runEnvironment } from './environment.js';
import { EXP1_METHODS, resolveMethods } from '../trials/methods.js';
import { preloadingRenderer, type ProgressSink } from './progress.js';
import { writeFileAtomic, writeJsonAtomic } from '../platform/atomic_file.js';
import { runTrials } from './runner.js';
import { discardIfNothingRan } from './results_dir.js';
import type { TrialExecutor } from '../trials/executor.js';
import type { RuntimeMetrics } from '../metrics/registry.js';
import type { TrialSpec, TrialSummary } from '../trials/trial.js';
import { loadBackend, parseBackend } from '../worker/engine/backends.js';
import type { Exp1Config } from '../shared/config/experiments.js';

/** Experiment 1's configuration; its schema (src/shared/config/experiments.ts) documents each field. */
export type { Exp1Config };

export const EXP1_DEFAULTS: Exp1Config = {
  dataset: 'cartpole',
  envId: 'CartPole-v1',
  sizes: [...EXPERIMENT1_SUBSET_SIZES],
  methods: Object.keys(EXP1_METHODS),
  // Three replicates: one run's last-iterate accuracy at 30k moves by about ±0.5 points with the seed, as much
  // as the gap between 98.5% and the proposal's 99%+, so one seed cannot confirm or refute that finding.
  seeds: [0, 1, 2],
  epochs: 150,
  generations: 100,
  testSize: EXPERIMENT1_TEST_SIZE,
  evalEpisodes: 50,
  backend: 'cpu',
};

export interface PlannedTrial {
  spec: TrialSpec;
  plannedFlops: number;
}

/** The trials of experiment 1 and the FLOPs each will spend (what `--plan` prints). */
export function planExp1(cfg: Exp1Config): PlannedTrial[] {
  const methods = resolveMethods(EXP1_METHODS, cfg.methods);
  const backend = parseBackend(cfg.backend, 'exp1 backend');
  for (const s of cfg.sizes)
    if (!Number.isInteger(s) || s <= 0) throw new InvalidArgumentError(`--sizes: ${s} is not a positive integer`);
  const out: PlannedTrial[] = [];
  for (const size of cfg.sizes) {
    for (const method of methods) {
      for (const seed of cfg.seeds) {
        const steps = method.kind === 'sgd' ? cfg.epochs * Math.ceil(size / method.batchSize) : cfg.generations;
        const plannedFlops =
          method.kind === 'sgd'
            ? sgdFlops(EXP1_MLP, cfg.epochs * size)
            : neuroevolutionFlops(EXP1_MLP, cfg.generations * method.populationSize * size);
        out.push({
          plannedFlops,
          spec: {
            experiment: 'exp1',
            id: `n${size}_${method.name}_s${seed}`,
            envId: cfg.envId,
            dataset: cfg.dataset,
            ...(cfg.datasetSteps !== undefined ? { datasetSteps: cfg.datasetSteps } : {}),
            trainSet: { size, rows: size },
            split: { kind: 'exp1', seed: cfg.splitSeed ?? seed, testSize: cfg.testSize },
            method,
            model: EXP1_MLP,
            seed,
            budget: { steps },
            evalPoints: 10,
            evalEpisodes: cfg.evalEpisodes,
            checkpointEvery: 1,
            // Absent for the CPU kernels, so default trial configs (and --resume of older runs) are unchanged.
            ...(backend !== 'cpu' ? { backend } : {}),
          },
        });
      }
    }
  }
  return out;
}

export interface RunExperimentOptions {
  out: string;
  resume: boolean;
  workers?: number;
  progress: ProgressSink;
  /** The command line that reproduces this run, for the report. */
  command: string;
  /** Run the trials on a cluster's workers instead of local threads. */
  cluster?: { endpoint: string; executor: TrialExecutor; metrics?: RuntimeMetrics };
  /** Aborting stops the trials (SIGINT/SIGTERM): SweepInterruptedError, finished trials kept. */
  signal?: AbortSignal;
}

/** Runs experiment 1 end to end: trials, aggregate.json, the four-panel figure and report.md. */
export async function runExp1(
  cfg: Exp1Config,
  opts: RunExperimentOptions,
): Promise<{ dir: string; summaries: TrialSummary[] }> {
  const plan = planExp1(cfg);
  // Refuse a backend that is not installed before any trial starts (cluster workers load their own).
  if (opts.cluster === undefined) await loadBackend(cfg.backend);
  const dir = join(opts.out, 'exp1');
  return discardIfNothingRan(dir, () => runPlanned1(dir, cfg, plan, opts));
}

async function runPlanned1(
  dir: string,
  cfg: Exp1Config,
  plan: ReturnType<typeof planExp1>,
  opts: RunExperimentOptions,
): Promise<{ dir: string; summaries: TrialSummary[] }> {
  writeJsonAtomic(join(dir, 'experiment.json'), {
    experiment: 'exp1',
    command: opts.command,
    config: cfg,
    trials: plan.map((p) => p.spec.id),
  });
  const env = runEnvironment(opts.workers ?? 0, 'cpu', opts.cluster?.endpoint);
  const summaries = await runTrials(
    plan.map((p) => p.spec),
    join(dir, 'trials'),
    {
      workers: opts.workers,
      resume: opts.resume,
      progress: preloadingRenderer(opts.progress),
      ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
      ...(opts.cluster !== undefined ? { executor: opts.cluster.executor, metrics: opts.cluster.metrics } : {}),
    },
  );
  await writeExp1Outputs(dir, cfg, summaries, { ...env, backend: backendsThatRan(summaries) }, opts.command);
  return { dir, summaries };
}

/** How the report describes what a seed draws. */
export function splitWords(splitSeed: number | undefined): string {
  return splitSeed === undefined
    ? 'each seed draws its own train/test split, initialisation and minibatch order.'
    : `every seed uses the split of seed ${splitSeed} (\`splitSeed\`) and draws its own initialisation and minibatch order.`;
}

/** Confidence bands are clipped to the values a metric can take (few seeds give wide t intervals). */
function clampCi(c: Ci, lo: number, hi: number): Ci {
  return { ...c, lo: Math.max(lo, c.lo), hi: Math.min(hi, c.hi) };
}

function returnRange(envId: string): [number, number] {
  return envId === 'CartPole-v1' ? [0, 500] : [-Infinity, Infinity];
}

interface Exp1Row {
  method: string;
  datasetSize: number;
  flops: number;
  actionMatch: Ci;
  episodeReturn: Ci;
  /** Each seed's test action match, in seed order (the finding names the spread when there are several). */
  actionMatchBySeed?: readonly number[];
}

/**
 * The proposal's claims for experiment 1, each checked against this run's numbers and stated plainly whether it
 * holds: DL near-perfect (≥ 99% action match, return ≥ 475) at the largest size, GA plateauing below it, and the
 * FLOPs ratio at that size.
 */
export function exp1Findings(rows: readonly Exp1Row[]): string[] {
  const out: string[] = [];
  const of = (m: string): Exp1Row[] => rows.filter((r) => r.method === m).sort((a, b) => a.datasetSize - b.datasetSize);
  const dl = of('DL (Adam)');
  const ga = of('GA (tournament)');
  const pct = (v: number): string => `${(100 * v).toFixed(2)}%`;
  const seeds = (r: Exp1Row): string => {
    const v = r.actionMatchBySeed ?? [];
    if (r.actionMatch.n <= 1 || v.length < 2) return ' (one seed)';
    const below = v.filter((x) => x < 0.99).length;
    return (
      ` (mean of ${r.actionMatch.n} seeds, 95% CI ${pct(r.actionMatch.lo)}–${pct(r.actionMatch.hi)}; single seeds ` +
      `${pct(Math.min(...v))}–${pct(Math.max(...v))}, ${below} of ${v.length} below 99%)`
    );
  };
  const dlTop = dl.at(-1);
  if (dlTop !== undefined) {
    const holds = dlTop.actionMatch.mean >= 0.99 && dlTop.episodeReturn.mean >= 475;
    out.push(
      `DL at ${dlTop.datasetSize} samples: ${pct(dlTop.actionMatch.mean)} test action match and mean return ` +
        `${dlTop.episodeReturn.mean.toFixed(1)}${seeds(dlTop)} — the proposal's "99%+ action match, return 500" ` +
        (holds ? 'holds.' : 'does NOT hold in this run.'),
    );
    const best = dl.reduce((a, r) => (r.actionMatch.mean > a.actionMatch.mean ? r : a));
    if (best !== dlTop) {
      out.push(
        `DL's best size was ${best.datasetSize} (${pct(best.actionMatch.mean)}): with a constant learning rate the last ` +
          `iterate's test accuracy moves by about ±0.5 points from epoch to epoch (see trials/*/metrics.jsonl).`,
      );
    }
  }
  const gaTop = ga.at(-1);
  if (gaTop !== undefined) {
    const gaBest = Math.max(...ga.map((r) => r.actionMatch.mean));
    out.push(
      `GA: best ${pct(gaBest)} action match over all sizes, ${pct(gaTop.actionMatch.mean)} at ${gaTop.datasetSize} ` +
        `samples — ${gaBest < (dlTop?.actionMatch.mean ?? 1) ? 'below DL, as the proposal reports (it plateaus near 84%)' : 'NOT below DL, unlike the proposal'}.`,
    );
  }
  if (dlTop !== undefined && gaTop !== undefined && dlTop.datasetSize === gaTop.datasetSize) {
    out.push(
      `FLOPs at ${dlTop.datasetSize} samples: DL ${dlTop.flops.toExponential(2)}, GA ${gaTop.flops.toExponential(2)} ` +
        `(${(gaTop.flops / dlTop.flops).toFixed(1)}×; the proposal reports 6.39e+10 vs 1.44e+12 at 30k, 22×).`,
    );
  }
  return out;
}

/** The fits as aggregate.json records them (no per-resample parameters). */
function fitJson(f: Exp1CurveFit): Record<string, unknown> {
  return {
    method: f.method,
    metric: f.metric,
    credible: f.verdict.credible,
    reasons: f.verdict.reasons,
    ...(f.fit !== null
      ? {
          eInf: f.fit.eInf,
          a: f.fit.a,
          alpha: f.fit.alpha,
          rmsLog: f.fit.fit.rmsLog,
          resamples: f.fit.resamples,
          failedResamples: f.fit.failed,
          resampledOver: f.fit.over,
        }
      : {}),
    forecast: f.forecast === null ? null : f.forecast.ok ? { ...f.forecast, fit: undefined } : f.forecast,
  };
}

/** The log–log figure of the fits: credible fits drawn with their bands, every seed's point shown. */
function exp1FitFigure(fits: readonly Exp1CurveFit[]) {
  const panel = (f: Exp1CurveFit): string => EXP1_FIT_METRICS[f.metric].label.replace(/^t/, 'T');
  return scalingFitPanels(
    fits.flatMap((f) => f.points.map((p) => ({ method: f.method, panel: panel(f), x: p.size, value: p.value }))),
    fits
      .filter((f) => f.fit !== null && f.verdict.credible)
      .map((f) => ({ method: f.method, panel: panel(f), grid: f.band, eInf: f.fit?.fit.eInf ?? 0 })),
    {
      xTitle: 'Training set size (samples, log scale)',
      title: 'Experiment 1: test error and loss against data, with saturating power-law fits',
    },
  );
}

/** Aggregates summaries into the figure, aggregate.json and report.md (also used by `evoscale plot`). */
export async function writeExp1Outputs(
  dir: string,
  cfg: Exp1Config,
  summaries: readonly TrialSummary[],
  env: ReturnType<typeof runEnvironment>,
  command: string,
): Promise<void> {
  const rows: (Exp1Row & { wallSeconds: number })[] = [
    ...groupBy(summaries, (s) => `${s.method}|${s.trainSet.size}`).values(),
  ].map((g) => ({
    method: g[0].method === 'dl_adam' ? 'DL (Adam)' : g[0].method === 'ga_tournament' ? 'GA (tournament)' : g[0].method,
    datasetSize: g[0].trainSet.size ?? g[0].trainSet.rows,
    flops: g.reduce((a, s) => a + s.flops, 0) / g.length,
    actionMatch: clampCi(ci(g.map((s) => s.final.testActionMatch)), 0, 1),
    actionMatchBySeed: [...g].sort((a, b) => a.seed - b.seed).map((s) => s.final.testActionMatch),
    episodeReturn: clampCi(ci(g.map((s) => s.final.meanReturn ?? NaN)), ...returnRange(cfg.envId)),
    wallSeconds: g.reduce((a, s) => a + s.wallSeconds, 0),
  }));
  const label = (id: string): string =>
    id === 'dl_adam' ? 'DL (Adam)' : id === 'ga_tournament' ? 'GA (tournament)' : id;
  const fits = fitExp1Curves(summaries, label);
  const departures = exp1Departures(cfg);
  writeJsonAtomic(join(dir, 'aggregate.json'), {
    rows,
    fits: fits.map(fitJson),
    protocolDepartures: departures,
    environment: env,
  });
  const fig = await renderVegaLite(exp1FourPanel(rows), join(dir, 'plots', 'exp1_scaling'));
  const fitFig = await renderVegaLite(exp1FitFigure(fits), join(dir, 'plots', 'exp1_fits'));
  const table = markdownTable(
    ['method', 'train samples', 'test action match %', 'mean return (50 episodes)', 'FLOPs', 'wall s'],
    rows.map((r) => [
      r.method,
      r.datasetSize,
      fmtCi(r.actionMatch, 2, 100),
      fmtCi(r.episodeReturn, 1),
      r.flops.toExponential(3),
      r.wallSeconds.toFixed(1),
    ]),
  );
  const findings = exp1Findings(rows);
  const report = `# Experiment 1: dataset size vs performance (DL vs GA)

Network ${describeSpec(EXP1_MLP)} (${paramCount(EXP1_MLP)} parameters). DL: Adam lr 1e-3, ${cfg.epochs} epochs, batch 64.
GA: tournament selection (k=3) with elitism, population 100 of independently initialised networks, ${cfg.generations} generations, Gaussian mutation σ=0.01 on
every parameter, fitness = action match on the whole training set. Data: \`${cfg.dataset}\` (${cfg.envId}), test set
${cfg.testSize} rows, training subsets ${cfg.sizes.join(', ')}. Seeds: ${cfg.seeds.join(', ')}; ${splitWords(cfg.splitSeed)}
Values are means with 95% confidence intervals across seeds where there is more than one.

![Experiment 1](plots/exp1_scaling.png)

${table}

FLOPs follow the proposal's counting: 2 per multiply-add, forward only for GA fitness, forward + backward (3×) for DL.

${departuresSection(departures)}
## What this run shows, against the proposal's findings${departures.length > 0 ? ' (provisional: see the departures above)' : ''}
${findings.map((f) => `- ${f}`).join('\n')}
- ${powerLawFinding(fits, 'DL (Adam)')}

## Scaling fits on log–log axes

Each method's per-seed test error and test loss against training-set size, fitted with the saturating power law
err(n) = E∞ + A·n^(−α) by least squares on log(err) (E∞ ≥ 0, A > 0, 0 ≤ α ≤ 5), with 95% percentile intervals from
${fits.find((f) => f.fit !== null)?.fit?.resamples ?? 0} bootstrap resamples over seeds (each seed's curve kept whole). The forecast refits without the largest
size and predicts it. A fit is NOT credible with fewer than 4 sizes, a flat curve (the fitted error falls by less than
5% over the sizes run), mean error rising with size, α on a bound of its range, or an α interval spanning an order of
magnitude; such fits are not drawn as laws.

![Scaling fits](plots/exp1_fits.png)

${exp1FitTable(fits)}

## Environment
- evoscale ${env.evoscale}, Node ${env.node}, ${env.platform}
- CPU: ${env.cpu} (${env.cores} cores); backend: ${env.backend}; ${describeWhere(env)}

## Reproduce
\`\`\`sh
${command}
\`\`\`
Per-trial results: \`trials/<id>/{config.json,metrics.jsonl,summary.json,checkpoints/}\`. Figure files: ${[fig, fitFig].flatMap((f) => [f.svgPath, f.pngPath].map((p) => p.split('/').pop())).join(', ')}.
`;
  writeFileAtomic(join(dir, 'report.md'), report);
}

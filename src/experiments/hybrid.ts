/**
 * The hybrid experiment (issue #13 item 4): Adam trained on each training size, then each DL→GA hybrid continues
 * from it with an equal extra FLOPs budget, against DL alone and a GA alone given the same total FLOPs. Does
 * evolution push macro-F1, cross-entropy or return past where DL saturated?
 */
import { join } from 'node:path';
import { BUILTIN_DATASETS } from '../data/builtin.js';
import { InvalidArgumentError } from '../shared/errors.js';
import { datasetEnvSpec } from '../shared/data/envs.js';
import { forwardFlopsPerSample, trainFlopsPerSample } from '../shared/model/flops.js';
import { expMlp } from '../shared/model/mlp.js';
import type { HybridConfig } from '../shared/config/experiments.js';
import {
  EXP2_METHODS,
  fitnessBatchRows,
  HYBRID_METHODS,
  resolveMethods,
  withFitnessBatch,
  type Method,
} from '../trials/methods.js';
import { DEFAULT_EXPERT_STEPS } from '../shared/data/generate.js';
import type { TrialSummary } from '../trials/trial.js';
import { writeJsonAtomic } from '../platform/atomic_file.js';
import { loadBackend, parseBackend } from '../worker/engine/backends.js';
import { backendsThatRan, runEnvironment } from './environment.js';
import type { RunExperimentOptions } from './exp1.js';
import { BASELINES, fractionTag, writeHybridOutputs, type PlannedHybridTrial } from './hybrid_report.js';
import { runTrials } from './runner.js';

export type { HybridConfig, PlannedHybridTrial };
export { BASELINES };

/**
 * Defaults sized to finish offline on a loaded 2-core machine in under 20 minutes (README: "run hybrid"):
 * 20 000 Adam steps is where DL's test cross-entropy has flattened on the built-in CartPole data.
 */
export const HYBRID_DEFAULTS: HybridConfig = {
  datasets: ['cartpole'],
  fractions: [0.1, 0.01, 0.001],
  methods: ['hybrid_warm_ce', 'hybrid_warm_f1', 'hybrid_feature_ce', 'hybrid_smg_ce'],
  seeds: [0, 1, 2],
  dlSteps: 20_000,
  dlShare: 0.5,
  evalPoints: 20,
  evalEpisodes: 10,
  testFraction: 0.1,
  backend: 'cpu',
};

/** The evolution phases' own fitness batch (experiment 2's 32 rows): the default, which keeps trial ids unchanged. */
const DEFAULT_FITNESS_ROWS = HYBRID_METHODS.hybrid_warm_ce.ne.batchSize;

function envOf(cfg: HybridConfig, dataset: string): { envId: string; obsDim: number; nActions: number } {
  const id = BUILTIN_DATASETS[dataset.toLowerCase()]?.envId ?? cfg.envIds?.[dataset];
  if (!id) throw new InvalidArgumentError(`dataset '${dataset}': pass --env <id> so the network size is known`);
  const s = datasetEnvSpec(id);
  return { envId: s.id, obsDim: s.obsDim, nActions: s.nActions };
}

/**
 * Training rows of `fraction` of a built-in dataset (as the exp2 split cuts them), or undefined for files, whose
 * size is known only once loaded (the sampler then caps a larger fitness batch at the training set).
 */
function builtinTrainRows(cfg: HybridConfig, dataset: string, envId: string, fraction: number): number | undefined {
  if (BUILTIN_DATASETS[dataset.toLowerCase()] === undefined) return undefined;
  const n = cfg.datasetSteps ?? DEFAULT_EXPERT_STEPS[envId];
  if (n === undefined) return undefined;
  return Math.min(Math.round(fraction * n), n - Math.round(cfg.testFraction * n));
}

/** Every trial of the experiment, with budgets equalised in FLOPs (the proposal's FLOPs convention). */
export function planHybrid(cfg: HybridConfig): PlannedHybridTrial[] {
  const hybrids = resolveMethods(HYBRID_METHODS, cfg.methods);
  const backend = parseBackend(cfg.backend, 'hybrid backend');
  const share = cfg.dlShare;
  if (!(share > 0 && share < 1)) throw new InvalidArgumentError(`--dl-share must be in (0, 1), e.g. 0.5; got ${share}`);
  const out: PlannedHybridTrial[] = [];
  for (const dataset of cfg.datasets) {
    const env = envOf(cfg, dataset);
    const model = expMlp(env.obsDim, env.nActions);
    const fwd = forwardFlopsPerSample(model);
    for (const fraction of cfg.fractions) {
      if (!(fraction > 0 && fraction + cfg.testFraction <= 1 + 1e-9)) {
        throw new InvalidArgumentError(`--fractions: ${fraction} must be in (0, ${1 - cfg.testFraction}]`);
      }
      const dl = HYBRID_METHODS[hybrids[0]?.name ?? 'hybrid_warm_ce'].dl;
      const sgdStep = dl.batchSize * trainFlopsPerSample(model);
      const dlFlops = cfg.dlSteps * sgdStep;
      const extra = (dlFlops * (1 - share)) / share;
      // The fitness batch reaches the GA alone and every hybrid's evolution phase; the default keeps their 32 rows.
      const fitnessRows =
        cfg.fitnessBatch === undefined
          ? undefined
          : fitnessBatchRows(cfg.fitnessBatch, dl.batchSize, builtinTrainRows(cfg, dataset, env.envId, fraction));
      const batched = <M extends Method>(m: M): M => (fitnessRows === undefined ? m : withFitnessBatch(m, fitnessRows));
      const ga = batched({ ...EXP2_METHODS.ga_fixed_ce, name: BASELINES.gaTotal } as Method);
      const gaGeneration = ga.kind === 'ne' ? ga.populationSize * (ga.batchSize as number) * fwd : 1;
      const entries: { role: PlannedHybridTrial['role']; method: Method; steps: number; flops: number }[] = [
        {
          role: 'dl_switch',
          method: { kind: 'sgd', name: BASELINES.dlSwitch, ...dl },
          steps: cfg.dlSteps,
          flops: dlFlops,
        },
        {
          role: 'dl_total',
          method: { kind: 'sgd', name: BASELINES.dlTotal, ...dl },
          steps: cfg.dlSteps + Math.round(extra / sgdStep),
          flops: dlFlops + extra,
        },
        {
          role: 'ga_total',
          method: ga,
          steps: Math.max(1, Math.round((dlFlops + extra) / gaGeneration)),
          flops: dlFlops + extra,
        },
        ...hybrids.map(batched).map((h) => {
          // Generations of the whole network's forward passes: every hybrid gets the same number of them.
          const generation = h.ne.populationSize * (h.ne.batchSize === 'all' ? 1 : h.ne.batchSize) * fwd;
          const generations = Math.max(1, Math.round(extra / generation));
          return {
            role: 'hybrid' as const,
            method: { ...h, dlShare: share, dlSteps: cfg.dlSteps } as Method,
            steps: cfg.dlSteps + generations,
            flops: dlFlops + extra,
          };
        }),
      ];
      for (const e of entries) {
        // As in exp2, a batch other than the default names its rows, so runs with different batches never share folders.
        const evolves = e.role === 'ga_total' || e.role === 'hybrid';
        const fb =
          evolves && fitnessRows !== undefined && fitnessRows !== DEFAULT_FITNESS_ROWS ? `_fb${fitnessRows}` : '';
        for (const seed of cfg.seeds) {
          out.push({
            role: e.role,
            plannedFlops: e.flops,
            spec: {
              experiment: 'hybrid',
              id: `${dataset.replace(/[^A-Za-z0-9_-]/g, '_')}_${fractionTag(fraction)}_${e.method.name}${fb}_s${seed}`,
              envId: env.envId,
              dataset,
              ...(cfg.datasetSteps !== undefined ? { datasetSteps: cfg.datasetSteps } : {}),
              trainSet: { fraction, rows: 0 },
              split: { kind: 'exp2', seed: cfg.splitSeed ?? seed, testFraction: cfg.testFraction },
              method: e.method,
              model,
              seed,
              budget: { steps: e.steps },
              evalPoints: cfg.evalPoints,
              evalEpisodes: cfg.evalEpisodes,
              checkpointEvery: 2,
              ...(backend !== 'cpu' ? { backend } : {}),
            },
          });
        }
      }
    }
  }
  return out;
}

/** Runs the hybrid experiment end to end: trials, aggregate.json, figures and report.md under `<out>/hybrid`. */
export async function runHybrid(
  cfg: HybridConfig,
  opts: RunExperimentOptions,
): Promise<{ dir: string; summaries: TrialSummary[] }> {
  const plan = planHybrid(cfg);
  if (opts.cluster === undefined) await loadBackend(cfg.backend);
  const dir = join(opts.out, 'hybrid');
  writeJsonAtomic(join(dir, 'experiment.json'), {
    experiment: 'hybrid',
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
      progress: opts.progress,
      ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
      ...(opts.cluster !== undefined ? { executor: opts.cluster.executor, metrics: opts.cluster.metrics } : {}),
    },
  );
  await writeHybridOutputs(dir, cfg, plan, summaries, { ...env, backend: backendsThatRan(summaries) }, opts.command);
  return { dir, summaries };
}

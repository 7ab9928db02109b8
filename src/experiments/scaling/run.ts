/**
 * `evoscale run scaling`: plans the grid, runs its trials through the one scheduler (local threads or a cluster),
 * then turns their compute curves into fits, figures and a report.
 */
import { join } from 'node:path';
import { loadBackend } from '../../worker/engine/backends.js';
import { writeJsonAtomic } from '../../platform/atomic_file.js';
import { TrialDirectory } from '../../trials/results.js';
import { logEvalTarget, type MetricRecord, type TrialSummary } from '../../trials/trial.js';
import type { ScalingConfig } from '../../shared/config/scaling.js';
import { backendsThatRan, runEnvironment, type RunEnvironment } from '../environment.js';
import type { RunExperimentOptions } from '../exp1.js';
import { runTrials } from '../runner.js';
import { analyseScaling, type ScalingAnalysis } from './analysis.js';
import { curveOf, type TrialCurve } from './curves.js';
import { planScaling, type ScalingTrial } from './plan.js';
import { referenceReturns, type ReferenceReturns } from './reference.js';
import { writeScalingFigures } from './figures.js';
import { writeScalingReport } from './report.js';

export { planScaling, SCALING_METHODS, type ScalingTrial } from './plan.js';

/** Runs the study end to end: trials, analysis.json, figures and report.md under `<out>/scaling`. */
export async function runScaling(
  cfg: ScalingConfig,
  opts: RunExperimentOptions & { preset: string },
): Promise<{ dir: string; summaries: TrialSummary[] }> {
  const plan = planScaling(cfg);
  if (opts.cluster === undefined) await loadBackend(cfg.backend);
  const dir = join(opts.out, 'scaling');
  writeJsonAtomic(join(dir, 'experiment.json'), {
    experiment: 'scaling',
    command: opts.command,
    preset: opts.preset,
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
  await writeScalingOutputs(
    dir,
    cfg,
    opts.preset,
    plan,
    summaries,
    { ...env, backend: backendsThatRan(summaries) },
    opts.command,
  );
  return { dir, summaries };
}

/** Expert and random returns per env id and seed (the references of the return gap). */
export function referenceTable(
  cfg: ScalingConfig,
  plan: readonly ScalingTrial[],
): Map<string, ReferenceReturns | undefined> {
  const out = new Map<string, ReferenceReturns | undefined>();
  for (const p of plan) {
    const key = `${p.spec.envId}|${p.spec.seed}`;
    if (!out.has(key)) out.set(key, referenceReturns(p.spec.envId, cfg.episodes, p.spec.seed));
  }
  return out;
}

/** Every trial's curve, read back from its metrics.jsonl. */
export function readCurves(
  dir: string,
  plan: readonly ScalingTrial[],
  refs: Map<string, ReferenceReturns | undefined>,
): TrialCurve[] {
  return plan.map((p) =>
    curveOf(
      {
        id: p.spec.id,
        dataset: p.spec.dataset,
        method: p.spec.method.name,
        size: p.size,
        width: p.width,
        depth: p.depth,
        params: p.params,
        seed: p.spec.seed,
      },
      new TrialDirectory<MetricRecord>(join(dir, 'trials', p.spec.id)).metrics(),
      refs.get(`${p.spec.envId}|${p.spec.seed}`),
    ),
  );
}

/** FLOPs of evaluation point k, as every trial of the study aims at it. */
export function nominalFlops(cfg: ScalingConfig): (k: number) => number {
  return (k) => logEvalTarget(k, cfg.evalPoints, cfg.evalDecades, cfg.trialFlops, false);
}

/**
 * The smallest error each metric resolves: half a test row for the error rates; for the return gap, half a unit of
 * reward over the episodes, relative to the narrowest expert − random span (CartPole's rewards are whole steps).
 */
export function resolutionOf(
  cfg: ScalingConfig,
  refs: Map<string, ReferenceReturns | undefined>,
): { action: number; f1: number; return?: number } {
  const spans = [...refs.values()].filter((r) => r !== undefined).map((r) => Math.abs(r.expert - r.random));
  const span = spans.length > 0 ? Math.min(...spans) : 0;
  return {
    action: 0.5 / cfg.testSize,
    f1: 0.5 / cfg.testSize,
    ...(span > 0 && cfg.episodes > 0 ? { return: 0.5 / (cfg.episodes * span) } : {}),
  };
}

/** Analysis, figures and report of a finished (or resumed) study. */
export async function writeScalingOutputs(
  dir: string,
  cfg: ScalingConfig,
  preset: string,
  plan: readonly ScalingTrial[],
  summaries: readonly TrialSummary[],
  env: RunEnvironment,
  command: string,
): Promise<ScalingAnalysis> {
  const refs = referenceTable(cfg, plan);
  const curves = readCurves(dir, plan, refs);
  const analysis = analyseScaling(curves, {
    epsilon: cfg.epsilon,
    ...(cfg.budgetSeconds === undefined ? { nominalFlops: nominalFlops(cfg) } : {}),
    resolution: resolutionOf(cfg, refs),
  });
  writeJsonAtomic(join(dir, 'analysis.json'), {
    references: Object.fromEntries(refs),
    analysis,
    environment: env,
  });
  const figures = await writeScalingFigures(dir, cfg, curves, analysis);
  writeScalingReport(dir, { cfg, preset, plan, summaries, refs, analysis, figures, env, command });
  return analysis;
}

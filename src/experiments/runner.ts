/**
 * Runs an experiment's trials through the one scheduler (`runSweep`): on this machine's threads (one per core,
 * the embedded default; inline with 0 threads), or on a cluster's workers (`executor`). The resume rule is the
 * scheduler's: with --resume finished trials are kept and unfinished ones resume from their checkpoint; without
 * it the trials' earlier results are removed first.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { embeddedTrialExecutor, type TrialExecutor } from '../trials/executor.js';
import type { RuntimeMetrics } from '../metrics/registry.js';
import { runSweep } from '../coordinator/sweep/run_sweep.js';
import type { SweepTrial } from '../coordinator/sweep/run_sweep.js';
import type { ProgressSink } from './progress.js';
import { EvoscaleError, InvalidArgumentError } from '../shared/errors.js';
import type { TrialSpec, TrialSummary } from '../trials/trial.js';

export interface RunTrialsOptions {
  /** Worker threads; 0 runs inline. Default: one per core. */
  workers?: number;
  resume: boolean;
  progress: ProgressSink;
  /** Run the trials on this executor (a cluster's workers) instead of local threads. */
  executor?: TrialExecutor;
  /** Sweep gauges and counters, when the cluster serves metrics. */
  metrics?: RuntimeMetrics;
  /** Aborting stops the trials: SweepInterruptedError, finished trials kept, others resume from checkpoints. */
  signal?: AbortSignal;
}

/** A trial failed as many times as its executor allows; the experiment cannot be aggregated. */
export class TrialsFailedError extends EvoscaleError {
  constructor(readonly failed: readonly { id: string; error: string }[]) {
    super(
      `${failed.length} trial${failed.length === 1 ? '' : 's'} failed: ` +
        failed.map((f) => `${f.id}: ${f.error}`).join('; ') +
        '. Fix the cause and rerun the same command with --resume: finished trials are kept.',
      'TRIALS_FAILED',
    );
  }
}

/** The one-line result shown when a trial ends. */
function describe(s: TrialSummary): string {
  return (
    `test macro-F1 ${s.final.testMacroF1.toFixed(3)}, action match ${(100 * s.final.testActionMatch).toFixed(1)}%` +
    (s.final.meanReturn !== undefined ? `, return ${s.final.meanReturn.toFixed(1)}` : '') +
    ` (${s.wallSeconds.toFixed(1)} s)`
  );
}

/** Runs every trial, writing under `root/<trial id>`; returns summaries in the order of `specs`. */
export async function runTrials(
  specs: readonly TrialSpec[],
  root: string,
  opts: RunTrialsOptions,
): Promise<TrialSummary[]> {
  const remote = opts.executor !== undefined;
  const trials: SweepTrial[] = specs.map((spec) => {
    if (spec.experiment === 'exp3') {
      // Experiment 3 trains each trial next to its matched-episode evaluation (runExp3), on this machine.
      throw new InvalidArgumentError(
        remote ? 'experiment 3 trials run on this machine only; drop --coordinator' : 'run experiment 3 with runExp3',
      );
    }
    return { experiment: spec.experiment, spec };
  });
  const executor = opts.executor ?? embeddedTrialExecutor(Math.max(0, opts.workers ?? availableParallelism()));
  try {
    const result = await runSweep({ out: root, trials }, executor, {
      dirOf: (t) => join(root, t.spec.id),
      writeIndex: false,
      resume: opts.resume,
      ...(opts.metrics !== undefined ? { metrics: opts.metrics } : {}),
      ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
      // The scheduler's own lines (queue, retries, lost workers) matter on a cluster; locally the progress says it
      // all, but for warnings (a trial stopped by a signal, a retry).
      log: (line, level) => {
        if (remote || (level !== undefined && level !== 'info')) opts.progress.log(line, level);
      },
      onProgress: (t, done, total) => opts.progress.update(t.spec.id, done, total),
      onFinished: (t, s, resumed) =>
        opts.progress.finishTrial(t.spec.id, resumed ? 'already complete (resumed)' : describe(s)),
    });
    if (result.failed.length > 0) throw new TrialsFailedError(result.failed);
    return specs.map((spec) => result.summaries[`${spec.experiment}/${spec.id}`]);
  } finally {
    if (!remote) await executor.close();
  }
}

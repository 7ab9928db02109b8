/**
 * Runs an experiment's trials: in parallel on piscina worker threads (one per core, the embedded default),
 * inline when threads are off, or as sweep trials on a cluster's workers (`executor`). Finished trials
 * (summary.json present) are skipped on --resume.
 */
import { existsSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { TrialExecutor } from '../coordinator/sweep/executors.js';
import type { RuntimeMetrics } from '../coordinator/metrics/registry.js';
import { runSweep } from '../coordinator/sweep/run_sweep.js';
import type { SweepTrial } from '../coordinator/sweep/plan.js';
import type { ProgressSink } from './progress.js';
import { EvoscaleError, InvalidArgumentError } from '../shared/errors.js';
import { TrialDirectory } from './results.js';
import type { TrialSpec, TrialSummary } from './trial.js';

export interface RunTrialsOptions {
  /** Worker threads; 0 runs inline. Default: one per core. */
  workers?: number;
  resume: boolean;
  progress: ProgressSink;
  /** Run the trials on this executor (a cluster's workers) instead of local threads. */
  executor?: TrialExecutor;
  /** Sweep gauges and counters, when the cluster serves metrics. */
  metrics?: RuntimeMetrics;
}

/** A trial failed on the cluster as many times as the sweep allows; the experiment cannot be aggregated. */
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

const workerFile = fileURLToPath(new URL('./trial_worker.js', import.meta.url));

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
  if (opts.executor !== undefined) return runOnExecutor(specs, root, opts, opts.executor);
  const threads = Math.max(0, opts.workers ?? availableParallelism());
  const results: TrialSummary[] = new Array<TrialSummary>(specs.length);
  const pending: number[] = [];
  specs.forEach((spec, i) => {
    const dir = new TrialDirectory(join(root, spec.id));
    const done = opts.resume ? dir.summary<TrialSummary>() : undefined;
    if (done) {
      results[i] = done;
      opts.progress.finishTrial(spec.id, 'already complete (resumed)');
    } else pending.push(i);
  });

  // Inline when threads are off, or when running from TypeScript sources (no compiled worker next to us).
  if (threads === 0 || !existsSync(workerFile)) {
    const { default: run } = await import('./trial_worker.js');
    for (const i of pending) {
      const spec = specs[i];
      const s = await run({ spec, dir: join(root, spec.id), resume: opts.resume, threads: 1 });
      results[i] = s;
      opts.progress.finishTrial(spec.id, describe(s));
    }
    return results;
  }

  // Trials running now: each takes its share of the threads before every generation (see trial_worker.ts).
  const running = new Int32Array(new SharedArrayBuffer(4));
  const pool = new Piscina({
    filename: workerFile,
    maxThreads: threads,
    minThreads: Math.min(threads, pending.length),
  });
  try {
    await Promise.all(
      pending.map(async (i) => {
        const spec = specs[i];
        const { port1, port2 } = new MessageChannel();
        port1.on('message', (m: { done: number; total: number }) => opts.progress.update(spec.id, m.done, m.total));
        try {
          const s = (await pool.run(
            { spec, dir: join(root, spec.id), resume: opts.resume, port: port2, threads, running },
            { transferList: [port2] },
          )) as TrialSummary;
          results[i] = s;
          opts.progress.finishTrial(spec.id, describe(s));
        } finally {
          port1.close();
        }
      }),
    );
  } finally {
    await pool.destroy();
  }
  return results;
}

/**
 * The cluster path: the experiment's trials become sweep trials, scheduled on whichever workers have room, so a
 * killed worker costs only the trial's time since its last checkpoint. Without --resume, earlier results of these
 * trials are removed first, as the local path would overwrite them.
 */
async function runOnExecutor(
  specs: readonly TrialSpec[],
  root: string,
  opts: RunTrialsOptions,
  executor: TrialExecutor,
): Promise<TrialSummary[]> {
  const trials: SweepTrial[] = specs.map((spec) => {
    if (spec.experiment === 'exp3') {
      throw new InvalidArgumentError('experiment 3 trials run on this machine only; drop --coordinator');
    }
    return { experiment: spec.experiment, spec };
  });
  if (!opts.resume) for (const spec of specs) rmSync(join(root, spec.id), { recursive: true, force: true });
  const result = await runSweep({ out: root, trials }, executor, {
    dirOf: (t) => join(root, t.spec.id),
    writeIndex: false,
    ...(opts.metrics !== undefined ? { metrics: opts.metrics } : {}),
    log: (line) => opts.progress.log(line),
    onProgress: (t, done, total) => opts.progress.update(t.spec.id, done, total),
    onFinished: (t, s, resumed) =>
      opts.progress.finishTrial(t.spec.id, resumed ? 'already complete (resumed)' : describe(s)),
  });
  if (result.failed.length > 0) throw new TrialsFailedError(result.failed);
  return specs.map((spec) => result.summaries[`${spec.experiment}/${spec.id}`]);
}

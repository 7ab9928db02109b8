/**
 * The one trial scheduler: every way of running trials (`run` embedded or with --coordinator, `sweep`) hands its
 * trials to `runSweep` with an executor, and runs as many at once as the executor has room for. One resume rule:
 * finished trials (summary.json present) are never re-run, unfinished ones resume from their checkpoint, and
 * `resume: false` first removes the trials' folders so that every trial starts over. A trial whose worker is lost
 * goes back to the queue. Trial results are pure functions of their specs, so where a trial runs changes nothing.
 */
import type { LineLog } from '../../platform/log.js';
import { EvoscaleError } from '../../shared/errors.js';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isTempFile, writeJsonAtomic } from '../../platform/atomic_file.js';
import { TrialDirectory } from '../../trials/results.js';
import type { TrialFolder, TrialSpec, TrialSummary } from '../../trials/trial.js';
import type { RuntimeMetrics } from '../../metrics/registry.js';
import { SlotLostError } from '../slot.js';
import type { TrialExecutor } from '../../trials/executor.js';

import type { SweepExperiment } from '../../shared/config/sweep.js';

export type { SweepExperiment };

export interface SweepTrial {
  /** A sweep file's experiments, and the trials `run scaling` and `run hybrid` plan (not sweep files). */
  readonly experiment: SweepExperiment | 'scaling' | 'hybrid';
  readonly spec: TrialSpec;
}

export interface SweepPlan {
  readonly out: string;
  readonly trials: readonly SweepTrial[];
}

export interface SweepOptions {
  readonly metrics?: RuntimeMetrics;
  readonly log?: LineLog;
  /** Attempts per trial before the sweep reports it failed (lost workers do not count; default: the executor's). */
  readonly maxFailures?: number;
  /**
   * Times one trial may lose its worker before the sweep reports it failed (default 5). Losses are not the trial's
   * fault, so they do not count as attempts; but a trial that takes every worker down with it (a result the
   * coordinator refuses, a worker killed for its memory) would otherwise be handed out for ever.
   */
  readonly maxLosses?: number;
  /** Keep finished trials and checkpoints (default true); false removes the trials' folders first. */
  readonly resume?: boolean;
  /** Where a trial's folder lives (default `<out>/<experiment>/<trial id>`). */
  readonly dirOf?: (trial: SweepTrial) => string;
  /** Write `<out>/sweep.json` listing the trials (default true; experiments keep their own index). */
  readonly writeIndex?: boolean;
  /** A running trial reported progress. */
  readonly onProgress?: (trial: SweepTrial, done: number, total: number) => void;
  /**
   * Aborting stops the sweep: no trial is started after it, running ones are abandoned (each resumes from its
   * own last checkpoint) and SweepInterruptedError is thrown.
   */
  readonly signal?: AbortSignal;
  /** A trial finished (now, or before: `resumed`). */
  readonly onFinished?: (trial: SweepTrial, summary: TrialSummary, resumed: boolean) => void;
}

export interface SweepResult {
  /** Trials skipped because they had finished before. */
  readonly skipped: string[];
  /** Trials run (to completion) now. */
  readonly ran: string[];
  /** Trials that failed, with the error. */
  readonly failed: { id: string; error: string }[];
  readonly summaries: Record<string, TrialSummary>;
}

/** The sweep was stopped by its abort signal; finished trials are kept, unfinished ones resume from checkpoints. */
export class SweepInterruptedError extends EvoscaleError {
  constructor(
    readonly finished: number,
    readonly total: number,
    /** Trials started and unfinished when the sweep stopped (`<experiment>/<id>`): interrupted, not failed. */
    readonly interrupted: readonly string[] = [],
  ) {
    super(
      `sweep stopped with ${finished} of ${total} trials finished` +
        (interrupted.length > 0 ? ` and ${interrupted.length} interrupted (${interrupted.join(', ')})` : '') +
        `; rerunning resumes the unfinished ones (from their last checkpoint where this machine holds one)`,
      'SWEEP_INTERRUPTED',
    );
  }
}

/** The results folder of one trial: <out>/<experiment>/<trial-id>/. */
export function trialDir(out: string, trial: SweepTrial): string {
  return join(out, trial.experiment, trial.spec.id);
}

/**
 * Removes the temporary files of atomic writes that never finished under `dir` (a thread or process stopped mid-write
 * by a signal or a kill): they are never read, and a finished sweep should leave only its results.
 */
export function removeTempFiles(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) removeTempFiles(path);
    else if (isTempFile(entry.name)) rmSync(path, { force: true });
  }
}

/** Runs (or resumes) every trial of the plan. */
export async function runSweep(
  plan: SweepPlan,
  executor: TrialExecutor,
  options: SweepOptions = {},
): Promise<SweepResult> {
  const log = options.log ?? (() => {});
  const metrics = options.metrics;
  const maxFailures = options.maxFailures ?? executor.attempts;
  const maxLosses = options.maxLosses ?? 5;
  const dirOf = options.dirOf ?? ((t: SweepTrial) => trialDir(plan.out, t));
  const skipped: string[] = [];
  const ran: string[] = [];
  const failed: { id: string; error: string }[] = [];
  const summaries: Record<string, TrialSummary> = {};
  const queue: SweepTrial[] = [];
  const recordFinal = (t: SweepTrial, s: TrialSummary): void => {
    if (Number.isFinite(s.final.testMacroF1))
      metrics?.trialTestMacroF1.observe({ experiment: t.experiment, method: t.spec.method.name }, s.final.testMacroF1);
  };
  if (options.resume === false) for (const t of plan.trials) rmSync(dirOf(t), { recursive: true, force: true });
  for (const t of plan.trials) {
    // Nothing writes into a trial's folder before it starts here, so any temp file there is a stopped write's.
    removeTempFiles(dirOf(t));
    const dir: TrialFolder = new TrialDirectory(dirOf(t));
    const done = dir.summary();
    if (done !== undefined) {
      skipped.push(`${t.experiment}/${t.spec.id}`);
      summaries[`${t.experiment}/${t.spec.id}`] = done;
      recordFinal(t, done);
      options.onFinished?.(t, done, true);
    } else {
      queue.push(t);
    }
  }
  if (options.writeIndex !== false) {
    writeJsonAtomic(join(plan.out, 'sweep.json'), {
      trials: plan.trials.map((t) => `${t.experiment}/${t.spec.id}`),
    });
  }
  log(`sweep: ${plan.trials.length} trials, ${skipped.length} already finished, ${queue.length} to run`);
  const failures = new Map<string, number>();
  const losses = new Map<string, number>();
  let running = 0;
  const setGauges = (): void => {
    metrics?.trials.set({ state: 'queued' }, queue.length);
    metrics?.trials.set({ state: 'running' }, running);
    metrics?.trials.set({ state: 'finished' }, skipped.length + ran.length);
    metrics?.trials.set({ state: 'failed' }, failed.length);
  };
  setGauges();
  const inflight = new Set<Promise<void>>();
  const runningKeys = new Set<string>();
  /** Trials that were running when their worker left and that have not started again since. */
  const lostWorker = new Set<string>();
  let waitingLogged = false;

  const start = (t: SweepTrial): void => {
    const key = `${t.experiment}/${t.spec.id}`;
    running++;
    runningKeys.add(key);
    lostWorker.delete(key);
    setGauges();
    const dir = dirOf(t);
    let lastLog = 0;
    const p = executor
      .run(t.spec, dir, (u) => {
        if (u.loss !== undefined) metrics?.sgdLoss.set({ trial: t.spec.id }, u.loss);
        options.onProgress?.(t, u.done, u.total);
        const now = Date.now();
        if (now - lastLog > 10_000) {
          lastLog = now;
          log(`sweep: ${key} ${Math.round((100 * u.done) / Math.max(1e-9, u.total))}%`);
        }
      })
      .then(
        (summary) => {
          // A stopped write of an earlier attempt on this machine could have left one since the sweep began.
          removeTempFiles(dir);
          runningKeys.delete(key);
          ran.push(key);
          summaries[key] = summary;
          metrics?.trialsFinished.inc({ experiment: t.experiment });
          recordFinal(t, summary);
          options.onFinished?.(t, summary, false);
          log(`sweep: ${key} finished (${ran.length + skipped.length}/${plan.trials.length})`);
        },
        (err: unknown) => {
          const message = err instanceof Error ? err.message : String(err);
          // Threads and sockets torn down by the shutdown fail their trials; that is the stop, not a failure.
          if (options.signal?.aborted === true) {
            log(`sweep: ${key} ${/stopped at step/.test(message) ? message : `abandoned (${message})`}`, 'warn');
            return;
          }
          runningKeys.delete(key);
          const lost = err instanceof SlotLostError ? (losses.get(key) ?? 0) + 1 : 0;
          if (lost >= maxLosses) {
            const why = `lost its worker ${lost} times (last: ${message}); a trial every worker fails on is not handed out again: see the coordinator's log for why the workers left`;
            log(`sweep: ${key} ${why}`, 'error');
            failed.push({ id: key, error: why });
            return;
          }
          if (err instanceof SlotLostError) {
            losses.set(key, lost);
            log(`sweep: ${key} lost its worker (${message}); queued again`, 'warn');
            // A worker stopped by the same SIGTERM as this process says bye first: its trial was interrupted too.
            lostWorker.add(key);
            queue.unshift(t);
            return;
          }
          const n = (failures.get(key) ?? 0) + 1;
          failures.set(key, n);
          if (n < maxFailures) {
            log(`sweep: ${key} failed (${message}); retrying`, 'warn');
            queue.push(t);
          } else {
            log(`sweep: ${key} failed ${n} times: ${message}`, 'error');
            failed.push({ id: key, error: message });
          }
        },
      )
      .finally(() => {
        // Per-trial series would grow without bound over a sweep; the loss curve stays in the trial's folder.
        metrics?.sgdLoss.remove({ trial: t.spec.id });
        running--;
        setGauges();
        inflight.delete(p);
      });
    inflight.add(p);
  };

  const signal = options.signal;
  const aborted =
    signal === undefined
      ? undefined
      : new Promise<void>((resolve) => {
          if (signal.aborted) resolve();
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
  while (queue.length > 0 || inflight.size > 0) {
    if (signal?.aborted === true) {
      const reachable = executor.stop !== undefined;
      if (reachable && inflight.size > 0) {
        // Trials here checkpoint at their next step and stop; wait for them so that no step done is lost.
        executor.stop?.();
        await Promise.allSettled([...inflight]);
      }
      const interrupted = [...runningKeys, ...lostWorker];
      log(
        `sweep: stopped; ${interrupted.length} started trial${interrupted.length === 1 ? '' : 's'} interrupted ` +
          `(${interrupted.join(', ') || 'none'}), ` +
          (reachable
            ? 'checkpointed where they stopped, to resume on the next run'
            : 'to resume from their last checkpoints on the next run'),
        'warn',
      );
      throw new SweepInterruptedError(skipped.length + ran.length, plan.trials.length, interrupted);
    }
    while (queue.length > 0 && executor.free() > 0) start(queue.shift() as SweepTrial);
    if (queue.length > 0 && executor.capacity() === 0 && !waitingLogged) {
      waitingLogged = true;
      log('sweep: waiting for workers');
    }
    if (executor.capacity() > 0) waitingLogged = false;
    // Wake on a finished trial or on a capacity change (workers joining or leaving).
    await Promise.race([...inflight, executor.changed(), ...(aborted !== undefined ? [aborted] : [])]);
  }
  return { skipped, ran, failed, summaries };
}

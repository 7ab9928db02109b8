/**
 * Where trials run, behind one interface that the one scheduler (coordinator/sweep/run_sweep.ts) drives: threads of
 * this process (the embedded default of `run` and `sweep`, and the trial pool of `evoscale worker`), this thread
 * itself (`--workers 0`), or remote workers (coordinator/sweep/executors.ts: `run --coordinator`, `sweep` with a
 * coordinator). Every executor writes the trial's folder and resumes from the checkpoint found there; which trials
 * to run, and which to skip, is the scheduler's.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { startPool, workerModule } from '../platform/threads.js';
import type { BackendName } from '../worker/engine/backends.js';
import { TrialStoppedError, type TrialSpec, type TrialSummary } from './trial.js';
import type { TrialProgressMessage, TrialTask, TrialTaskResult } from './trial_worker.js';

export interface TrialProgressUpdate {
  readonly done: number;
  readonly total: number;
  readonly loss?: number;
}

export interface TrialExecutor {
  /** Trials that could start now. */
  free(): number;
  /** Resolves when free() may have changed (a trial ended, a worker came or went). */
  changed(): Promise<void>;
  /**
   * Runs the trial into `dir` (resuming its checkpoint); rejects on failure (a lost worker is a SlotLostError).
   * Aborting `stop`, where the executor can reach the trial, stops this one trial as `stop()` stops them all.
   */
  run(
    spec: TrialSpec,
    dir: string,
    onProgress: (p: TrialProgressUpdate) => void,
    stop?: AbortSignal,
  ): Promise<TrialSummary>;
  /** Alive capacity in trials, for logs. */
  capacity(): number;
  /**
   * Attempts a trial gets before the scheduler reports it failed: a remote worker may fail for reasons of its
   * own (memory, a dying disk), while a trial that failed on this machine would fail again the same way.
   */
  readonly attempts: number;
  /**
   * Asks the trials running now to write their checkpoint and stop at their next step (their runs then reject with
   * TrialStoppedError, the checkpoint in the trial's folder), so that a signal loses no work; trials started later
   * run normally. Remote workers are told to stop and send the folder back.
   */
  stop?(): void;
  close(): Promise<void>;
}

/** Wakes everyone waiting for a change (the executors' `changed()`). */
export class Signal {
  private waiters: (() => void)[] = [];
  wait(): Promise<void> {
    return new Promise((r) => this.waiters.push(r));
  }
  fire(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/**
 * Trials in this process: on `threads` piscina threads (default: one per core), or in this thread, one at a time,
 * when `threads` is 0 (debugging, profiling, or when threads are unwanted).
 */
export function embeddedTrialExecutor(
  threads: number = availableParallelism(),
  autoBackend?: BackendName,
): TrialExecutor {
  if (threads === 0) return inlineTrialExecutor(autoBackend);
  const n = Math.max(1, threads);
  const pool = startPool(workerModule(import.meta.url, './trial_worker'), {
    minThreads: 0,
    maxThreads: n,
    idleTimeout: 30_000,
  });
  const signal = new Signal();
  let running = 0;
  // Trials running now, seen by every trial thread: each takes its share of the n threads before every
  // generation, so the last trials of a run widen onto the cores the others freed (see engineThreadsPerTrial).
  const runningShared = new Int32Array(new SharedArrayBuffer(4));
  // A stop flag per running trial (shared with its thread): stop() raises those of the trials running now, a
  // run's own `stop` signal its own; a worker that stopped its trials for one coordinator serves the next.
  const stopFlags = new Set<Int32Array>();
  const raise = (flag: Int32Array): void => {
    Atomics.store(flag, 0, 1);
  };
  return {
    stop: () => {
      for (const flag of stopFlags) raise(flag);
    },
    free: () => n - running,
    changed: () => signal.wait(),
    capacity: () => n,
    attempts: 1,
    async run(spec, dir, onProgress, stop) {
      running++;
      const flag = new Int32Array(new SharedArrayBuffer(4));
      stopFlags.add(flag);
      const raiseThis = (): void => raise(flag);
      if (stop?.aborted === true) raiseThis();
      stop?.addEventListener('abort', raiseThis, { once: true });
      const { port1, port2 } = new MessageChannel();
      port1.on('message', (m: TrialProgressMessage) => onProgress(m));
      try {
        const task: TrialTask = {
          spec,
          dir,
          resume: true,
          port: port2,
          threads: n,
          running: runningShared,
          stop: flag,
          ...(autoBackend ? { autoBackend } : {}),
        };
        const result = (await pool.run(task, { transferList: [port2] })) as TrialTaskResult;
        // The error class does not survive the thread boundary; the trial thread says it stopped instead.
        if ('stoppedAt' in result) throw new TrialStoppedError(spec.id, result.stoppedAt);
        return result;
      } finally {
        stop?.removeEventListener('abort', raiseThis);
        stopFlags.delete(flag);
        port1.close();
        running--;
        signal.fire();
      }
    },
    close: () => pool.destroy(),
  };
}

/** Trials in this thread, one at a time (the trial runs synchronously: progress is reported as it goes). */
function inlineTrialExecutor(autoBackend?: BackendName): TrialExecutor {
  const signal = new Signal();
  let running = false;
  return {
    free: () => (running ? 0 : 1),
    changed: () => signal.wait(),
    capacity: () => 1,
    attempts: 1,
    async run(spec, dir, onProgress) {
      running = true;
      try {
        const { runTrialTask } = await import('./trial_worker.js');
        return await runTrialTask({ spec, dir, resume: true, ...(autoBackend ? { autoBackend } : {}) }, onProgress);
      } finally {
        running = false;
        signal.fire();
      }
    },
    close: async () => {},
  };
}

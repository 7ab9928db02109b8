/** Piscina worker: runs one trial in this thread. Trials are independent, so the pool parallelises an experiment. */
import type { MessagePort } from 'node:worker_threads';
import { loadDatasetOnce } from '../data/load.js';
import { validateTrialSpec } from '../shared/protocol/trial_spec.js';
import { trialData } from './data.js';
import { TrialDirectory } from './results.js';
import type { BackendName } from '../worker/engine/backends.js';
import {
  loadTrialBackend,
  runTrial,
  TrialStoppedError,
  type TrialFolder,
  type TrialSpec,
  type TrialSummary,
} from './trial.js';

export interface TrialTask {
  spec: TrialSpec;
  dir: string;
  resume: boolean;
  /** Receives TrialProgressMessage messages when running in a pool thread. */
  port?: MessagePort;
  /** What a spec's 'auto' backend means here (a worker's --backend); default: the best installed. */
  autoBackend?: BackendName;
  /** Threads a neuroevolution trial may split its population over, this one included (default 1). */
  threads?: number;
  /**
   * Trials running now, shared by every trial of the run (a SharedArrayBuffer): with it, `threads` are the
   * run's threads, and a trial takes its share of them before every generation (`engineThreadsPerTrial`).
   */
  running?: Int32Array;
  /** Non-zero asks the trial to checkpoint and stop at its next step (a SharedArrayBuffer the executor sets). */
  stop?: Int32Array;
}

/**
 * Engine threads each trial gets when `threads` threads run `trials` trials: cores a trial has to spare
 * (fewer trials than threads) split its population; results do not depend on the split.
 */
export function engineThreadsPerTrial(threads: number, trials: number): number {
  return Math.max(1, Math.floor(threads / Math.max(1, Math.min(threads, trials))));
}

/** Progress of a running trial, in units of its own work. */
export interface TrialProgressMessage {
  readonly done: number;
  readonly total: number;
}

/** Runs the task's trial in this thread, reporting progress at most twice a second (and at the end). */
export async function runTrialTask(
  task: TrialTask,
  onProgress?: (p: TrialProgressMessage) => void,
): Promise<TrialSummary> {
  // The spec crossed a thread boundary (or came from a remote coordinator via trial_runner): check, never cast.
  validateTrialSpec(task.spec, `trial ${String((task.spec as { id?: unknown } | undefined)?.id)}`);
  const ds = await loadDatasetOnce(task.spec.dataset, task.spec.datasetSteps);
  const dir: TrialFolder = new TrialDirectory(task.dir);
  const backend = await loadTrialBackend(task.spec, task.autoBackend);
  const running = task.running;
  const threads = task.threads ?? 1;
  let last = 0;
  if (running !== undefined) Atomics.add(running, 0, 1);
  try {
    return runTrial(task.spec, trialData(task.spec, ds), dir, {
      resume: task.resume,
      backend,
      ...(task.stop !== undefined ? { shouldStop: () => Atomics.load(task.stop as Int32Array, 0) !== 0 } : {}),
      threads: running === undefined ? threads : () => engineThreadsPerTrial(threads, Atomics.load(running, 0)),
      onProgress: onProgress
        ? (done, total) => {
            const now = Date.now();
            if (now - last > 500 || done >= total) {
              last = now;
              onProgress({ done, total });
            }
          }
        : undefined,
    });
  } finally {
    if (running !== undefined) Atomics.sub(running, 0, 1);
  }
}

/** What a pool thread answers: the finished trial's summary, or the step where it stopped on request. */
export type TrialTaskResult = TrialSummary | { readonly stoppedAt: number };

export default async function runPooledTrialTask(task: TrialTask): Promise<TrialTaskResult> {
  const port = task.port;
  try {
    return await runTrialTask(task, port ? (m) => port.postMessage(m) : undefined);
  } catch (err) {
    if (err instanceof TrialStoppedError) return { stoppedAt: err.step };
    throw err;
  }
}

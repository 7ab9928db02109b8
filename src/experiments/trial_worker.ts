/** Piscina worker: runs one trial in this thread. Trials are independent, so the pool parallelises an experiment. */
import type { MessagePort } from 'node:worker_threads';
import type { Dataset } from '../shared/data/dataset.js';
import { loadDatasetCached, trialData } from './data.js';
import { TrialDirectory } from './results.js';
import { runTrial, type TrialSpec, type TrialSummary } from './trial.js';

export interface TrialTask {
  spec: TrialSpec;
  dir: string;
  resume: boolean;
  /** Receives { done, total } progress messages when running in a pool thread. */
  port?: MessagePort;
  /** Threads a neuroevolution trial may split its population over, this one included (default 1). */
  threads?: number;
  /**
   * Trials running now, shared by every trial of the run (a SharedArrayBuffer): with it, `threads` are the
   * run's threads, and a trial takes its share of them before every generation (`engineThreadsPerTrial`).
   */
  running?: Int32Array;
}

/**
 * Engine threads each trial gets when `threads` threads run `trials` trials: cores a trial has to spare
 * (fewer trials than threads) split its population; results do not depend on the split.
 */
export function engineThreadsPerTrial(threads: number, trials: number): number {
  return Math.max(1, Math.floor(threads / Math.max(1, Math.min(threads, trials))));
}

export default async function runTrialTask(task: TrialTask): Promise<TrialSummary> {
  const ds = await loadDatasetCached(task.spec.dataset, task.spec.datasetSteps);
  const running = task.running;
  const threads = task.threads ?? 1;
  if (running !== undefined) Atomics.add(running, 0, 1);
  try {
    return runSharing(
      task,
      ds,
      running === undefined ? threads : () => engineThreadsPerTrial(threads, Atomics.load(running, 0)),
    );
  } finally {
    if (running !== undefined) Atomics.sub(running, 0, 1);
  }
}

function runSharing(task: TrialTask, ds: Dataset, threads: number | (() => number)): TrialSummary {
  const port = task.port;
  let last = 0;
  return runTrial(task.spec, trialData(task.spec, ds), new TrialDirectory(task.dir), {
    resume: task.resume,
    threads,
    onProgress: port
      ? (done, total) => {
          const now = Date.now();
          if (now - last > 500 || done >= total) {
            last = now;
            port.postMessage({ done, total });
          }
        }
      : undefined,
  });
}

/** Piscina worker: runs one trial in this thread. Trials are independent, so the pool parallelises an experiment. */
import type { MessagePort } from 'node:worker_threads';
import { loadDatasetCached } from '../data/load_cached.js';
import { trialData } from './data.js';
import { TrialDirectory } from './results.js';
import { runTrial, type TrialFolder, type TrialSpec, type TrialSummary } from './trial.js';

export interface TrialTask {
  spec: TrialSpec;
  dir: string;
  resume: boolean;
  /** Receives TrialProgressMessage messages when running in a pool thread. */
  port?: MessagePort;
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
  const ds = await loadDatasetCached(task.spec.dataset, task.spec.datasetSteps);
  const dir: TrialFolder = new TrialDirectory(task.dir);
  let last = 0;
  return runTrial(task.spec, trialData(task.spec, ds), dir, {
    resume: task.resume,
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
}

export default function runPooledTrialTask(task: TrialTask): Promise<TrialSummary> {
  const port = task.port;
  return runTrialTask(task, port ? (m) => port.postMessage(m) : undefined);
}

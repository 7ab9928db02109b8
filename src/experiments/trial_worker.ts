/** Piscina worker: runs one trial in this thread. Trials are independent, so the pool parallelises an experiment. */
import type { MessagePort } from 'node:worker_threads';
import { validateTrialSpec } from '../shared/protocol/trial_spec.js';
import { loadDatasetCached, trialData } from './data.js';
import { TrialDirectory } from './results.js';
import { runTrial, type TrialSpec, type TrialSummary } from './trial.js';

export interface TrialTask {
  spec: TrialSpec;
  dir: string;
  resume: boolean;
  /** Receives { done, total } progress messages when running in a pool thread. */
  port?: MessagePort;
}

export default async function runTrialTask(task: TrialTask): Promise<TrialSummary> {
  // The spec crossed a thread boundary (or came from a remote coordinator via trial_runner): check, never cast.
  validateTrialSpec(task.spec, `trial ${String((task.spec as { id?: unknown } | undefined)?.id)}`);
  const ds = await loadDatasetCached(task.spec.dataset, task.spec.datasetSteps);
  const port = task.port;
  let last = 0;
  return runTrial(task.spec, trialData(task.spec, ds), new TrialDirectory(task.dir), {
    resume: task.resume,
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

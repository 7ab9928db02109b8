/** Piscina worker: runs one trial in this thread. Trials are independent, so the pool parallelises an experiment. */
import type { MessagePort } from 'node:worker_threads';
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
}

export default async function runTrialTask(task: TrialTask): Promise<TrialSummary> {
  const ds = await loadDatasetCached(task.spec.dataset, task.spec.datasetSteps);
  const port = task.port;
  let last = 0;
  return runTrial(task.spec, trialData(task.spec, ds), new TrialDirectory(task.dir), {
    resume: task.resume,
    threads: task.threads ?? 1,
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

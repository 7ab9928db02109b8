/** Piscina worker: runs one trial in this thread. Trials are independent, so the pool parallelises an experiment. */
import type { MessagePort } from 'node:worker_threads';
import { loadDatasetCached } from '../data/load_cached.js';
import { trialData } from './data.js';
import { TrialDirectory } from './results.js';
import type { BackendName } from '../worker/engine/backends.js';
import { loadTrialBackend, runTrial, type TrialSpec, type TrialSummary } from './trial.js';

export interface TrialTask {
  spec: TrialSpec;
  dir: string;
  resume: boolean;
  /** Receives { done, total } progress messages when running in a pool thread. */
  port?: MessagePort;
  /** What a spec's 'auto' backend means here (a worker's --backend); default: the best installed. */
  autoBackend?: BackendName;
}

export default async function runTrialTask(task: TrialTask): Promise<TrialSummary> {
  const ds = await loadDatasetCached(task.spec.dataset, task.spec.datasetSteps);
  const backend = await loadTrialBackend(task.spec, task.autoBackend);
  const port = task.port;
  let last = 0;
  return runTrial(task.spec, trialData(task.spec, ds), new TrialDirectory(task.dir), {
    resume: task.resume,
    backend,
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

/**
 * Trials on remote workers (`run --coordinator`, `sweep` with a coordinator), behind the executor interface of
 * trials/executor.ts: the trial's folder is shipped both ways (a checkpoint out, the finished or stopped folder
 * back), so workers need no shared filesystem.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject } from '../../shared/protocol/index.js';
import { writeFileAtomic } from '../../platform/atomic_file.js';
import { Signal, type TrialExecutor } from '../../trials/executor.js';
import { TrialStoppedError, type TrialSpec, type TrialSummary } from '../../trials/trial.js';
import { readFolder } from '../../cluster/worker/trial_runner.js';
import type { CoordinatorServer } from '../transport/server.js';
import { RemoteTrialStoppedError, type RemoteWorker } from '../transport/remote_worker.js';
import { SlotLostError } from '../slot.js';

/** Writes a finished trial folder sent back by a worker; summary.json last, as it marks the trial complete. */
export function storeTrialFolder(dir: string, files: Readonly<Record<string, Uint8Array>>): void {
  const names = Object.keys(files).sort((a, b) => Number(a === 'summary.json') - Number(b === 'summary.json'));
  for (const name of names) writeFileAtomic(join(dir, name), files[name]);
}

/**
 * How long a stopping coordinator waits for its workers to send back the folders of the trials it told to stop
 * (they stop at their next step, a fraction of a second), within the 10 s a stop may take (SHUTDOWN_GRACE_MS).
 */
export const REMOTE_STOP_WAIT_MS = 5000;

/**
 * Trials on remote workers connected to `server`, as many per worker as its threads. `stop()` tells each worker to
 * stop its trials at their next step; the folders they send back, checkpoints included, are stored in the trials'
 * folders here, so that the next run resumes where each stopped.
 */
export function remoteTrialExecutor(server: CoordinatorServer): TrialExecutor {
  const signal = new Signal();
  const running = new Set<{ readonly worker: RemoteWorker; readonly trialId: string }>();
  let stopping = false;
  server.onWorker(() => signal.fire());
  const freeOn = (w: RemoteWorker): number => (w.acceptsTrials() ? Math.max(0, w.threads - w.busy()) : 0);
  const pick = (spec: TrialSpec): RemoteWorker | undefined => {
    // SGD trials go to SGD workers and the rest to evaluators when both kinds have room; else anyone free.
    const wanted = spec.method.kind === 'sgd' ? 'sgd' : 'evaluator';
    const candidates = server.connected().filter((w) => freeOn(w) > 0);
    const preferred = candidates.filter((w) => w.role === wanted);
    const from = preferred.length > 0 ? preferred : candidates;
    return from.sort((a, b) => freeOn(b) - freeOn(a))[0];
  };
  return {
    stop: () => {
      stopping = true;
      const byWorker = new Map<RemoteWorker, string[]>();
      for (const r of running) byWorker.set(r.worker, [...(byWorker.get(r.worker) ?? []), r.trialId]);
      for (const [worker, ids] of byWorker) worker.stopTrials(ids, 'the coordinator is stopping', REMOTE_STOP_WAIT_MS);
    },
    free: () => server.connected().reduce((a, w) => a + freeOn(w), 0),
    changed: () => signal.wait(),
    capacity: () => server.connected().reduce((a, w) => a + w.threads, 0),
    attempts: 2,
    async run(spec, dir, onProgress) {
      const worker = pick(spec);
      if (worker === undefined) throw new Error('no worker has room for a trial');
      const files = existsSync(dir) ? readFolder(dir) : {};
      const entry = { worker, trialId: spec.id };
      running.add(entry);
      try {
        const done = await worker.runTrial(spec.id, JSON.parse(JSON.stringify(spec)) as JsonObject, files, (p) =>
          onProgress({ done: p.done, total: p.total, ...(p.loss !== undefined ? { loss: p.loss } : {}) }),
        );
        storeTrialFolder(dir, done.files);
        return done.summary as unknown as TrialSummary;
      } catch (err) {
        if (!(err instanceof RemoteTrialStoppedError)) throw err;
        // The folder as the worker left it, checkpoint included (never a summary: the protocol refuses one).
        storeTrialFolder(dir, err.files);
        if (stopping) throw new TrialStoppedError(spec.id, err.step);
        // The worker stopped it on its own (it is shutting down): another worker resumes it from this checkpoint.
        throw new SlotLostError(worker.id, `it stopped trial ${spec.id} at step ${err.step} (checkpoint kept)`);
      } finally {
        running.delete(entry);
        signal.fire();
      }
    },
    close: async () => {},
  };
}

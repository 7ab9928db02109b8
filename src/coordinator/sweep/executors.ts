/**
 * Trials on remote workers (`run --coordinator`, `sweep` with a coordinator), behind the executor interface of
 * trials/executor.ts: the trial's folder is shipped both ways (a checkpoint out, the finished folder back), so
 * workers need no shared filesystem.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject } from '../../shared/protocol/index.js';
import { writeFileAtomic } from '../../platform/atomic_file.js';
import { Signal, type TrialExecutor } from '../../trials/executor.js';
import type { TrialSpec, TrialSummary } from '../../trials/trial.js';
import { readFolder } from '../../cluster/worker/trial_runner.js';
import type { CoordinatorServer } from '../transport/server.js';
import type { RemoteWorker } from '../transport/remote_worker.js';

/** Writes a finished trial folder sent back by a worker; summary.json last, as it marks the trial complete. */
export function storeTrialFolder(dir: string, files: Readonly<Record<string, Uint8Array>>): void {
  const names = Object.keys(files).sort((a, b) => Number(a === 'summary.json') - Number(b === 'summary.json'));
  for (const name of names) writeFileAtomic(join(dir, name), files[name]);
}

/** Trials on remote workers connected to `server`, as many per worker as its threads. */
export function remoteTrialExecutor(server: CoordinatorServer): TrialExecutor {
  const signal = new Signal();
  server.onWorker(() => signal.fire());
  const freeOn = (w: RemoteWorker): number => (w.alive() ? Math.max(0, w.threads - w.busy()) : 0);
  const pick = (spec: TrialSpec): RemoteWorker | undefined => {
    // SGD trials go to SGD workers and the rest to evaluators when both kinds have room; else anyone free.
    const wanted = spec.method.kind === 'sgd' ? 'sgd' : 'evaluator';
    const candidates = server.connected().filter((w) => freeOn(w) > 0);
    const preferred = candidates.filter((w) => w.role === wanted);
    const from = preferred.length > 0 ? preferred : candidates;
    return from.sort((a, b) => freeOn(b) - freeOn(a))[0];
  };
  return {
    free: () => server.connected().reduce((a, w) => a + freeOn(w), 0),
    changed: () => signal.wait(),
    capacity: () => server.connected().reduce((a, w) => a + w.threads, 0),
    attempts: 2,
    async run(spec, dir, onProgress) {
      const worker = pick(spec);
      if (worker === undefined) throw new Error('no worker has room for a trial');
      const files = existsSync(dir) ? readFolder(dir) : {};
      try {
        const done = await worker.runTrial(spec.id, JSON.parse(JSON.stringify(spec)) as JsonObject, files, (p) =>
          onProgress({ done: p.done, total: p.total, ...(p.loss !== undefined ? { loss: p.loss } : {}) }),
        );
        storeTrialFolder(dir, done.files);
        return done.summary as unknown as TrialSummary;
      } finally {
        signal.fire();
      }
    },
    close: async () => {},
  };
}

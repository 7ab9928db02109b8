/**
 * Where sweep trials run: embedded pool threads (the default, one trial per core) or remote workers (one trial
 * per worker thread). Both write the trial's folder under results/; the remote one ships the folder both ways
 * (a checkpoint out, the finished folder back) so workers need no shared filesystem.
 */
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { JsonObject } from '../../shared/protocol/index.js';
import { writeFileAtomic } from '../../trials/results.js';
import type { TrialSpec, TrialSummary } from '../../trials/trial.js';
import type { TrialTask } from '../../trials/trial_worker.js';
import { readFolder } from '../../cluster/worker/trial_runner.js';
import type { CoordinatorServer } from '../transport/server.js';
import type { RemoteWorker } from '../transport/remote_worker.js';

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
  /** Runs the trial into `dir` (resuming its checkpoint); rejects on failure (a lost worker is a TrialLostError). */
  run(spec: TrialSpec, dir: string, onProgress: (p: TrialProgressUpdate) => void): Promise<TrialSummary>;
  /** Alive capacity in trials, for logs. */
  capacity(): number;
  close(): Promise<void>;
}

const trialFile = new URL(
  `../../trials/trial_worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
).href;

class Signal {
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

/** Trials on piscina threads in this process. */
export function embeddedTrialExecutor(threads: number = availableParallelism()): TrialExecutor {
  const n = Math.max(1, threads);
  const pool = new Piscina({ filename: trialFile, minThreads: 0, maxThreads: n, idleTimeout: 30_000 });
  const signal = new Signal();
  let running = 0;
  return {
    free: () => n - running,
    changed: () => signal.wait(),
    capacity: () => n,
    async run(spec, dir, onProgress) {
      running++;
      const { port1, port2 } = new MessageChannel();
      port1.on('message', (m: { done: number; total: number }) => onProgress(m));
      try {
        const task: TrialTask = { spec, dir, resume: true, port: port2 };
        return (await pool.run(task, { transferList: [port2] })) as TrialSummary;
      } finally {
        port1.close();
        running--;
        signal.fire();
      }
    },
    close: () => pool.destroy(),
  };
}

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

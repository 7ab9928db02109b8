/**
 * Runs an experiment's trials: in parallel on piscina worker threads (one per core, the embedded default),
 * or inline when threads are off. Finished trials (summary.json present) are skipped on --resume.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { ProgressSink } from './progress.js';
import { TrialDirectory } from './results.js';
import type { TrialSpec, TrialSummary } from './trial.js';

export interface RunTrialsOptions {
  /** Worker threads; 0 runs inline. Default: one per core. */
  workers?: number;
  resume: boolean;
  progress: ProgressSink;
}

const workerFile = fileURLToPath(new URL('./trial_worker.js', import.meta.url));

/** Runs every trial, writing under `root/<trial id>`; returns summaries in the order of `specs`. */
export async function runTrials(
  specs: readonly TrialSpec[],
  root: string,
  opts: RunTrialsOptions,
): Promise<TrialSummary[]> {
  const threads = Math.max(0, opts.workers ?? availableParallelism());
  const results: TrialSummary[] = new Array<TrialSummary>(specs.length);
  const pending: number[] = [];
  specs.forEach((spec, i) => {
    const dir = new TrialDirectory(join(root, spec.id));
    const done = opts.resume ? dir.summary<TrialSummary>() : undefined;
    if (done) {
      results[i] = done;
      opts.progress.finishTrial(spec.id, 'already complete (resumed)');
    } else pending.push(i);
  });
  const describe = (s: TrialSummary): string =>
    `test macro-F1 ${s.final.testMacroF1.toFixed(3)}, action match ${(100 * s.final.testActionMatch).toFixed(1)}%` +
    (s.final.meanReturn !== undefined ? `, return ${s.final.meanReturn.toFixed(1)}` : '') +
    ` (${s.wallSeconds.toFixed(1)} s)`;

  // Inline when threads are off, or when running from TypeScript sources (no compiled worker next to us).
  if (threads === 0 || !existsSync(workerFile)) {
    const { default: run } = await import('./trial_worker.js');
    for (const i of pending) {
      const spec = specs[i];
      const s = await run({ spec, dir: join(root, spec.id), resume: opts.resume });
      results[i] = s;
      opts.progress.finishTrial(spec.id, describe(s));
    }
    return results;
  }

  const pool = new Piscina({
    filename: workerFile,
    maxThreads: threads,
    minThreads: Math.min(threads, pending.length),
  });
  try {
    await Promise.all(
      pending.map(async (i) => {
        const spec = specs[i];
        const { port1, port2 } = new MessageChannel();
        port1.on('message', (m: { done: number; total: number }) => opts.progress.update(spec.id, m.done, m.total));
        try {
          const s = (await pool.run(
            { spec, dir: join(root, spec.id), resume: opts.resume, port: port2 },
            { transferList: [port2] },
          )) as TrialSummary;
          results[i] = s;
          opts.progress.finishTrial(spec.id, describe(s));
        } finally {
          port1.close();
        }
      }),
    );
  } finally {
    await pool.destroy();
  }
  return results;
}

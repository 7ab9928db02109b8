/**
 * Runs experiment 3 in a worker thread (thread.ts) so that a signal is seen while its trials train: aborting
 * `opts.signal` raises a shared flag the running trial reads after every step; it writes its checkpoint and stops,
 * no other trial starts, and the run ends with SweepInterruptedError, as the other experiments do. The trial stays in
 * the thread that holds the human's episodes; starting the thread and loading its modules took 1.2–1.5 s on a loaded
 * 2-core machine, against runs of minutes (a yielding loop instead would make runTrial, which every trial runs, async).
 */
import { EvoscaleError } from '../../shared/errors.js';
import type { HumanEpisode } from '../../shared/human/index.js';
import { startThread, workerModule } from '../../platform/threads.js';
import { SweepInterruptedError } from '../../coordinator/sweep/run_sweep.js';
import type { RunExperimentOptions } from '../exp1.js';
import type { Exp3Config } from './config.js';
import type { Exp3ThreadInput, Exp3ThreadMessage } from './thread.js';

/** The thread ended without saying how (it crashed or was killed). */
export class Exp3ThreadError extends EvoscaleError {
  constructor(message: string, code = 'EXP3_THREAD') {
    super(message, code);
  }
}

/** Runs experiment 3 end to end in a worker thread; see runExp3 (run.ts) for what it writes. */
export async function runExp3InThread(
  cfg: Exp3Config,
  opts: RunExperimentOptions,
  loaded: { episodes: HumanEpisode[]; source: string },
): Promise<{ dir: string }> {
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const input: Exp3ThreadInput = {
    cfg,
    out: opts.out,
    resume: opts.resume,
    command: opts.command,
    loaded,
    stop,
    ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
  };
  const thread = startThread(workerModule(import.meta.url, './thread'), { workerData: input });
  const raise = (): void => {
    Atomics.store(stop, 0, 1);
  };
  if (opts.signal?.aborted === true) raise();
  opts.signal?.addEventListener('abort', raise, { once: true });
  try {
    return await new Promise<{ dir: string }>((resolve, reject) => {
      thread.on('message', (m: Exp3ThreadMessage) => {
        switch (m.kind) {
          case 'update':
            opts.progress.update(m.trial, m.done, m.total);
            return;
          case 'finish':
            opts.progress.finishTrial(m.trial, m.result);
            return;
          case 'log':
            opts.progress.log(m.line, m.level);
            return;
          case 'done':
            resolve({ dir: m.dir });
            return;
          case 'interrupted':
            reject(new SweepInterruptedError(m.finished, m.total, m.interrupted));
            return;
          case 'failed':
            reject(new Exp3ThreadError(m.message, m.code));
            return;
        }
      });
      thread.once('error', (err) => reject(new Exp3ThreadError(`experiment 3 failed: ${err.message}`)));
      thread.once('exit', (code) =>
        reject(new Exp3ThreadError(`experiment 3's thread exited (code ${code}) before the run ended`)),
      );
    });
  } finally {
    opts.signal?.removeEventListener('abort', raise);
    // The engine's threads started by NE trials may keep the thread alive once its work is done.
    await thread.terminate();
  }
}

/**
 * Experiment 3's body, run in a worker thread by `runExp3InThread` (in_thread.ts). Its trials run synchronously, in
 * the thread that holds the human's episodes (the human-likeness objective is a closure over them), so the process's
 * main thread stays free to see SIGINT/SIGTERM; it raises the shared stop flag that the running trial reads after
 * every step. Progress and log lines go back to the main thread as messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { LineLevel } from '../../platform/log.js';
import { EvoscaleError } from '../../shared/errors.js';
import type { HumanEpisode } from '../../shared/human/index.js';
import { SweepInterruptedError } from '../../coordinator/sweep/run_sweep.js';
import type { ProgressSink } from '../progress.js';
import type { Exp3Config } from './config.js';
import { runExp3 } from './run.js';

/** What the main thread hands the thread. */
export interface Exp3ThreadInput {
  readonly cfg: Exp3Config;
  readonly out: string;
  readonly resume: boolean;
  readonly workers?: number;
  readonly command: string;
  readonly loaded: { episodes: HumanEpisode[]; source: string };
  /** Non-zero: stop (a SharedArrayBuffer the main thread sets on a signal). */
  readonly stop: Int32Array;
}

/** What the thread tells the main thread, in order: progress as it goes, then exactly one of done/interrupted/failed. */
export type Exp3ThreadMessage =
  | { readonly kind: 'update'; readonly trial: string; readonly done: number; readonly total: number }
  | { readonly kind: 'finish'; readonly trial: string; readonly result: string }
  | { readonly kind: 'log'; readonly line: string; readonly level?: LineLevel }
  | { readonly kind: 'done'; readonly dir: string }
  | {
      readonly kind: 'interrupted';
      readonly finished: number;
      readonly total: number;
      readonly interrupted: readonly string[];
    }
  | { readonly kind: 'failed'; readonly message: string; readonly code?: string };

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('exp3 thread started outside a worker thread');
  const input = workerData as Exp3ThreadInput;
  const post = (m: Exp3ThreadMessage): void => port.postMessage(m);
  const progress: ProgressSink = {
    update: (trial, done, total) => post({ kind: 'update', trial, done, total }),
    finishTrial: (trial, result) => post({ kind: 'finish', trial, result }),
    log: (line, level) => post({ kind: 'log', line, ...(level !== undefined ? { level } : {}) }),
    close: () => {},
  };
  try {
    const { dir } = await runExp3(
      input.cfg,
      {
        out: input.out,
        resume: input.resume,
        progress,
        command: input.command,
        ...(input.workers !== undefined ? { workers: input.workers } : {}),
        shouldStop: () => Atomics.load(input.stop, 0) !== 0,
      },
      input.loaded,
    );
    post({ kind: 'done', dir });
  } catch (err) {
    if (err instanceof SweepInterruptedError) {
      post({ kind: 'interrupted', finished: err.finished, total: err.total, interrupted: err.interrupted });
    } else {
      post({
        kind: 'failed',
        message: err instanceof Error ? err.message : String(err),
        ...(err instanceof EvoscaleError ? { code: err.code } : {}),
      });
    }
  }
}

await main();

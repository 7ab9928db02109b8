/**
 * Replays submitted episodes on a worker thread (replay_worker.ts), one at a time: the thread runs the env code
 * with the portable Math the browser uses, and long LunarLander replays do not hold up the server's other requests.
 * A worker that dies or takes too long is replaced, and the episode it held gets an error (the browser retries).
 */
import type { Worker } from 'node:worker_threads';
import { startThread, workerModule } from '../platform/threads.js';
import type { HumanEpisode } from '../shared/human/episode.js';
import { CollectError } from './errors.js';
import type { Verdict } from './submission.js';

/** Longest a replay may take (a 1000-step LunarLander replay takes well under a second). */
const REPLAY_TIMEOUT_MS = 30_000;

interface Pending {
  resolve(v: Verdict): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export class Replayer {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  /** Starts the worker now (the first replay would otherwise pay its start-up). */
  async start(): Promise<void> {
    await this.spawn();
  }

  /** The episode's verdict from a bit-exact replay on the worker. */
  async replay(episode: HumanEpisode): Promise<Verdict> {
    if (this.closed) throw new CollectError('the collection server is stopping', 'COLLECT_STOPPING');
    const worker = await this.spawn();
    const seq = ++this.seq;
    return new Promise<Verdict>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new CollectError(`replaying episode ${episode.id} took over ${REPLAY_TIMEOUT_MS / 1000} s`));
      }, REPLAY_TIMEOUT_MS);
      this.pending.set(seq, { resolve, reject, timer });
      worker.postMessage({ seq, episode });
    });
  }

  /** Stops the worker; replays in flight are answered with an error. */
  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.fail(new CollectError('the collection server is stopping', 'COLLECT_STOPPING'));
    if (w) await w.terminate();
  }

  private spawn(): Promise<Worker> {
    if (this.worker && this.ready) {
      const w = this.worker;
      return this.ready.then(() => w);
    }
    const w = startThread(workerModule(import.meta.url, './replay_worker'));
    this.worker = w;
    this.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (msg: { ready?: boolean; seq?: number; verdict?: Verdict }): void => {
        if (msg.ready) return resolve();
        const p = msg.seq !== undefined ? this.pending.get(msg.seq) : undefined;
        if (!p || msg.seq === undefined || msg.verdict === undefined) return;
        this.pending.delete(msg.seq);
        clearTimeout(p.timer);
        p.resolve(msg.verdict);
      };
      w.on('message', onMessage);
      w.once('error', (e) => {
        reject(e);
        this.fail(new CollectError(`the replay thread failed: ${e.message}`));
      });
      w.once('exit', () => {
        if (this.worker === w) this.fail(new CollectError('the replay thread stopped'));
      });
    });
    return this.ready.then(() => w);
  }

  /** Rejects every replay in flight and drops the worker, so the next replay starts a fresh one. */
  private fail(e: Error): void {
    const w = this.worker;
    this.worker = null;
    this.ready = null;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(e);
    }
    this.pending.clear();
    if (w) void w.terminate();
  }
}

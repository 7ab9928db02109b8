/**
 * Evaluation on a pool of piscina worker threads: the population state is shared (`shareState`), each task
 * evaluates a row range into it, and the owning thread's `tell` reuses the varied rows. Keeps the calling
 * thread free (a worker process must keep answering heartbeats while it evaluates).
 */
import { availableParallelism } from 'node:os';
import type { Piscina } from 'piscina';
import { startPool, workerModule } from '../../platform/threads.js';
import type { EvolutionState } from '../../shared/algorithms/types.js';
import type { NeRunSpec } from '../../shared/protocol/index.js';
import type { BackendName } from '../engine/index.js';
import type { ShardTask, ShardTaskResult } from './thread_task.js';

export class ThreadPool {
  readonly threads: number;
  private readonly pool: Piscina;

  /** A pool of `threads` threads (default: one per core) evaluating with `backend`. */
  constructor(
    threads: number = availableParallelism(),
    private readonly backend: BackendName = 'cpu',
  ) {
    this.threads = Math.max(1, Math.floor(threads));
    this.pool = startPool(workerModule(import.meta.url, './thread_task'), {
      minThreads: this.threads,
      maxThreads: this.threads,
      // Queued tasks wait for a thread instead of failing: the scheduler keeps at most one per thread anyway.
      maxQueue: 'auto',
      idleTimeout: 60_000,
    });
  }

  /** Evaluates rows [start, end) of a shared state on one thread. */
  run(spec: NeRunSpec, specKey: string, state: EvolutionState, start: number, end: number): Promise<ShardTaskResult> {
    const task: ShardTask = { spec, specKey, backend: this.backend, state, start, end };
    return this.pool.run(task) as Promise<ShardTaskResult>;
  }

  /**
   * Evaluates rows [start, end) split evenly over every thread; returns the fitness in row order and the
   * summed compute seconds.
   */
  async runSplit(
    spec: NeRunSpec,
    specKey: string,
    state: EvolutionState,
    start: number,
    end: number,
  ): Promise<ShardTaskResult> {
    const rows = end - start;
    const parts = Math.max(1, Math.min(this.threads, rows));
    const bounds: number[] = [];
    for (let i = 0; i <= parts; i++) bounds.push(start + Math.round((rows * i) / parts));
    const results = await Promise.all(
      bounds.slice(0, -1).map((b, i) => this.run(spec, specKey, state, b, bounds[i + 1])),
    );
    const first = results[0].fitness;
    const fitness = first instanceof Float64Array ? new Float64Array(rows) : new Float32Array(rows);
    let seconds = 0;
    results.forEach((r, i) => {
      fitness.set(r.fitness, bounds[i] - start);
      seconds += r.computeSeconds;
    });
    return { fitness, computeSeconds: seconds };
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

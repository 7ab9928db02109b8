/**
 * Evaluates row ranges of a run's shared population state on all of a process's evaluation threads, off the
 * calling thread, whose event loop keeps serving (a coordinator's /metrics and heartbeats, a worker's
 * heartbeats). Dataset tasks on the CPU kernels go through the engine every trial uses: the shared-memory
 * `CpuPool`, whose threads claim rows from shared counters, so one slow thread delays no one and a shard of
 * any size uses every thread. Rollout tasks and other backends run on the piscina pool of run contexts
 * (`ThreadPool.runSplit`), their shard split evenly over its threads. Either way a row's fitness is a pure
 * function of (state, generation, agent): results do not depend on the thread count or on the path.
 */
import { availableParallelism } from 'node:os';
import type { EvolutionState } from '../../shared/algorithms/types.js';
import type { FitnessVector, NeRunSpec } from '../../shared/protocol/index.js';
import { CpuEngine } from '../engine/cpu_engine.js';
import type { BackendName } from '../engine/index.js';
import { buildRunContext, type RunContext } from './run_context.js';
import { ThreadPool } from './thread_pool.js';

export interface OffThreadResult {
  readonly fitness: FitnessVector;
  /** Wall seconds of the evaluation, from dispatch to the last row. */
  readonly seconds: number;
  /** Threads that shared it (fewer than `threads` for a shard too small to split). */
  readonly threads: number;
}

/** Rows below which a share is not worth a thread's wake-up (the CpuPool's own rule). */
const MIN_ROWS_PER_THREAD = 4;
/** Run contexts kept (each holds its run's training rows). */
const MAX_CONTEXTS = 8;

export class OffThreadEngine {
  readonly threads: number;
  private cpu: CpuEngine | undefined;
  private pool: ThreadPool | undefined;
  private readonly contexts = new Map<string, Promise<RunContext>>();
  /** Calls run one at a time (the pool's shared buffers hold one generation's batch). */
  private queue: Promise<unknown> = Promise.resolve();

  /** `threads` evaluation threads (default: one per core), started on first use; `backend` as for run contexts. */
  constructor(
    threads: number = availableParallelism(),
    private readonly backend: BackendName = 'cpu',
  ) {
    this.threads = Math.max(1, Math.floor(threads));
  }

  /** Evaluates rows [start, end) of `state` (shared memory, `shareState`) of the run `spec`. */
  run(spec: NeRunSpec, specKey: string, state: EvolutionState, start: number, end: number): Promise<OffThreadResult> {
    const next = this.queue.then(() => this.evaluate(spec, specKey, state, start, end));
    this.queue = next.catch(() => {});
    return next;
  }

  private async evaluate(
    spec: NeRunSpec,
    specKey: string,
    state: EvolutionState,
    start: number,
    end: number,
  ): Promise<OffThreadResult> {
    const t0 = performance.now();
    const seconds = (): number => (performance.now() - t0) / 1000;
    if (this.backend === 'cpu' && spec.task.kind === 'dataset') {
      const ctx = await this.context(spec, specKey);
      if (ctx.populationRequest !== undefined) {
        this.cpu ??= new CpuEngine({ threads: this.threads, background: true });
        const fitness = await this.cpu.evaluatePopulation(ctx.populationRequest(state, start, end));
        const threads = Math.min(this.threads, Math.max(1, Math.floor((end - start) / MIN_ROWS_PER_THREAD)));
        return { fitness, seconds: seconds(), threads };
      }
    }
    this.pool ??= new ThreadPool(this.threads, this.backend);
    const { fitness } = await this.pool.runSplit(spec, specKey, state, start, end);
    return { fitness, seconds: seconds(), threads: Math.min(this.threads, Math.max(1, end - start)) };
  }

  /** The run's context on this thread (its dataset loaded once per process), built on first use. */
  private context(spec: NeRunSpec, specKey: string): Promise<RunContext> {
    let ctx = this.contexts.get(specKey);
    if (ctx === undefined) {
      if (this.contexts.size >= MAX_CONTEXTS) this.contexts.delete(this.contexts.keys().next().value as string);
      ctx = buildRunContext(spec, { backend: this.backend });
      this.contexts.set(specKey, ctx);
      ctx.catch(() => this.contexts.delete(specKey));
    }
    return ctx;
  }

  async close(): Promise<void> {
    await Promise.all([this.cpu?.close(), this.pool?.close()]);
  }
}

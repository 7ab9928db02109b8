/**
 * The embedded default: the coordinator's scheduler with piscina worker threads as its slots, in one
 * process (one thread per core), so a laptop gets the framework's parallelism without a cluster.
 */
import { availableParallelism } from 'node:os';
import { ThreadPool } from '../worker/runtime/thread_pool.js';
import { Cluster, type ClusterOptions } from './cluster.js';
import type { EvaluatorSlot, ShardJob, ShardOutcome } from './slot.js';

class ThreadSlot implements EvaluatorSlot {
  readonly kind = 'thread';
  readonly backend = 'cpu';
  readonly threads = 1;
  constructor(
    readonly id: string,
    private readonly pool: ThreadPool,
  ) {}

  alive(): boolean {
    return true;
  }

  async evaluate(job: ShardJob): Promise<ShardOutcome> {
    const { run } = job;
    const result = await this.pool.run(run.spec, run.specKey, run.state, job.start, job.end);
    return result;
  }

  release(): void {}
}

export interface EmbeddedCluster {
  readonly cluster: Cluster;
  readonly threads: number;
  close(): Promise<void>;
}

/** A cluster of `threads` embedded threads (default: one per core). Run states must be shared (`sharedState: true`). */
export function createEmbeddedCluster(
  threads: number = availableParallelism(),
  options: ClusterOptions = {},
): EmbeddedCluster {
  const pool = new ThreadPool(threads);
  const cluster = new Cluster(options);
  for (let i = 0; i < pool.threads; i++) cluster.add(new ThreadSlot(`thread-${i}`, pool));
  options.metrics?.workersConnected.set({ role: 'evaluator', backend: 'cpu-thread' }, pool.threads);
  const close = async (): Promise<void> => {
    // Shards still in flight are abandoned, not re-dispatched onto the pool being terminated.
    cluster.stop();
    await pool.close();
  };
  return { cluster, threads: pool.threads, close };
}

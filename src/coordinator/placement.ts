/**
 * Where a generation is evaluated: on the coordinator's own engine (inline, no dispatch) or sharded over the
 * cluster. Sharding pays a fixed price per generation (messages, queues, the workers' replica updates), so a
 * generation whose whole evaluation is cheaper than that runs locally.
 *
 * The rule: evaluate locally iff  P·c / L  ≤  P·c / T + o, where c is the measured seconds per agent on one
 * thread, L the local engine's threads, T the cluster's parallelism (its measured agents/s × c, i.e. threads' worth of work) and o the
 * measured per-generation dispatch overhead (wall latency of a shard minus its compute time). Before o has been
 * measured the defaults below apply; they come from bench/distributed.bench.ts on loopback (see README,
 * "Local or sharded?"). The decision never changes results: every row's fitness is a pure function of the state.
 */

/**
 * Per-generation overhead assumed for remote workers before one is measured (seconds): bench/distributed.bench.ts
 * measured 4–10 ms on loopback with 1–2 workers (dispatch, the workers' selection step, the tail of the last shards).
 */
export const DEFAULT_REMOTE_OVERHEAD_SECONDS = 0.01;

/** Per-generation overhead assumed for embedded threads before one is measured (seconds). */
export const DEFAULT_THREAD_OVERHEAD_SECONDS = 0.0005;

export type Placement = 'auto' | 'local' | 'cluster';

export interface PlacementInputs {
  readonly populationSize: number;
  /** Measured seconds per agent evaluation on one thread. */
  readonly secondsPerAgent: number;
  /** Threads the local engine splits a generation over (default 1). */
  readonly localThreads?: number;
  /** Measured agents/s of the whole cluster (undefined: not measured yet). */
  readonly clusterThroughput: number | undefined;
  /** Threads of the alive slots (used while throughput is unmeasured). */
  readonly clusterThreads: number;
  /** Measured (or default) dispatch overhead per generation, seconds. */
  readonly overheadSeconds: number;
}

/** Estimated seconds of one generation evaluated locally and on the cluster. */
export function estimateGenerationSeconds(p: PlacementInputs): { local: number; cluster: number } {
  const local = (p.populationSize * p.secondsPerAgent) / Math.max(1, p.localThreads ?? 1);
  const throughput = p.clusterThroughput ?? Math.max(1, p.clusterThreads) / Math.max(p.secondsPerAgent, 1e-12);
  return { local, cluster: p.populationSize / throughput + p.overheadSeconds };
}

/** True when the generation should run on the local engine (see the rule above). */
export function preferLocal(p: PlacementInputs): boolean {
  if (p.clusterThreads <= 0) return false;
  const e = estimateGenerationSeconds(p);
  return e.local <= e.cluster;
}

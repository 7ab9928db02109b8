/**
 * The generic neuroevolution run driver: ask → evaluate (sharded over the cluster, or on the local engine
 * when that is cheaper) → tell, for `generations` generations, with per-generation fitness histories,
 * checkpoints every N generations and resume from the last one. Results go to
 * results/<experiment>/<run-id>/ (config.json, metrics.jsonl, summary.json, final_params.f32, checkpoints/).
 */
import type { LineLog } from '../platform/log.js';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { bestParams, shareState } from '../shared/algorithms/state.js';
import type { EvolutionState } from '../shared/algorithms/types.js';
import { EvoscaleError } from '../shared/errors.js';
import { fitnessDirection, type FitnessVector, type NeRunSpec } from '../shared/protocol/index.js';
import { TrialDirectory } from '../trials/results.js';
import { buildRunContext, type RunContext } from '../worker/runtime/run_context.js';
import { ActiveRun } from './active_run.js';
import { CHECKPOINT_FILE, readCheckpoint, writeCheckpoint, type FitnessHistory } from './checkpoint.js';
import type { Cluster } from './cluster.js';
import { FITNESS_QUANTILES, quantile, type RuntimeMetrics } from '../metrics/registry.js';
import { DEFAULT_REMOTE_OVERHEAD_SECONDS, preferLocal, type Placement } from './placement.js';

export interface NeRunOptions {
  /** Slots to shard over; without one every generation runs on the local engine. */
  readonly cluster?: Cluster;
  /** 'auto' (default): local when cheaper (see placement.ts); 'local' or 'cluster' to force. */
  readonly placement?: Placement;
  /** Overhead assumed before one is measured (default: the remote default). */
  readonly defaultOverheadSeconds?: number;
  /** results/<experiment>/<run-id>/; nothing is written without it. */
  readonly outDir?: string;
  /** Checkpoint every this many generations (default 10; 0 = only at the end). */
  readonly checkpointEvery?: number;
  /** Continue from the folder's checkpoint when there is one (default true). */
  readonly resume?: boolean;
  readonly metrics?: RuntimeMetrics;
  readonly log?: LineLog;
  /** Bytes on the wire so far (evaluate + result frames), to report bytes per generation. */
  readonly wireBytes?: () => number;
  /** Called after every generation (tests use it to interrupt runs at a known point). */
  readonly onGeneration?: (record: GenerationRecord) => void;
  /** A prebuilt context; built from the spec otherwise. */
  readonly context?: RunContext;
  /** Keep the population in shared memory (required when the cluster's slots are embedded threads). */
  readonly sharedState?: boolean;
  /**
   * Evaluates the generations placed locally off this thread (implies shared state), so a coordinator keeps
   * serving /metrics, heartbeats and new workers while it evaluates. Without one they run on this thread.
   */
  readonly localEngine?: LocalEngine;
  /** Aborting stops the run: a checkpoint of the current generation is written and RunInterruptedError thrown. */
  readonly signal?: AbortSignal;
}

/** Evaluates rows of a run's shared state somewhere other than the calling thread (the engine's thread pool). */
export interface LocalEngine {
  /** Threads a generation's rows are split over (default 1). */
  readonly threads?: number;
  run(
    spec: NeRunSpec,
    specKey: string,
    state: EvolutionState,
    start: number,
    end: number,
  ): Promise<{
    readonly fitness: FitnessVector;
    /** Threads that shared the rows (default 1), so the placement rule prices one thread's cost per agent. */
    readonly threads?: number;
  }>;
}

export interface GenerationRecord {
  readonly generation: number;
  readonly best: number;
  readonly median: number;
  readonly mean: number;
  readonly placement: 'local' | 'cluster';
  readonly shards: number;
  readonly redispatched: number;
  /** Backup copies of late shards sent to a second worker (present only when there were some). */
  readonly speculative?: number;
  readonly workers: number;
  readonly wallSeconds: number;
  /** Evaluation time: local compute, or the slowest shard's compute when sharded. */
  readonly evaluationSeconds: number;
  /** wallSeconds − evaluationSeconds: dispatch, wire, waiting and selection (`tell`) on the coordinator. */
  readonly overheadSeconds: number;
  readonly bytes?: number;
}

export interface NeRunResult {
  readonly spec: NeRunSpec;
  readonly generations: number;
  readonly fitnessHistory: FitnessHistory;
  readonly finalParams: Float32Array;
  readonly paramsSha256: string;
  readonly bestFitness: number;
  readonly evaluations: number;
  readonly wallSeconds: number;
  /** Generation the run resumed from (0 when it started fresh). */
  readonly resumedFrom: number;
  readonly generationsLocal: number;
  readonly generationsSharded: number;
  /** Mean evaluate + result bytes per sharded generation (undefined when none was sharded or not counted). */
  readonly bytesPerGeneration?: number;
}

export class RunFailedError extends EvoscaleError {
  constructor(message: string) {
    super(message, 'RUN_FAILED');
  }
}

/** The run was stopped by its abort signal (SIGINT/SIGTERM); its checkpoint holds the generation it reached. */
export class RunInterruptedError extends EvoscaleError {
  constructor(
    readonly runId: string,
    readonly generation: number,
    /** The checkpoint file written on the way out (undefined when the run has no results folder). */
    readonly checkpoint: string | undefined,
  ) {
    super(
      `run ${runId} stopped at generation ${generation}` +
        (checkpoint !== undefined ? `; checkpoint written to ${checkpoint}` : ' (no results folder, nothing saved)'),
      'RUN_INTERRUPTED',
    );
  }
}

/** SHA-256 of a Float32Array's bytes (little-endian), as summaries report final parameters. */
export function sha256Float32(params: Float32Array): string {
  return createHash('sha256')
    .update(new Uint8Array(params.buffer, params.byteOffset, params.byteLength))
    .digest('hex');
}

function stats(
  fitness: FitnessVector,
  minimize: boolean,
): { best: number; median: number; mean: number; sorted: Float64Array } {
  const sorted = Float64Array.from(fitness).sort();
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i];
  return {
    best: minimize ? sorted[0] : sorted[sorted.length - 1],
    median: quantile(sorted, 0.5),
    mean: sum / sorted.length,
    sorted,
  };
}

/** Local evaluations below this estimated time may run on the coordinator while no worker is connected. */
const LOCAL_WHEN_ALONE_SECONDS = 0.5;
/** Agents evaluated locally to measure the cost of one when nothing is measured yet. */
const PROBE_AGENTS = 4;

/** Runs (or resumes) a neuroevolution run to its last generation. */
export async function runNe(spec: NeRunSpec, options: NeRunOptions = {}): Promise<NeRunResult> {
  const log = options.log ?? (() => {});
  const placement = options.placement ?? 'auto';
  const cluster = options.cluster;
  if (placement === 'cluster' && cluster === undefined)
    throw new RunFailedError('placement "cluster" needs workers (a cluster)');
  const ctx = options.context ?? (await buildRunContext(spec));
  const dir =
    options.outDir !== undefined ? new TrialDirectory<GenerationRecord, unknown, NeRunSpec>(options.outDir) : undefined;
  const checkpointEvery = options.checkpointEvery ?? 10;
  const minimize = fitnessDirection(spec) === 'minimize';
  const metrics = options.metrics;
  const runLabel = spec.runId;
  metrics?.shardsRedispatched.inc({ run: runLabel }, 0);

  let history: FitnessHistory = { best: [], median: [], mean: [] };
  let evaluations = 0;
  let priorWall = 0;
  let state = ctx.initialState();
  const checkpoint = dir !== undefined && options.resume !== false ? readCheckpoint(dir.dir, spec) : undefined;
  if (checkpoint !== undefined) {
    state = ctx.restore(checkpoint.snapshot);
    history = checkpoint.history;
    evaluations = checkpoint.evaluations;
    priorWall = checkpoint.wallSeconds;
    const kept = dir?.metrics().filter((r) => r.generation < state.generation) ?? [];
    dir?.rewriteMetrics(kept);
    log(`run ${runLabel}: resumed from checkpoint at generation ${state.generation}`);
  } else if (dir !== undefined) {
    dir.begin(spec);
  }
  const resumedFrom = state.generation;
  const localEngine = options.localEngine;
  const shared = options.sharedState === true || localEngine !== undefined;
  const run = new ActiveRun(ctx, shared ? shareState(state) : state);
  const t0 = performance.now();
  const wall = (): number => priorWall + (performance.now() - t0) / 1000;
  const save = (): void => {
    if (dir === undefined) return;
    writeCheckpoint(dir.dir, { spec, snapshot: run.snapshot(), history, evaluations, wallSeconds: wall() });
  };

  let secondsPerAgent: number | undefined;
  let generationsLocal = 0;
  let generationsSharded = 0;
  let shardedBytes = 0;
  const P = spec.populationSize;

  let localSeconds = 0;
  /** Threads the local engine has shown it splits a generation over (1 until it has split one). */
  let localThreads = 1;
  const evaluateLocally = async (fitness: FitnessVector, start: number, end: number): Promise<void> => {
    const t = performance.now();
    let threads = 1;
    if (localEngine !== undefined) {
      const r = await localEngine.run(spec, run.specKey, run.state, start, end);
      fitness.set(r.fitness, start);
      threads = r.threads ?? 1;
      localThreads = Math.max(localThreads, threads);
    } else {
      fitness.set(await ctx.evaluateRows(run.state, start, end), start);
    }
    const took = (performance.now() - t) / 1000;
    localSeconds += took;
    // One thread's seconds per agent, the unit the placement rule and the cluster's measurements share.
    const c = (took * threads) / Math.max(1, end - start);
    secondsPerAgent = secondsPerAgent === undefined ? c : 0.5 * c + 0.5 * secondsPerAgent;
  };

  const signal = options.signal;
  /** Saves the generation reached (every generation before it complete, none after it begun) and says so. */
  const interrupted = (): RunInterruptedError => {
    save();
    const file = dir !== undefined ? join(dir.dir, 'checkpoints', CHECKPOINT_FILE) : undefined;
    log(
      `run ${runLabel}: stopped at generation ${run.generation}${file !== undefined ? `; checkpoint ${file}` : ''}`,
      'warn',
    );
    return new RunInterruptedError(runLabel, run.generation, file);
  };
  /**
   * `work`, or a rejection as soon as the run is aborted: a generation in flight is abandoned rather than
   * awaited (its remote shards may wait for workers that never come), and redone after a resume.
   */
  const unlessAborted = <T>(work: Promise<T>): Promise<T> => {
    if (signal === undefined) return work;
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => reject(new Error('aborted'));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (err: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  };

  try {
    while (run.generation < spec.generations) {
      if (signal?.aborted === true) throw interrupted();
      const g = run.generation;
      const tg = performance.now();
      metrics?.generation.set({ run: runLabel }, g);
      const fitness = ctx.allocateFitness(P);
      let start = 0;
      let where: 'local' | 'cluster' = 'local';
      let shards = 0;
      let redispatched = 0;
      let speculative = 0;
      let bytes: number | undefined;
      let evaluationSeconds = 0;
      localSeconds = 0;
      if (placement !== 'local' && cluster !== undefined) {
        if (placement === 'auto' && secondsPerAgent === undefined) {
          start = Math.min(P, PROBE_AGENTS);
          await unlessAborted(evaluateLocally(fitness, 0, start));
        }
        const alive = cluster.alive();
        const c = secondsPerAgent ?? 0;
        const clusterThreads = alive.reduce((a, s) => a + s.threads, 0);
        const goLocal =
          placement === 'auto' &&
          (clusterThreads === 0
            ? (P - start) * c < LOCAL_WHEN_ALONE_SECONDS
            : preferLocal({
                populationSize: P - start,
                secondsPerAgent: c,
                localThreads: localEngine?.threads ?? localThreads,
                clusterThroughput: cluster.totalThroughput(),
                clusterThreads,
                overheadSeconds:
                  cluster.overheadSeconds() ?? options.defaultOverheadSeconds ?? DEFAULT_REMOTE_OVERHEAD_SECONDS,
              }));
        if (!goLocal) {
          where = 'cluster';
          const before = options.wireBytes?.();
          const report = await unlessAborted(
            cluster.evaluateGeneration(run, { start, end: P }, fitness, () => run.materialize()),
          );
          shards = report.shards;
          redispatched = report.redispatched;
          speculative = report.speculative;
          evaluationSeconds = report.slowestShardSeconds;
          const throughput = cluster.totalThroughput();
          if (throughput !== undefined && clusterThreads > 0) {
            // Per-thread cost from the cluster's own measurements keeps the local estimate current.
            secondsPerAgent = clusterThreads / throughput;
          }
          if (before !== undefined && options.wireBytes !== undefined) {
            bytes = options.wireBytes() - before;
            shardedBytes += bytes;
          }
        }
      }
      if (where === 'local') await unlessAborted(evaluateLocally(fitness, start, P));
      // A probe evaluated locally before sharding runs before the shards, so it adds to the generation's time.
      evaluationSeconds += localSeconds;
      if (where === 'cluster') generationsSharded++;
      else generationsLocal++;

      const s = stats(fitness, minimize);
      history.best.push(s.best);
      history.median.push(s.median);
      history.mean.push(s.mean);
      evaluations += P;
      run.advance(fitness);
      const seconds = (performance.now() - tg) / 1000;
      const record: GenerationRecord = {
        generation: g,
        best: s.best,
        median: s.median,
        mean: s.mean,
        placement: where,
        shards,
        redispatched,
        ...(speculative > 0 ? { speculative } : {}),
        workers: cluster?.alive().length ?? 0,
        wallSeconds: seconds,
        evaluationSeconds,
        overheadSeconds: Math.max(0, seconds - evaluationSeconds),
        ...(bytes !== undefined ? { bytes } : {}),
      };
      dir?.appendMetric(record);
      if (metrics !== undefined) {
        metrics.generations.inc({ run: runLabel });
        metrics.progress.set({ run: runLabel }, run.generation / spec.generations);
        for (const q of FITNESS_QUANTILES) {
          const value = quantile(s.sorted, minimize ? 1 - q : q);
          metrics.fitness.set({ run: runLabel, q: String(q) }, value);
        }
        metrics.evaluationsPerSecond.set({ run: runLabel, worker: 'all' }, P / Math.max(seconds, 1e-9));
        metrics.generationDuration.observe({ run: runLabel }, seconds);
        metrics.generationOverhead.set({ run: runLabel }, record.overheadSeconds);
      }
      options.onGeneration?.(record);
      if (checkpointEvery > 0 && run.generation % checkpointEvery === 0 && run.generation < spec.generations) save();
    }
  } catch (err) {
    // Work torn down by the shutdown (a pool terminated under a shard) reports the stop, not its own error.
    if (signal?.aborted === true && !(err instanceof RunInterruptedError)) throw interrupted();
    throw err;
  } finally {
    for (const slot of cluster?.alive() ?? []) slot.release(runLabel);
  }

  save();
  const finalParams = bestParams(run.state);
  const paramsSha256 = sha256Float32(finalParams);
  const result: NeRunResult = {
    spec,
    generations: run.generation,
    fitnessHistory: history,
    finalParams,
    paramsSha256,
    bestFitness: history.best[history.best.length - 1],
    evaluations,
    wallSeconds: wall(),
    resumedFrom,
    generationsLocal,
    generationsSharded,
    ...(generationsSharded > 0 && options.wireBytes !== undefined
      ? { bytesPerGeneration: shardedBytes / generationsSharded }
      : {}),
  };
  if (dir !== undefined) {
    dir.writeFinalParams(finalParams, {
      spec: spec.model,
      ...(spec.task.kind === 'rollout' ? { envId: spec.task.envId } : {}),
    });
    dir.writeSummary({
      runId: spec.runId,
      experiment: spec.experiment,
      algorithm: spec.algorithm,
      task: spec.task,
      seed: spec.seed,
      generations: result.generations,
      paramsSha256,
      bestFitness: result.bestFitness,
      evaluations,
      wallSeconds: result.wallSeconds,
      resumedFrom,
      generationsLocal,
      generationsSharded,
      ...(result.bytesPerGeneration !== undefined ? { bytesPerGeneration: result.bytesPerGeneration } : {}),
      fitnessHistory: history,
    });
  }
  return result;
}

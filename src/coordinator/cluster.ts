/**
 * The scheduler: the set of evaluator slots (remote workers or embedded threads) and the loop that gets one
 * generation's row range evaluated by them. Rows are cut into one shard per idle slot, sized by measured
 * throughput; a shard whose slot is lost goes back to the queue and is re-split over the slots that are free.
 * Fitness depends only on (state, row), so who evaluates which rows never changes the result.
 */
import type { FitnessVector } from '../shared/protocol/index.js';
import type { ActiveRun } from './active_run.js';
import type { RuntimeMetrics } from './metrics/registry.js';
import { splitByWeights, throughputWeights, type Range } from './shard_plan.js';
import { SlotLostError, type EvaluatorSlot } from './slot.js';

/** Weight of the newest measurement in the throughput moving average. */
const EMA = 0.5;
/** Evaluation errors (not lost workers) tolerated per generation before the run fails. */
const MAX_FAILURES_PER_GENERATION = 3;

interface SlotState {
  readonly slot: EvaluatorSlot;
  /** Agents per second of compute, moving average (undefined until measured). */
  throughput: number | undefined;
  /** Seconds per shard spent outside computation (wire, queues), moving average. */
  overhead: number | undefined;
  busy: boolean;
}

export interface GenerationReport {
  readonly shards: number;
  readonly redispatched: number;
  /** Rows evaluated by each slot id. */
  readonly rowsBySlot: Readonly<Record<string, number>>;
  readonly wallSeconds: number;
  /** Compute time of the slowest shard: the generation's wall time minus this is scheduling and wire overhead. */
  readonly slowestShardSeconds: number;
}

export interface ClusterOptions {
  readonly metrics?: RuntimeMetrics;
  readonly log?: (line: string) => void;
}

export class Cluster {
  private readonly slots = new Map<string, SlotState>();
  private listeners: (() => void)[] = [];
  private nextShardId = 1;
  private waitingLogged = false;

  constructor(private readonly options: ClusterOptions = {}) {}

  /** Adds (or replaces) a slot; it takes shards from the next dispatch on. */
  add(slot: EvaluatorSlot): void {
    const previous = this.slots.get(slot.id);
    this.slots.set(slot.id, {
      slot,
      throughput: previous?.throughput,
      overhead: previous?.overhead,
      busy: false,
    });
    this.changed();
  }

  /** Forgets a slot (its in-flight shard, if any, is rejected by the slot itself). */
  remove(id: string): void {
    if (this.slots.delete(id)) this.changed();
  }

  /** Slots alive now. */
  alive(): EvaluatorSlot[] {
    return [...this.slots.values()].filter((s) => s.slot.alive()).map((s) => s.slot);
  }

  /** Measured throughput (agents/s) and dispatch overhead (s) per slot id. */
  stats(): { id: string; threads: number; throughput: number | undefined; overhead: number | undefined }[] {
    return [...this.slots.values()].map((s) => ({
      id: s.slot.id,
      threads: s.slot.threads,
      throughput: s.throughput,
      overhead: s.overhead,
    }));
  }

  /** Sum of measured throughputs of alive slots (agents/s), undefined before any measurement. */
  totalThroughput(): number | undefined {
    const alive = [...this.slots.values()].filter((s) => s.slot.alive());
    if (alive.length === 0 || alive.every((s) => s.throughput === undefined)) return undefined;
    return throughputWeights(alive.map((s) => ({ threads: s.slot.threads, throughput: s.throughput }))).reduce(
      (a, b) => a + b,
      0,
    );
  }

  /** Median measured overhead per shard (s), undefined before any measurement. */
  overheadSeconds(): number | undefined {
    const values = [...this.slots.values()]
      .map((s) => s.overhead)
      .filter((v): v is number => v !== undefined)
      .sort((a, b) => a - b);
    return values.length === 0 ? undefined : values[values.length >> 1];
  }

  /** Resolves when at least `count` slots are alive. */
  async waitForSlots(count = 1): Promise<void> {
    while (this.alive().length < count) await this.nextChange();
  }

  private changed(): void {
    const listeners = this.listeners;
    this.listeners = [];
    for (const l of listeners) l();
  }

  private nextChange(): Promise<void> {
    return new Promise((resolve) => this.listeners.push(resolve));
  }

  /** Notifies the scheduler that slot states changed (a slot died or came back). */
  poke(): void {
    this.changed();
  }

  /**
   * Evaluates rows `range` of the run's current generation into out[range], waiting for slots when none
   * is alive, re-dispatching shards of lost slots.
   */
  evaluateGeneration(run: ActiveRun, range: Range, out: FitnessVector): Promise<GenerationReport> {
    const t0 = performance.now();
    const generation = run.generation;
    const pending: Range[] = range.end > range.start ? [range] : [];
    let remaining = range.end - range.start;
    let shards = 0;
    let redispatched = 0;
    let failures = 0;
    let slowest = 0;
    const rowsBySlot: Record<string, number> = {};
    const metrics = this.options.metrics;
    const runLabel = run.runId;

    return new Promise<GenerationReport>((resolve, reject) => {
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        resolve({
          shards,
          redispatched,
          rowsBySlot,
          wallSeconds: (performance.now() - t0) / 1000,
          slowestShardSeconds: slowest,
        });
      };
      const pump = (): void => {
        if (finished) return;
        if (remaining === 0) return finish();
        if (pending.length === 0) return;
        const idle = [...this.slots.values()].filter((s) => !s.busy && s.slot.alive());
        if (idle.length === 0) {
          if (!this.waitingLogged && this.alive().length === 0) {
            this.waitingLogged = true;
            this.options.log?.(
              `run ${runLabel}: waiting for workers (generation ${generation}, ${remaining} agents to evaluate)`,
            );
          }
          void this.nextChange().then(pump);
          return;
        }
        this.waitingLogged = false;
        const next = pending.shift() as Range;
        const weights = throughputWeights(idle.map((s) => ({ threads: s.slot.threads, throughput: s.throughput })));
        const pieces = splitByWeights(next, weights);
        pieces.forEach((piece, i) => {
          if (piece.end > piece.start) dispatch(idle[i], piece);
        });
        pump();
      };
      const dispatch = (state: SlotState, piece: Range): void => {
        state.busy = true;
        shards++;
        const shardId = this.nextShardId++;
        const sent = performance.now();
        const workerLabel = state.slot.id;
        let job;
        try {
          job = state.slot.evaluate({ run, shardId, generation, start: piece.start, end: piece.end });
        } catch (e) {
          job = Promise.reject(e instanceof Error ? e : new Error(String(e)));
        }
        job.then(
          (outcome) => {
            state.busy = false;
            if (finished) return;
            const latency = (performance.now() - sent) / 1000;
            const rows = piece.end - piece.start;
            out.set(outcome.fitness, piece.start);
            slowest = Math.max(slowest, outcome.computeSeconds);
            remaining -= rows;
            rowsBySlot[workerLabel] = (rowsBySlot[workerLabel] ?? 0) + rows;
            if (outcome.computeSeconds > 0) {
              const rate = rows / outcome.computeSeconds;
              state.throughput = state.throughput === undefined ? rate : EMA * rate + (1 - EMA) * state.throughput;
            }
            const overhead = Math.max(0, latency - outcome.computeSeconds);
            state.overhead = state.overhead === undefined ? overhead : EMA * overhead + (1 - EMA) * state.overhead;
            metrics?.shardLatency.observe({ worker: workerLabel }, latency);
            metrics?.evaluations.inc({ run: runLabel, worker: workerLabel }, rows);
            if (state.throughput !== undefined)
              metrics?.evaluationsPerSecond.set({ run: runLabel, worker: workerLabel }, state.throughput);
            pump();
            this.changed();
          },
          (err: unknown) => {
            state.busy = false;
            if (finished) return;
            if (!(err instanceof SlotLostError)) {
              // One worker may lack a file or memory; a spec that cannot run fails everywhere, so give up
              // after a few failures rather than retrying forever.
              failures++;
              if (failures >= MAX_FAILURES_PER_GENERATION) {
                finished = true;
                reject(err instanceof Error ? err : new Error(String(err)));
                return;
              }
            }
            redispatched++;
            metrics?.shardsRedispatched.inc({ run: runLabel });
            const why = err instanceof Error ? err.message : String(err);
            this.options.log?.(
              `run ${runLabel}: generation ${generation} rows ${piece.start}–${piece.end} re-dispatched (${why})`,
            );
            pending.push(piece);
            pump();
            this.changed();
          },
        );
      };
      pump();
    });
  }
}

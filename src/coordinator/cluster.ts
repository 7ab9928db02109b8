/**
 * The scheduler: the set of evaluator slots (remote workers or embedded threads) and the loop that gets one
 * generation's row range evaluated by them, by guided self-scheduling: a slot with room takes the next shard of
 * (unassigned rows × its share of the measured throughput ÷ 2) rows, so shards start large and shrink toward
 * the end of the generation, and fast nodes take more of them; agents of very different cost (short and long
 * episodes) then still finish together. Each slot holds up to `pipelineDepth` shards, so a remote worker never
 * waits a round trip for its next one. A shard whose slot is lost goes back to the queue. Fitness depends only
 * on (state, row), so who evaluates which rows never changes the result.
 */
import type { LineLog } from '../platform/log.js';
import type { FitnessVector } from '../shared/protocol/index.js';
import type { ActiveRun } from './active_run.js';
import type { RuntimeMetrics } from '../metrics/registry.js';
import { guidedShardSize, throughputWeights, type Range } from './shard_plan.js';
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
  /** Shards in hand. */
  inflight: number;
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
  readonly log?: LineLog;
  /** Shards a slot may hold at once (default 2: the next one is queued while the current one runs). */
  readonly pipelineDepth?: number;
}

export class Cluster {
  private readonly slots = new Map<string, SlotState>();
  private listeners: (() => void)[] = [];
  private nextShardId = 1;
  private waitingLogged = false;
  private stopped = false;

  constructor(private readonly options: ClusterOptions = {}) {}

  /** Adds (or replaces) a slot; it takes shards from the next dispatch on. */
  add(slot: EvaluatorSlot): void {
    const previous = this.slots.get(slot.id);
    this.slots.set(slot.id, {
      slot,
      throughput: previous?.throughput,
      overhead: previous?.overhead,
      inflight: 0,
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

  /**
   * Stops scheduling for good (shutdown): the generation in flight is abandoned, its outstanding shards' results
   * and errors (threads terminated under them) are ignored instead of re-dispatched.
   */
  stop(): void {
    this.stopped = true;
    this.changed();
  }

  /** Notifies the scheduler that slot states changed (a slot died or came back). */
  poke(): void {
    this.changed();
  }

  /**
   * Evaluates rows `range` of the run's current generation into out[range], waiting for slots when none
   * is alive, re-dispatching shards of lost slots.
   */
  evaluateGeneration(
    run: ActiveRun,
    range: Range,
    out: FitnessVector,
    /** Work for the coordinator once the first shards are on their way (applying the last selection). */
    whileWaiting?: () => void,
  ): Promise<GenerationReport> {
    const t0 = performance.now();
    const generation = run.generation;
    const pending: Range[] = range.end > range.start ? [range] : [];
    const total = range.end - range.start;
    let remaining = total;
    let shards = 0;
    let redispatched = 0;
    let failures = 0;
    const rowsBySlot: Record<string, number> = {};
    const computeBySlot: Record<string, number> = {};
    const metrics = this.options.metrics;
    const runLabel = run.runId;
    const depth = Math.max(1, this.options.pipelineDepth ?? 2);
    /** Slots that already had a shard this generation: later ones queue behind it, so their wait is not overhead. */
    const started = new Set<string>();

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
          slowestShardSeconds: Math.max(0, ...Object.values(computeBySlot)),
        });
      };
      const unassigned = (): number => pending.reduce((a, r) => a + r.end - r.start, 0);
      const pump = (): void => {
        if (finished || this.stopped) return;
        if (remaining === 0) return finish();
        if (pending.length === 0) return;
        const alive = [...this.slots.values()].filter((s) => s.slot.alive());
        if (!alive.some((s) => s.inflight < depth)) {
          if (!this.waitingLogged && alive.length === 0) {
            this.waitingLogged = true;
            this.options.log?.(
              `run ${runLabel}: waiting for workers (generation ${generation}, ${remaining} agents to evaluate)`,
            );
          }
          void this.nextChange().then(pump);
          return;
        }
        this.waitingLogged = false;
        const weights = throughputWeights(alive.map((s) => ({ threads: s.slot.threads, throughput: s.throughput })));
        const totalWeight = weights.reduce((a, b) => a + b, 0);
        // Emptiest slots first, so every slot gets a shard before any gets a second; faster ones first among equals.
        const order = alive
          .map((s, i) => ({ s, w: weights[i] }))
          .sort((a, b) => a.s.inflight - b.s.inflight || b.w - a.w);
        for (let round = 0; round < depth && pending.length > 0; round++) {
          for (const { s, w } of order) {
            if (pending.length === 0) break;
            if (s.inflight > round || s.inflight >= depth) continue;
            const size = guidedShardSize(unassigned(), total, w / totalWeight, alive.length);
            const first = pending[0];
            const end = Math.min(first.end, first.start + size);
            const piece = { start: first.start, end };
            if (end === first.end) pending.shift();
            else pending[0] = { start: end, end: first.end };
            dispatch(s, piece);
          }
        }
      };
      const dispatch = (state: SlotState, piece: Range): void => {
        state.inflight++;
        shards++;
        const shardId = this.nextShardId++;
        const sent = performance.now();
        const workerLabel = state.slot.id;
        const first = !started.has(workerLabel);
        started.add(workerLabel);
        let job;
        try {
          job = state.slot.evaluate({ run, shardId, generation, start: piece.start, end: piece.end });
        } catch (e) {
          job = Promise.reject(e instanceof Error ? e : new Error(String(e)));
        }
        job.then(
          (outcome) => {
            state.inflight--;
            if (finished || this.stopped) return;
            const latency = (performance.now() - sent) / 1000;
            const rows = piece.end - piece.start;
            out.set(outcome.fitness, piece.start);
            computeBySlot[workerLabel] = (computeBySlot[workerLabel] ?? 0) + outcome.computeSeconds;
            remaining -= rows;
            rowsBySlot[workerLabel] = (rowsBySlot[workerLabel] ?? 0) + rows;
            if (outcome.computeSeconds > 0) {
              const rate = rows / outcome.computeSeconds;
              state.throughput = state.throughput === undefined ? rate : EMA * rate + (1 - EMA) * state.throughput;
            }
            if (first) {
              // A pipelined shard waits behind the previous one; only the first shard's wait is dispatch overhead.
              const overhead = Math.max(0, latency - outcome.computeSeconds);
              state.overhead = state.overhead === undefined ? overhead : EMA * overhead + (1 - EMA) * state.overhead;
            }
            metrics?.shardLatency.observe({ worker: workerLabel }, latency);
            metrics?.evaluations.inc({ run: runLabel, worker: workerLabel }, rows);
            if (state.throughput !== undefined)
              metrics?.evaluationsPerSecond.set({ run: runLabel, worker: workerLabel }, state.throughput);
            pump();
            this.changed();
          },
          (err: unknown) => {
            state.inflight--;
            if (finished || this.stopped) return;
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
              'warn',
            );
            pending.push(piece);
            pending.sort((a, b) => a.start - b.start);
            pump();
            this.changed();
          },
        );
      };
      pump();
      if (whileWaiting !== undefined) setTimeout(whileWaiting, 0);
    });
  }
}

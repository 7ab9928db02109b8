/**
 * The scheduler: the set of evaluator slots (remote workers or embedded threads) and the loop that gets one
 * generation's row range evaluated by them, by guided self-scheduling: a slot with room takes the next shard of
 * (unassigned rows × its share of the measured throughput ÷ 2) rows, so shards start large and shrink toward
 * the end of the generation, and fast nodes take more of them; agents of very different cost (short and long
 * episodes) then still finish together. Each slot holds up to `pipelineDepth` shards, so a remote worker never
 * waits a round trip for its next one. A shard whose slot is lost goes back to the queue. Fitness depends only
 * on (state, row), so who evaluates which rows never changes the result.
 *
 * Stalls cost little (as MapReduce's backup tasks): a watchdog compares each remote shard's time in flight with
 * what its worker's measured throughput predicts. A shard past SPECULATE_FACTOR× that gets a copy on another
 * worker (the first answer wins; both are the same values, so the result is bit-identical either way), and one
 * past TIMEOUT_FACTOR× (at least TIMEOUT_MIN_SECONDS) has its worker dropped (`timedOut`), which the server
 * refuses for a growing while. Threads of this process are never speculated on or timed out.
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
/** A remote shard this many times past its expected time gets a backup copy on another worker. */
export const SPECULATE_FACTOR = 4;
/** ... but never before this many seconds (timer and wire noise dominate tiny shards). */
export const SPECULATE_MIN_SECONDS = 0.5;
/** A remote shard this many times past its expected time has its worker dropped. */
export const TIMEOUT_FACTOR = 50;
/** ... but never before this many seconds (a loaded machine's hiccups are not stalls). */
export const TIMEOUT_MIN_SECONDS = 10;
/** How often the watchdog looks at shards in flight. */
const WATCHDOG_MS = 100;
/** A gap between two looks longer than this is a stall of this process, not lateness of the shards. */
const STALL_GAP_MS = 2000;

/** Rows of one dispatch, shared by the copies of a speculated shard: the first answer wins. */
interface Piece {
  readonly start: number;
  readonly end: number;
  done: boolean;
  /** Slot ids holding a copy now. */
  readonly holders: Set<string>;
  backedUp: boolean;
}

/** A remote shard in flight, watched for stalls. */
interface Flight {
  readonly piece: Piece;
  readonly state: SlotState;
  readonly shardId: number;
  sent: number;
  /** Queues a backup copy while the piece's generation is running; undefined after it ended. */
  backup: (() => void) | undefined;
}

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
  /** Backup copies of slow shards sent to a second worker (counted in `redispatched` too). */
  readonly speculative: number;
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
  private readonly flights = new Set<Flight>();
  private watchdog: NodeJS.Timeout | undefined;
  private lastWatch = 0;
  /** Backup copies sent and workers timed out by the watchdog, over the cluster's life. */
  speculativeTotal = 0;
  timedOutTotal = 0;

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

  /** Compute seconds `rows` should take on `state`'s slot by the measurements so far (undefined before any). */
  private expectedSeconds(state: SlotState, rows: number): number | undefined {
    let rate = state.throughput;
    if (rate === undefined || rate <= 0) {
      const known = [...this.slots.values()].filter((s) => s.throughput !== undefined && s.throughput > 0);
      if (known.length === 0) return undefined;
      rate = throughputWeights([
        ...known.map((s) => ({ threads: s.slot.threads, throughput: s.throughput })),
        { threads: state.slot.threads, throughput: undefined },
      ]).pop() as number;
    }
    // Compute time only: the first shard's measured overhead includes building the replica (seconds under load),
    // and the wire's share is covered by SPECULATE_MIN_SECONDS.
    return rows / rate;
  }

  private watch(flight: Flight): void {
    this.flights.add(flight);
    if (this.watchdog !== undefined) return;
    this.lastWatch = performance.now();
    this.watchdog = setInterval(() => this.checkFlights(), WATCHDOG_MS);
    this.watchdog.unref();
  }

  private unwatch(flight: Flight): void {
    this.flights.delete(flight);
    if (this.flights.size === 0 && this.watchdog !== undefined) {
      clearInterval(this.watchdog);
      this.watchdog = undefined;
    }
  }

  private checkFlights(): void {
    const now = performance.now();
    // After a stall of this process (a long selection step, SIGSTOP) shards are not late by the stall's length.
    const gap = now - this.lastWatch;
    this.lastWatch = now;
    // Only a real stall counts: on a loaded machine the timer itself is often late by a few hundred ms.
    if (gap > STALL_GAP_MS) for (const f of this.flights) f.sent += gap - WATCHDOG_MS;
    const ahead = new Map<SlotState, number>();
    for (const f of [...this.flights]) {
      // A pipelined shard waits behind the ones sent to its slot before it.
      const queued = (ahead.get(f.state) ?? 0) + 1;
      ahead.set(f.state, queued);
      const expected = this.expectedSeconds(f.state, f.piece.end - f.piece.start);
      if (expected === undefined) continue;
      const elapsed = (now - f.sent) / 1000;
      const allowance = queued * expected;
      if (elapsed > Math.max(TIMEOUT_MIN_SECONDS, TIMEOUT_FACTOR * allowance)) {
        this.unwatch(f);
        this.timedOutTotal++;
        f.state.slot.timedOut?.(
          f.shardId,
          `shard ${f.shardId} (${f.piece.end - f.piece.start} agents) unanswered after ${elapsed.toFixed(1)} s; ` +
            `its throughput predicts ${allowance.toFixed(3)} s`,
        );
        continue;
      }
      if (
        f.backup !== undefined &&
        !f.piece.done &&
        !f.piece.backedUp &&
        elapsed > Math.max(SPECULATE_MIN_SECONDS, SPECULATE_FACTOR * allowance)
      ) {
        f.piece.backedUp = true;
        f.backup();
      }
    }
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
    let speculative = 0;
    let failures = 0;
    let waiting = false;
    /** Pieces whose copy on a second worker waits for a slot. */
    const backups: Piece[] = [];
    /** This generation's remote flights, so that they stop asking for backups once it ends. */
    const ours = new Set<Flight>();
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
        for (const f of ours) f.backup = undefined;
        resolve({
          shards,
          redispatched,
          speculative,
          rowsBySlot,
          wallSeconds: (performance.now() - t0) / 1000,
          slowestShardSeconds: Math.max(0, ...Object.values(computeBySlot)),
        });
      };
      const unassigned = (): number => pending.reduce((a, r) => a + r.end - r.start, 0);
      const pump = (): void => {
        if (finished || this.stopped) return;
        if (remaining === 0) return finish();
        if (pending.length === 0 && backups.length === 0) return;
        const alive = [...this.slots.values()].filter((s) => s.slot.alive());
        const wait = (): void => {
          if (waiting) return;
          waiting = true;
          void this.nextChange().then(() => {
            waiting = false;
            pump();
          });
        };
        if (!alive.some((s) => s.inflight < depth)) {
          if (!this.waitingLogged && alive.length === 0) {
            this.waitingLogged = true;
            this.options.log?.(
              `run ${runLabel}: waiting for workers (generation ${generation}, ${remaining} agents to evaluate)`,
            );
          }
          wait();
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
            dispatch(s, { ...piece, done: false, holders: new Set(), backedUp: false });
          }
        }
        // Backup copies go to the emptiest slot that does not hold the piece already.
        for (let i = 0; i < backups.length;) {
          const piece = backups[i];
          if (piece.done) {
            backups.splice(i, 1);
            continue;
          }
          const target = order
            .map((o) => o.s)
            .filter((s) => s.inflight < depth && !piece.holders.has(s.slot.id))
            .sort((a, b) => a.inflight - b.inflight)[0];
          if (target === undefined) {
            i++;
            continue;
          }
          backups.splice(i, 1);
          // A backup is a shard sent again, like one whose worker died: it counts in both.
          redispatched++;
          metrics?.shardsRedispatched.inc({ run: runLabel });
          speculative++;
          this.speculativeTotal++;
          metrics?.shardsSpeculative.inc({ run: runLabel });
          this.options.log?.(
            `run ${runLabel}: generation ${generation} rows ${piece.start}–${piece.end} are late; a copy goes to ${target.slot.id}`,
          );
          dispatch(target, piece);
        }
        if (backups.length > 0) wait();
      };
      const dispatch = (state: SlotState, piece: Piece): void => {
        state.inflight++;
        shards++;
        const shardId = this.nextShardId++;
        const holder = state.slot.id;
        piece.holders.add(holder);
        let flight: Flight | undefined;
        if (state.slot.kind === 'remote') {
          flight = {
            piece,
            state,
            shardId,
            sent: performance.now(),
            backup: () => {
              backups.push(piece);
              pump();
            },
          };
          ours.add(flight);
          this.watch(flight);
        }
        const settle = (): void => {
          state.inflight--;
          piece.holders.delete(holder);
          if (flight !== undefined) {
            this.unwatch(flight);
            ours.delete(flight);
          }
        };
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
            settle();
            if (finished || this.stopped) return;
            if (piece.done) {
              // The other copy answered first (the values are the same).
              pump();
              this.changed();
              return;
            }
            piece.done = true;
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
            settle();
            if (finished || this.stopped) return;
            if (piece.done || piece.holders.size > 0) {
              // Answered by the other copy already, or the other copy is still running.
              pump();
              this.changed();
              return;
            }
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
            // A copy still waiting for a slot is the same rows: the queue holds them once.
            const queuedCopy = backups.indexOf(piece);
            if (queuedCopy >= 0) backups.splice(queuedCopy, 1);
            pending.push({ start: piece.start, end: piece.end });
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

/**
 * A worker process as the coordinator sees it: its capabilities, liveness, which generation its replica of
 * each run is at, and the shards and trials it holds. Evaluating a shard sends only what the replica lacks:
 * the run spec once (`assign`), then the generation, row range and the fitness vectors since its last shard.
 */
import { EvoscaleError } from '../../shared/errors.js';
import type {
  ErrorMessage,
  HelloMessage,
  JsonObject,
  Message,
  ProgressMessage,
  ShardResultMessage,
  TrialDoneMessage,
  TrialStoppedMessage,
} from '../../shared/protocol/index.js';
import { SlotLostError, type EvaluatorSlot, type ShardJob, type ShardOutcome } from '../slot.js';
import type { ShardAuditor } from '../guard/audit.js';
import { firstImpossible, fitnessBounds, type FitnessBounds } from '../guard/fitness_bounds.js';
import { PROBATION_SHARDS } from '../guard/audit.js';

/** The worker answered a shard or trial with an error (it stays connected). */
export class RemoteEvaluationError extends EvoscaleError {
  constructor(workerId: string, message: string) {
    super(`worker ${workerId}: ${message}`, 'REMOTE_EVALUATION');
  }
}

/** A worker stopped a trial before its end and sent back its folder, checkpoint included, to resume from. */
export class RemoteTrialStoppedError extends EvoscaleError {
  constructor(
    readonly workerId: string,
    readonly trialId: string,
    readonly step: number,
    readonly files: Readonly<Record<string, Uint8Array>>,
  ) {
    super(
      `trial ${trialId} stopped at step ${step} on worker ${workerId}; checkpoint sent back`,
      'REMOTE_TRIAL_STOPPED',
    );
  }
}

export interface WorkerLink {
  /** Queues a message to this worker; `category` labels the bytes (evaluate/result count as per-generation wire). */
  send(worker: RemoteWorker, msg: Message): void;
}

interface PendingShard {
  readonly job: ShardJob;
  readonly resolve: (outcome: ShardOutcome) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

interface PendingTrial {
  readonly resolve: (done: TrialDoneMessage) => void;
  readonly reject: (err: Error) => void;
  readonly onProgress: (msg: ProgressMessage) => void;
}

export interface RemoteWorkerOptions {
  /** A shard with no answer after this long counts as lost (the worker is dropped and must say hello again). */
  readonly shardTimeoutMs: number;
  /** Called once when the worker is declared lost (by anyone). */
  readonly onLost: (worker: RemoteWorker, reason: string) => void;
  /**
   * The worker answered with values it cannot have computed (non-finite, impossible, or disagreeing with the
   * audit) or kept a shard far longer than its throughput explains: the server evicts it and refuses it a while.
   */
  readonly onMisbehaviour?: (worker: RemoteWorker, kind: MisbehaviourKind, detail: string) => void;
  /** Re-evaluates a sample of the worker's agents (none without one). */
  readonly auditor?: ShardAuditor;
}

/** Why a worker is evicted (the `reason` label of evoscale_workers_evicted_total). */
export type MisbehaviourKind = 'non_finite' | 'out_of_bounds' | 'audit_mismatch' | 'timeout' | 'malformed';

export class RemoteWorker implements EvaluatorSlot {
  readonly kind = 'remote';
  lastSeen = Date.now();
  private live = true;
  private lostReason = '';
  /** Generation each run's replica will be at once the messages sent so far are applied. */
  private readonly replicas = new Map<string, number>();
  private readonly shards = new Map<number, PendingShard>();
  private readonly trials = new Map<string, PendingTrial>();
  /** Shards answered and accepted so far (the first PROBATION_SHARDS are always audited). */
  private accepted = 0;
  private readonly bounds = new Map<string, FitnessBounds>();
  /** Trials this coordinator told the worker to stop. */
  private readonly stopsAsked = new Set<string>();
  /** It stopped a trial nobody asked it to stop: it is shutting down, so it gets no new trial. */
  private leaving = false;

  constructor(
    readonly id: string,
    /** ZeroMQ routing id of the worker's DEALER. */
    readonly identity: Uint8Array,
    readonly hello: HelloMessage,
    private readonly link: WorkerLink,
    private readonly options: RemoteWorkerOptions,
  ) {}

  get role(): HelloMessage['role'] {
    return this.hello.role;
  }

  get backend(): string {
    return this.hello.backend;
  }

  get threads(): number {
    return this.hello.threads;
  }

  alive(): boolean {
    return this.live;
  }

  /** Alive and not on its way out: new trials may go to it. */
  acceptsTrials(): boolean {
    return this.live && !this.leaving;
  }

  /** Shards and trials in hand. */
  busy(): number {
    return this.shards.size + this.trials.size;
  }

  trialCount(): number {
    return this.trials.size;
  }

  /** Rows of the largest shard in hand (0 with none): a `result` frame from this worker is at most that large. */
  largestShardRows(): number {
    let rows = 0;
    for (const p of this.shards.values()) rows = Math.max(rows, p.job.end - p.job.start);
    return rows;
  }

  /** The scheduler found shard `shardId` overdue far beyond this worker's throughput. */
  timedOut(shardId: number, detail: string): void {
    if (!this.live || !this.shards.has(shardId)) return;
    if (this.options.onMisbehaviour !== undefined) this.options.onMisbehaviour(this, 'timeout', detail);
    else this.lose(detail);
  }

  evaluate(job: ShardJob): Promise<ShardOutcome> {
    if (!this.live) return Promise.reject(new SlotLostError(this.id, this.lostReason));
    const { run } = job;
    const at = this.replicas.get(run.runId);
    let tells = at === undefined ? undefined : run.tellsFrom(at);
    if (tells === undefined) {
      // New to this run, or too far behind for the kept fitness vectors: one snapshot (or just the spec at generation 0).
      this.link.send(this, {
        type: 'assign',
        runId: run.runId,
        spec: run.spec,
        snapshot: run.generation === 0 ? null : run.snapshot(),
      });
      tells = [];
    }
    this.replicas.set(run.runId, job.generation);
    return new Promise<ShardOutcome>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.timedOut(job.shardId, `no result for shard ${job.shardId} within ${this.options.shardTimeoutMs} ms`);
      }, this.options.shardTimeoutMs);
      timer.unref();
      this.shards.set(job.shardId, { job, resolve, reject, timer });
      this.link.send(this, {
        type: 'evaluate',
        runId: run.runId,
        shardId: job.shardId,
        generation: job.generation,
        start: job.start,
        end: job.end,
        tells: tells as NonNullable<typeof tells>,
      });
    });
  }

  /**
   * A `result` from this worker; stale or mismatched ones are ignored. Values are checked before they count:
   * non-finite or impossible ones evict the worker, and a sample is re-evaluated by the auditor.
   */
  onResult(msg: ShardResultMessage): void {
    const pending = this.shards.get(msg.shardId);
    if (pending === undefined) return;
    const { job } = pending;
    if (
      msg.runId !== job.run.runId ||
      msg.generation !== job.generation ||
      msg.start !== job.start ||
      msg.end !== job.end
    ) {
      this.finishShard(
        msg.shardId,
        new RemoteEvaluationError(this.id, `result for shard ${msg.shardId} does not match the request`),
      );
      return;
    }
    const spec = job.run.spec;
    let bounds = this.bounds.get(spec.runId);
    if (bounds === undefined) {
      bounds = fitnessBounds(spec);
      this.bounds.set(spec.runId, bounds);
    }
    const bad = firstImpossible(msg.fitness, bounds);
    if (bad !== undefined) {
      this.misbehaved(bad.kind, `shard ${msg.shardId} agent ${msg.start + bad.index}: ${bad.detail}`);
      return;
    }
    const auditor = this.options.auditor;
    // Only the generation being evaluated can be re-evaluated (the coordinator's state has moved past older ones,
    // whose answers the scheduler drops anyway: another worker's copy of the shard won).
    const rows =
      auditor !== undefined && job.generation === job.run.generation
        ? auditor.sample(job.run, job.generation, job.start, job.end, this.accepted < PROBATION_SHARDS)
        : [];
    if (rows.length === 0 || auditor === undefined) {
      this.accept(msg, pending);
      return;
    }
    auditor.check(job.run, job.start, rows, msg.fitness, this.backend === 'cpu').then(
      (finding) => {
        if (this.shards.get(msg.shardId) !== pending) return;
        if (finding === undefined) {
          this.accept(msg, pending);
          return;
        }
        this.misbehaved(
          'audit_mismatch',
          `shard ${msg.shardId} agent ${finding.row}: reported ${finding.reported}, the coordinator computes ${finding.expected}`,
        );
      },
      (err: unknown) => {
        // The coordinator could not evaluate (a bug of ours, not the worker's): the answer counts unaudited.
        if (this.shards.get(msg.shardId) === pending) this.accept(msg, pending);
        void err;
      },
    );
  }

  private accept(msg: ShardResultMessage, pending: PendingShard): void {
    clearTimeout(pending.timer);
    this.shards.delete(msg.shardId);
    this.accepted++;
    pending.resolve({ fitness: msg.fitness, computeSeconds: msg.computeSeconds });
  }

  private misbehaved(kind: MisbehaviourKind, detail: string): void {
    if (this.options.onMisbehaviour !== undefined) this.options.onMisbehaviour(this, kind, detail);
    else this.lose(`${kind}: ${detail}`);
  }

  /** An `error` from this worker about one of its shards or trials. */
  onError(msg: ErrorMessage): void {
    const ref = msg.ref ?? '';
    const err = new RemoteEvaluationError(this.id, `${msg.code}: ${msg.message}`);
    if (this.trials.has(ref)) {
      const t = this.trials.get(ref) as PendingTrial;
      this.trials.delete(ref);
      t.reject(err);
      return;
    }
    const shardId = Number(ref);
    if (Number.isInteger(shardId) && this.shards.has(shardId)) {
      // The replica may be unusable now: the next shard of that run starts it over.
      this.replicas.delete(this.shards.get(shardId)?.job.run.runId ?? '');
      this.finishShard(shardId, err);
    }
  }

  private finishShard(shardId: number, err: Error): void {
    const pending = this.shards.get(shardId);
    if (pending === undefined) return;
    clearTimeout(pending.timer);
    this.shards.delete(shardId);
    pending.reject(err);
  }

  /** Runs a whole trial on this worker; resolves with its results folder. */
  runTrial(
    trialId: string,
    trial: JsonObject,
    files: Record<string, Uint8Array>,
    onProgress: (msg: ProgressMessage) => void,
  ): Promise<TrialDoneMessage> {
    if (!this.live) return Promise.reject(new SlotLostError(this.id, this.lostReason));
    return new Promise<TrialDoneMessage>((resolve, reject) => {
      this.trials.set(trialId, { resolve, reject, onProgress });
      this.link.send(this, { type: 'train', trialId, trial, files });
    });
  }

  onProgress(msg: ProgressMessage): void {
    this.trials.get(msg.trialId)?.onProgress(msg);
  }

  onTrialDone(msg: TrialDoneMessage): void {
    const t = this.trials.get(msg.trialId);
    if (t === undefined) return;
    this.trials.delete(msg.trialId);
    this.stopsAsked.delete(msg.trialId);
    t.resolve(msg);
  }

  /** The worker stopped a trial before its end (asked to, or leaving): its run rejects with the folder sent back. */
  onTrialStopped(msg: TrialStoppedMessage): void {
    const t = this.trials.get(msg.trialId);
    if (t === undefined) return;
    this.trials.delete(msg.trialId);
    if (!this.stopsAsked.delete(msg.trialId)) this.leaving = true;
    t.reject(new RemoteTrialStoppedError(this.id, msg.trialId, msg.step, msg.files));
  }

  /**
   * Tells the worker to stop these of its trials at their next step and send their folders back; a trial whose
   * folder has not come back within `waitMs` is given up (rejected), to resume from the last checkpoint stored here.
   */
  stopTrials(trialIds: readonly string[], reason: string, waitMs: number): void {
    const held = trialIds.filter((id) => this.trials.has(id));
    if (held.length === 0 || !this.live) return;
    const asked = new Map(held.map((id) => [id, this.trials.get(id) as PendingTrial]));
    for (const id of held) this.stopsAsked.add(id);
    this.link.send(this, { type: 'stop', trialIds: held, reason });
    const timer = setTimeout(() => {
      for (const [id, t] of asked) {
        if (this.trials.get(id) !== t) continue;
        this.trials.delete(id);
        t.reject(
          new RemoteEvaluationError(
            this.id,
            `trial ${id}: no checkpoint came back within ${waitMs / 1000} s of the stop`,
          ),
        );
      }
    }, waitMs);
    timer.unref();
  }

  /** Declares the worker gone: every shard and trial it held is rejected with SlotLostError. */
  lose(reason: string): void {
    if (!this.live) return;
    this.live = false;
    this.lostReason = reason;
    this.options.onLost(this, reason);
    for (const [id, p] of this.shards) {
      clearTimeout(p.timer);
      this.shards.delete(id);
      p.reject(new SlotLostError(this.id, reason));
    }
    for (const [id, t] of this.trials) {
      this.trials.delete(id);
      t.reject(new SlotLostError(this.id, reason));
    }
  }

  release(runId: string): void {
    if (!this.replicas.delete(runId) || !this.live) return;
    this.link.send(this, { type: 'release', runId });
  }
}

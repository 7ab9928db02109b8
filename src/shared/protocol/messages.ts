/**
 * Every message of the coordinator ⇄ worker protocol. Frames are msgpack maps `{ v, type, ...fields }`;
 * `v` is PROTOCOL_VERSION and a peer speaking another version is answered with an `error` and ignored.
 *
 * Seed-compact by design: a worker receives a run's spec once (`assign`, from which it rebuilds generation 0
 * from the seed, or a one-off snapshot when it joins late), then each generation costs an `evaluate` (run,
 * generation, row range, plus the previous generations' fitness vectors it has not seen) and a `result`
 * (the shard's fitness values). Workers apply selection to their own replica with those fitness vectors and
 * regenerate every agent's noise from the counter-based generator, so parameters never cross the wire.
 */
import type { EvolutionSnapshot } from '../algorithms/types.js';
import type { NeRunSpec } from './run_spec.js';
import type { JsonObject } from './schema.js';

/** Version of the wire format; bump on any incompatible change. */
export const PROTOCOL_VERSION = 1;

/** Largest frame accepted by default (a late-joining worker's snapshot is the biggest message). */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;

/** What a worker does: evaluate shards of neuroevolution runs, or train whole trials (SGD baselines). */
export type WorkerRole = 'evaluator' | 'sgd';

export type FitnessVector = Float32Array | Float64Array;

/** worker → coordinator, first message on (re)connection: who it is and what it can do. */
export interface HelloMessage {
  readonly type: 'hello';
  readonly workerId: string;
  readonly role: WorkerRole;
  /** The engine backend that really runs (e.g. 'cpu', 'tfjs-node-gpu'). */
  readonly backend: string;
  /** Threads it evaluates with: shards (and trials) it can run at once. */
  readonly threads: number;
  /** evoscale version of the worker, for logs. */
  readonly software: string;
  /**
   * Changes whenever the worker starts or drops its replicas: a repeated hello with the same session (a
   * retry) keeps the coordinator's record of the worker; a new session means its replicas are gone.
   */
  readonly session: string;
}

/** coordinator → worker: admitted; send heartbeats every `heartbeatMs`. */
export interface WelcomeMessage {
  readonly type: 'welcome';
  readonly workerId: string;
  readonly coordinatorId: string;
  readonly heartbeatMs: number;
}

/**
 * coordinator → worker: hold a replica of this run. Without `snapshot` the worker builds generation 0 from
 * the spec and seed; with one (a worker joining after generation 0) it restores that state once.
 */
export interface AssignRunMessage {
  readonly type: 'assign';
  readonly runId: string;
  readonly spec: NeRunSpec;
  readonly snapshot: EvolutionSnapshot | null;
}

/** One generation's full fitness vector: what a replica needs to apply that generation's selection. */
export interface TellRecord {
  readonly generation: number;
  readonly fitness: FitnessVector;
}

/**
 * coordinator → worker: evaluate agents [start, end) of `generation`, after applying `tells` (the selections
 * of the generations between the worker's replica and this one, oldest first).
 */
export interface EvaluateShardMessage {
  readonly type: 'evaluate';
  readonly runId: string;
  readonly shardId: number;
  readonly generation: number;
  readonly start: number;
  readonly end: number;
  readonly tells: readonly TellRecord[];
}

/** worker → coordinator: fitness of agents [start, end) of `generation`. */
export interface ShardResultMessage {
  readonly type: 'result';
  readonly runId: string;
  readonly shardId: number;
  readonly generation: number;
  readonly start: number;
  readonly end: number;
  readonly fitness: FitnessVector;
  /** Seconds the worker spent evaluating (throughput = agents / computeSeconds). */
  readonly computeSeconds: number;
}

/** coordinator → worker: the run ended (or moved); drop its replica. */
export interface ReleaseRunMessage {
  readonly type: 'release';
  readonly runId: string;
}

/** Both ways, every heartbeat interval: "still alive". */
export interface HeartbeatMessage {
  readonly type: 'heartbeat';
  /** Sender's clock (ms); only compared with the sender's own later values. */
  readonly sentAt: number;
  /** Shards or trials in progress at the sender. */
  readonly busy: number;
}

/**
 * coordinator → worker: run one whole trial (an SGD baseline, or a small neuroevolution trial) and send its
 * results folder back. `files` are the trial folder's current files (a checkpoint to resume from), by relative path.
 */
export interface TrainTrialMessage {
  readonly type: 'train';
  readonly trialId: string;
  readonly trial: JsonObject;
  readonly files: Readonly<Record<string, Uint8Array>>;
}

/** worker → coordinator: a trial's progress (fraction done, latest training loss when known). */
export interface ProgressMessage {
  readonly type: 'progress';
  readonly trialId: string;
  readonly done: number;
  readonly total: number;
  readonly loss?: number;
}

/** worker → coordinator: a finished trial: its summary and every file of its results folder. */
export interface TrialDoneMessage {
  readonly type: 'trial_done';
  readonly trialId: string;
  readonly summary: JsonObject;
  readonly files: Readonly<Record<string, Uint8Array>>;
}

/** Most trials one `stop` names: a worker runs at most as many trials at once as it has threads (≤ 4096). */
export const MAX_STOP_TRIALS = 4096;

/**
 * coordinator → worker: stop these trials at their next step (the coordinator is stopping) and send each one's
 * folder back, checkpoint included, as `trial_stopped`, so that the next run resumes where it stopped.
 */
export interface StopTrialsMessage {
  readonly type: 'stop';
  readonly trialIds: readonly string[];
  readonly reason: string;
}

/**
 * worker → coordinator: a trial stopped before its end (asked by `stop`, or the worker is shutting down) at `step`:
 * every file of its results folder, its checkpoint included; never a summary.json (that marks a finished trial).
 */
export interface TrialStoppedMessage {
  readonly type: 'trial_stopped';
  readonly trialId: string;
  readonly step: number;
  readonly files: Readonly<Record<string, Uint8Array>>;
}

/** Either way: the sender is leaving (worker shutdown, coordinator finished). */
export interface ByeMessage {
  readonly type: 'bye';
  readonly reason: string;
}

export type ProtocolErrorCode =
  | 'malformed'
  | 'too_large'
  | 'version'
  | 'hello_required'
  | 'unknown_run'
  | 'evaluation_failed'
  | 'trial_failed'
  | 'rejected';

/** Either way: something went wrong with the message `ref` names (a run, shard or trial id). */
export interface ErrorMessage {
  readonly type: 'error';
  readonly code: ProtocolErrorCode;
  readonly message: string;
  readonly ref?: string;
}

export type Message =
  | HelloMessage
  | WelcomeMessage
  | AssignRunMessage
  | EvaluateShardMessage
  | ShardResultMessage
  | ReleaseRunMessage
  | HeartbeatMessage
  | TrainTrialMessage
  | ProgressMessage
  | TrialDoneMessage
  | StopTrialsMessage
  | TrialStoppedMessage
  | ByeMessage
  | ErrorMessage;

export type MessageType = Message['type'];

/** The message of type `T`. */
export type MessageOf<T extends MessageType> = Extract<Message, { type: T }>;

/** What the scheduler sees of anything that evaluates shards: a remote worker or an embedded thread. */
import { EvoscaleError } from '../shared/errors.js';
import type { FitnessVector } from '../shared/protocol/index.js';
import type { ActiveRun } from './active_run.js';

export interface ShardJob {
  readonly run: ActiveRun;
  readonly shardId: number;
  readonly generation: number;
  readonly start: number;
  readonly end: number;
}

export interface ShardOutcome {
  readonly fitness: FitnessVector;
  /** Seconds the evaluator spent computing (wall latency minus this is the dispatch overhead). */
  readonly computeSeconds: number;
}

export interface EvaluatorSlot {
  readonly id: string;
  readonly backend: string;
  /** Threads behind the slot (a remote worker's --threads). */
  readonly threads: number;
  readonly kind: 'thread' | 'remote';
  alive(): boolean;
  /** Evaluates the shard; rejects with SlotLostError when the slot dies or leaves before answering. */
  evaluate(job: ShardJob): Promise<ShardOutcome>;
  /** The run is over: drop whatever the slot holds for it. */
  release(runId: string): void;
  /**
   * The scheduler gives up on shard `shardId`: it has taken far longer than this slot's throughput explains.
   * A remote worker is dropped and refused a while; threads never time out (they have no such method).
   */
  timedOut?(shardId: number, detail: string): void;
}

/** The slot died, left or timed out with a shard in hand; the shard goes to another slot. */
export class SlotLostError extends EvoscaleError {
  constructor(
    readonly slotId: string,
    reason: string,
  ) {
    super(`worker ${slotId} lost: ${reason}`, 'SLOT_LOST');
  }
}

/**
 * The coordinator's authoritative view of one run: its context, live population state, and the recent
 * generations' fitness vectors that bring a worker's replica up to date (the seed-compact catch-up).
 */
import type { EvolutionSnapshot, EvolutionState } from '../shared/algorithms/types.js';
import { snapshotState } from '../shared/algorithms/state.js';
import type { NeRunSpec, TellRecord } from '../shared/protocol/index.js';
import type { RunContext } from '../worker/runtime/run_context.js';
import { specKey } from '../worker/runtime/spec_key.js';

/** Fitness vectors kept for catch-up; a replica further behind gets a snapshot instead. */
export const TELL_HISTORY = 16;

export class ActiveRun {
  readonly spec: NeRunSpec;
  readonly specKey: string;
  private current: EvolutionState;
  private readonly tells: TellRecord[] = [];

  constructor(
    readonly ctx: RunContext,
    state: EvolutionState,
  ) {
    this.spec = ctx.spec;
    this.specKey = specKey(ctx.spec);
    this.current = state;
  }

  get runId(): string {
    return this.spec.runId;
  }

  get state(): EvolutionState {
    return this.current;
  }

  get generation(): number {
    return this.current.generation;
  }

  /** Applies selection with the generation's full fitness vector and remembers it for replicas. */
  advance(fitness: Float32Array | Float64Array): void {
    const generation = this.current.generation;
    this.current = this.ctx.algorithm.tell(this.current, fitness);
    this.tells.push({ generation, fitness });
    if (this.tells.length > TELL_HISTORY) this.tells.shift();
  }

  /** The fitness vectors of generations [from, now), or undefined when some are no longer kept. */
  tellsFrom(from: number): TellRecord[] | undefined {
    if (from === this.current.generation) return [];
    if (from > this.current.generation) return undefined;
    const first = this.tells.length > 0 ? this.tells[0].generation : this.current.generation;
    if (from < first) return undefined;
    return this.tells.slice(from - first);
  }

  /** The current state without working buffers, for a late-joining worker or a checkpoint. */
  snapshot(): EvolutionSnapshot {
    return snapshotState(this.current);
  }
}

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
  /** Selections recorded but not yet applied to `current` (see `advance`). */
  private readonly deferred: (Float32Array | Float64Array)[] = [];

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

  /** The population state of the current generation (applies any deferred selection first). */
  get state(): EvolutionState {
    this.materialize();
    return this.current;
  }

  get generation(): number {
    return this.current.generation + this.deferred.length;
  }

  /**
   * Records selection with the generation's full fitness vector, for replicas at once and for the
   * coordinator's own state lazily: workers can start the next generation (their replicas apply the
   * selection themselves) while the coordinator applies it in the meantime (`materialize`), off the
   * critical path. Anything reading `state` or `snapshot()` gets the applied state.
   */
  advance(fitness: Float32Array | Float64Array): void {
    const generation = this.generation;
    this.deferred.push(fitness);
    this.tells.push({ generation, fitness });
    if (this.tells.length > TELL_HISTORY) this.tells.shift();
  }

  /** Applies deferred selections to the coordinator's state. */
  materialize(): void {
    while (this.deferred.length > 0) {
      const fitness = this.deferred.shift() as Float32Array | Float64Array;
      this.current = this.ctx.algorithm.tell(this.current, fitness);
    }
  }

  /** The fitness vectors of generations [from, now), or undefined when some are no longer kept. */
  tellsFrom(from: number): TellRecord[] | undefined {
    const now = this.generation;
    if (from === now) return [];
    if (from > now) return undefined;
    const first = this.tells.length > 0 ? this.tells[0].generation : now;
    if (from < first) return undefined;
    return this.tells.slice(from - first);
  }

  /** The current state without working buffers, for a late-joining worker or a checkpoint. */
  snapshot(): EvolutionSnapshot {
    this.materialize();
    return snapshotState(this.current);
  }
}

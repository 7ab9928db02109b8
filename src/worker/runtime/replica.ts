/**
 * A worker's replica of a run's population: rebuilt from the seed (or a one-off snapshot), then moved from
 * generation to generation by applying the coordinator's fitness vectors with the algorithm's own `tell`.
 * Because every row's noise is keyed by (seed, generation, agent), the replica stays bit-identical to the
 * coordinator's state without parameters ever crossing the wire.
 */
import { tell } from '../../shared/algorithms/registry.js';
import { shareState } from '../../shared/algorithms/state.js';
import type { EvolutionSnapshot, EvolutionState } from '../../shared/algorithms/types.js';
import { EvoscaleError } from '../../shared/errors.js';
import type { TellRecord } from '../../shared/protocol/index.js';
import type { RunContext } from './run_context.js';

/** The replica cannot reach the asked generation from the fitness vectors it was given. */
export class ReplicaOutOfSyncError extends EvoscaleError {
  constructor(message: string) {
    super(message, 'REPLICA_OUT_OF_SYNC');
  }
}

export class RunReplica {
  private current: EvolutionState;

  /** Generation 0 from the seed, or `snapshot`; in shared memory when `shared` (for thread pools). */
  constructor(
    readonly ctx: RunContext,
    snapshot: EvolutionSnapshot | null,
    shared: boolean,
  ) {
    const state = snapshot === null ? ctx.initialState() : ctx.restore(snapshot);
    this.current = shared ? shareState(state) : state;
  }

  get generation(): number {
    return this.current.generation;
  }

  get state(): EvolutionState {
    return this.current;
  }

  /** Applies the selections in `tells` that the replica has not applied yet, then checks it reached `generation`. */
  advance(tells: readonly TellRecord[], generation: number): EvolutionState {
    for (const t of tells) {
      if (t.generation < this.current.generation) continue;
      if (t.generation > this.current.generation) break;
      if (t.fitness.length !== this.current.populationSize) {
        throw new ReplicaOutOfSyncError(
          `fitness of generation ${t.generation} has ${t.fitness.length} values; the population has ${this.current.populationSize}`,
        );
      }
      this.current = tell(this.current, t.fitness);
    }
    if (this.current.generation !== generation) {
      throw new ReplicaOutOfSyncError(
        `replica of run ${this.ctx.spec.runId} is at generation ${this.current.generation}; cannot evaluate generation ${generation} with the fitness vectors sent`,
      );
    }
    return this.current;
  }
}

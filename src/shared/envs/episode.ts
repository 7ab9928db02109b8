/**
 * What every classic-control env shares: Gymnasium's seeding rules, its TimeLimit, and the misuse checks
 * (step before reset, step after the end, bad action, bad seed) with errors that say what to do.
 */
import { npRandom, type NumpyGenerator } from '../rng/numpy.js';
import { Box } from './spaces.js';
import { EnvError } from './types.js';

/** Tracks one env's generator and episode so each env only writes its dynamics. */
export class EpisodeGuard {
  private rng: NumpyGenerator | null = null;
  private steps = 0;
  private state: 'idle' | 'running' | 'done' = 'idle';

  constructor(
    private readonly envId: string,
    private readonly nActions: number,
    readonly maxEpisodeSteps: number,
  ) {}

  /** Gymnasium's `Env.reset(seed=…)`: reseed when a seed is given, else keep drawing from the same generator. */
  beginReset(seed: number | undefined): NumpyGenerator {
    if (seed !== undefined) {
      if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
        throw new EnvError(
          `${this.envId}.reset: seed must be a non-negative integer, got ${String(seed)}; pass e.g. { seed: 42 } or omit it.`,
          'ENV_BAD_SEED',
        );
      }
      this.rng = npRandom(seed);
    } else if (this.rng === null) {
      this.rng = npRandom();
    }
    this.steps = 0;
    this.state = 'running';
    return this.rng;
  }

  /** Validates a step's action; throws if the env is not in an episode. */
  checkStep(action: number): void {
    if (this.state === 'idle') {
      throw new EnvError(`${this.envId}.step: call reset() before step().`, 'ENV_NOT_RESET');
    }
    if (this.state === 'done') {
      throw new EnvError(
        `${this.envId}.step: the episode has ended (terminated or truncated); call reset() to start a new one.`,
        'ENV_EPISODE_ENDED',
      );
    }
    if (typeof action !== 'number' || !Number.isInteger(action) || action < 0 || action >= this.nActions) {
      throw new EnvError(
        `${this.envId}.step: action must be an integer in [0, ${this.nActions - 1}], got ${String(action)}.`,
        'ENV_BAD_ACTION',
      );
    }
  }

  /** Counts the step and applies Gymnasium's TimeLimit: truncated once elapsed steps reach the limit. */
  endStep(terminated: boolean): boolean {
    this.steps++;
    const truncated = this.steps >= this.maxEpisodeSteps;
    if (terminated || truncated) this.state = 'done';
    return truncated;
  }

  get elapsedSteps(): number {
    return this.steps;
  }

  get started(): boolean {
    return this.state !== 'idle';
  }
}

/** Builds a float32 Box space from bounds. */
export function box(low: readonly number[], high: readonly number[]): Box {
  return new Box(low, high);
}

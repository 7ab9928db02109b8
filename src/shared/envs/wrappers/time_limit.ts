/** Gymnasium's `TimeLimit`: `truncated` once the steps since the last reset reach the limit. */
import { EnvError } from '../types.js';
import type { ResetOptions } from '../types.js';
import {
  Wrapper,
  type ActOf,
  type CoreEnv,
  type MemberOf,
  type ObsOf,
  type WrapperResetResult,
  type WrapperStepResult,
} from './wrapper.js';

export class TimeLimit<E extends CoreEnv<unknown, never>> extends Wrapper<E> {
  private elapsed: number | null = null;

  constructor(
    env: E,
    readonly limit: number,
  ) {
    super(env);
    if (!Number.isSafeInteger(limit) || limit <= 0) {
      throw new EnvError(
        `TimeLimit: maxEpisodeSteps must be a positive integer, got ${String(limit)}; pass e.g. 200.`,
        'ENV_BAD_WRAPPER_ARG',
      );
    }
  }

  /** The limit this wrapper applies (Gymnasium's `max_episode_steps`); an inner, shorter limit still truncates first. */
  override get maxEpisodeSteps(): MemberOf<E, 'maxEpisodeSteps'> {
    return this.limit as MemberOf<E, 'maxEpisodeSteps'>;
  }

  /** Steps since the last reset (Gymnasium's `_elapsed_steps`; null before the first reset). */
  get elapsedSteps(): number | null {
    return this.elapsed;
  }

  override reset(options?: ResetOptions): WrapperResetResult<ObsOf<E>> {
    this.elapsed = 0;
    return super.reset(options);
  }

  override step(action: ActOf<E>): WrapperStepResult<ObsOf<E>> {
    const r = super.step(action);
    this.elapsed = (this.elapsed ?? 0) + 1;
    if (this.elapsed >= this.limit) r.truncated = true;
    return r;
  }
}

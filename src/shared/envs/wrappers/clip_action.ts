/** Gymnasium's `ClipAction`: continuous actions clipped into the Box action space before they reach the env. */
import { EnvError } from '../types.js';
import type { Box } from '../spaces.js';
import { boxSpace, isBox, sizeOf } from './spaces.js';
import { Wrapper, type CoreEnv, type ObsOf, type WrapperStepResult } from './wrapper.js';

export class ClipAction<E extends CoreEnv<unknown, Float32Array>> extends Wrapper<
  E,
  ObsOf<E>,
  ArrayLike<number>,
  E['observationSpace'],
  Box
> {
  private readonly low: Float32Array;
  private readonly high: Float32Array;
  private readonly space: Box;

  constructor(env: E) {
    super(env);
    const inner = env.actionSpace;
    if (!isBox(inner)) {
      throw new EnvError(
        `ClipAction: the env's action space must be a Box (continuous actions), got ${describe(inner)}.`,
        'ENV_BAD_WRAPPER_ARG',
      );
    }
    this.low = Float32Array.from(inner.low);
    this.high = Float32Array.from(inner.high);
    const n = sizeOf(inner.shape);
    // As Gymnasium: the wrapper accepts any real action, so its own space is unbounded.
    this.space = boxSpace(new Float32Array(n).fill(-Infinity), new Float32Array(n).fill(Infinity), inner.shape);
  }

  override get actionSpace(): Box {
    return this.space;
  }

  override step(action: ArrayLike<number>): WrapperStepResult<ObsOf<E>> {
    if (action.length !== this.low.length) {
      throw new EnvError(
        `ClipAction.step: action must have ${this.low.length} values, got ${action.length}.`,
        'ENV_BAD_ACTION',
      );
    }
    const clipped = new Float32Array(action.length);
    for (let i = 0; i < clipped.length; i++) clipped[i] = Math.min(Math.max(action[i], this.low[i]), this.high[i]);
    return this.env.step(clipped) as WrapperStepResult<ObsOf<E>>;
  }
}

function describe(space: unknown): string {
  if (typeof space === 'object' && space !== null && 'kind' in space) return String((space as { kind: unknown }).kind);
  return String(space);
}

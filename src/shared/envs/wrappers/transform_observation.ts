/** Gymnasium's `TransformObservation`: every observation (reset and step) passed through `func`. */
import type { ResetOptions } from '../types.js';
import {
  Wrapper,
  type ActOf,
  type CoreEnv,
  type ObsOf,
  type WrapperResetResult,
  type WrapperStepResult,
} from './wrapper.js';

export class TransformObservation<
  E extends CoreEnv<unknown, never>,
  Out = ObsOf<E>,
  Space = E['observationSpace'],
> extends Wrapper<E, Out, ActOf<E>, Space> {
  private readonly space: Space;

  /**
   * @param func maps one observation of `env` to the wrapper's observation.
   * @param observationSpace the space of the transformed observations; omit it when `func` keeps them in the
   *   env's space (Gymnasium's `observation_space=None`).
   */
  constructor(
    env: E,
    readonly func: (obs: ObsOf<E>) => Out,
    observationSpace?: Space,
  ) {
    super(env);
    this.space = observationSpace ?? (env.observationSpace as Space);
  }

  override get observationSpace(): Space {
    return this.space;
  }

  override reset(options?: ResetOptions): WrapperResetResult<Out> {
    const r = this.env.reset(options);
    return { obs: this.func(r.obs as ObsOf<E>), info: r.info };
  }

  override step(action: ActOf<E>): WrapperStepResult<Out> {
    const r = this.env.step(action as never);
    return { ...r, obs: this.func(r.obs as ObsOf<E>) };
  }
}

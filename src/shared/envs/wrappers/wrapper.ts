/**
 * Gymnasium's `Wrapper`: an env around an env that forwards everything it does not change. Pure and browser-safe.
 *
 * The wrapped env only has to have Gymnasium's core (`reset`, `step`, the two spaces); every other member of the
 * `Env` contract (id, time limit, renderer, and `spec`/`metadata`/`close`/`unwrapped` where the env has them) is
 * forwarded when present, so wrappers stack in any order and a wrapper around an `Env` is itself an `Env`.
 */
import { EnvError } from '../types.js';
import type { Canvas2D, ResetOptions } from '../types.js';

/** What `reset` returns, for any observation type. */
export interface WrapperResetResult<Obs> {
  obs: Obs;
  info: Record<string, unknown>;
}

/** What `step` returns, for any observation type. */
export interface WrapperStepResult<Obs> {
  obs: Obs;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Record<string, unknown>;
}

/** The least an env needs for a wrapper to go around it: Gymnasium's reset/step and its two spaces. */
export interface CoreEnv<Obs = Float32Array, Act = number> {
  readonly observationSpace: unknown;
  readonly actionSpace: unknown;
  reset(options?: ResetOptions): WrapperResetResult<Obs>;
  step(action: Act): WrapperStepResult<Obs>;
}

/** The observation type of an env. */
export type ObsOf<E> = E extends { reset(options?: ResetOptions): { obs: infer O } } ? O : never;
/** The action type of an env. */
export type ActOf<E> = E extends { step(action: infer A): unknown } ? A : never;
/** What `render()` with no canvas returns: a frame in rgb_array mode (see `RgbArrayRendering`), else nothing. */
export type RenderOutput<E> = E extends { render(): infer R } ? R : void;
/** The type of member `K` of env `E`, or `undefined` where `E` does not declare it. */
export type MemberOf<E, K extends PropertyKey> = E extends { readonly [P in K]: infer T } ? T : undefined;

interface Optional {
  readonly id?: string;
  readonly maxEpisodeSteps?: number;
  readonly renderFps?: number;
  readonly renderSize?: { readonly width: number; readonly height: number };
  readonly renderMode?: string;
  readonly spec?: unknown;
  readonly metadata?: unknown;
  readonly unwrapped?: unknown;
  render?(ctx?: Canvas2D): unknown;
  close?(): void;
}

/**
 * Base of every wrapper: forwards the whole env contract to `env`. Subclasses override what they change
 * (`reset`/`step`, and the spaces when the observations or actions change shape).
 */
export class Wrapper<
  E extends CoreEnv<unknown, never>,
  Obs = ObsOf<E>,
  Act = ActOf<E>,
  ObsSpace = E['observationSpace'],
  ActSpace = E['actionSpace'],
  Frame = RenderOutput<E>,
  Mode = MemberOf<E, 'renderMode'>,
> {
  constructor(readonly env: E) {}

  private get inner(): Optional {
    return this.env as unknown as Optional;
  }

  get id(): MemberOf<E, 'id'> {
    return this.inner.id as MemberOf<E, 'id'>;
  }

  get observationSpace(): ObsSpace {
    return this.env.observationSpace as ObsSpace;
  }

  get actionSpace(): ActSpace {
    return this.env.actionSpace as ActSpace;
  }

  get maxEpisodeSteps(): MemberOf<E, 'maxEpisodeSteps'> {
    return this.inner.maxEpisodeSteps as MemberOf<E, 'maxEpisodeSteps'>;
  }

  get renderFps(): MemberOf<E, 'renderFps'> {
    return this.inner.renderFps as MemberOf<E, 'renderFps'>;
  }

  get renderSize(): MemberOf<E, 'renderSize'> {
    return this.inner.renderSize as MemberOf<E, 'renderSize'>;
  }

  get renderMode(): Mode {
    return this.inner.renderMode as Mode;
  }

  get spec(): MemberOf<E, 'spec'> {
    return this.inner.spec as MemberOf<E, 'spec'>;
  }

  get metadata(): MemberOf<E, 'metadata'> {
    return this.inner.metadata as MemberOf<E, 'metadata'>;
  }

  /** The innermost env (Gymnasium's `env.unwrapped`): the inner env's own `unwrapped` when it has one. */
  get unwrapped(): E extends { readonly unwrapped: infer U } ? U : E {
    return (this.inner.unwrapped ?? this.env) as E extends { readonly unwrapped: infer U } ? U : E;
  }

  reset(options?: ResetOptions): WrapperResetResult<Obs> {
    return this.env.reset(options) as WrapperResetResult<Obs>;
  }

  step(action: Act): WrapperStepResult<Obs> {
    return this.env.step(action as never) as WrapperStepResult<Obs>;
  }

  /** Draws (or, in rgb_array mode with no canvas, returns) the inner env's frame. */
  render(ctx?: Canvas2D): Frame {
    const render = this.inner.render;
    if (!render) {
      throw new EnvError(`${this.toString()}.render: the wrapped env has no renderer.`, 'ENV_NO_RENDERER');
    }
    return render.call(this.env, ctx) as Frame;
  }

  close(): void {
    this.inner.close?.();
  }

  /** Gymnasium's repr: `<Outer<Inner<CartPole-v1>>>`. */
  toString(): string {
    const inner = String(this.env);
    return `<${this.constructor.name}${inner === '[object Object]' ? `<${this.inner.id ?? 'Env'}>` : inner}>`;
  }
}

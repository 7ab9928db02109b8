/**
 * Gymnasium 1.x's `FrameStackObservation`: the last `stackSize` observations, oldest first, as one array of
 * shape [stackSize, ...obsShape]. After a reset the missing older frames are the reset observation ('reset',
 * the default), zeros ('zero'), or a given observation.
 */
import { EnvError } from '../types.js';
import type { ResetOptions } from '../types.js';
import type { Box } from '../spaces.js';
import { boxSpace, isBox, sizeOf } from './spaces.js';
import { Wrapper, type ActOf, type CoreEnv, type WrapperResetResult, type WrapperStepResult } from './wrapper.js';

export interface FrameStackOptions {
  /** 'reset' (default), 'zero', or an observation of the env's space to pad with. */
  paddingType?: 'reset' | 'zero' | ArrayLike<number>;
}

export class FrameStackObservation<E extends CoreEnv<Float32Array, never>> extends Wrapper<
  E,
  Float32Array,
  ActOf<E>,
  Box
> {
  private readonly frames: Float32Array[];
  private readonly padding: 'reset' | 'zero' | 'custom';
  private paddingValue: Float32Array;
  private readonly obsSize: number;
  private readonly space: Box;

  constructor(
    env: E,
    readonly stackSize: number,
    options: FrameStackOptions = {},
  ) {
    super(env);
    if (!Number.isSafeInteger(stackSize) || stackSize <= 0) {
      throw new EnvError(
        `FrameStackObservation: stackSize must be a positive integer, got ${String(stackSize)}.`,
        'ENV_BAD_WRAPPER_ARG',
      );
    }
    const inner = env.observationSpace;
    if (!isBox(inner)) {
      throw new EnvError('FrameStackObservation: the env needs a Box observation space.', 'ENV_BAD_WRAPPER_ARG');
    }
    this.obsSize = sizeOf(inner.shape);
    const padding = options.paddingType ?? 'reset';
    if (padding === 'reset' || padding === 'zero') {
      this.padding = padding;
      this.paddingValue = new Float32Array(this.obsSize);
    } else if (typeof padding === 'string') {
      throw new EnvError(
        `FrameStackObservation: paddingType must be 'reset', 'zero' or an observation, got '${padding}'.`,
        'ENV_BAD_WRAPPER_ARG',
      );
    } else {
      const value = Float32Array.from(padding);
      const inside = value.length === this.obsSize && value.every((v, i) => v >= inner.low[i] && v <= inner.high[i]);
      if (!inside) {
        throw new EnvError(
          `FrameStackObservation: a custom paddingType must be an observation inside the env's space ` +
            `(${this.obsSize} values within low/high), got [${Array.from(value).join(', ')}].`,
          'ENV_BAD_WRAPPER_ARG',
        );
      }
      this.padding = 'custom';
      this.paddingValue = value;
    }
    const low = new Float32Array(stackSize * this.obsSize);
    const high = new Float32Array(stackSize * this.obsSize);
    for (let k = 0; k < stackSize; k++) {
      low.set(inner.low, k * this.obsSize);
      high.set(inner.high, k * this.obsSize);
    }
    this.space = boxSpace(low, high, [stackSize, ...inner.shape]);
    this.frames = Array.from({ length: stackSize }, () => this.paddingValue);
  }

  override get observationSpace(): Box {
    return this.space;
  }

  override reset(options?: ResetOptions): WrapperResetResult<Float32Array> {
    const r = this.env.reset(options);
    if (this.padding === 'reset') this.paddingValue = Float32Array.from(r.obs);
    for (let k = 0; k < this.stackSize - 1; k++) this.push(this.paddingValue);
    this.push(r.obs);
    return { obs: this.stacked(), info: r.info };
  }

  override step(action: ActOf<E>): WrapperStepResult<Float32Array> {
    const r = this.env.step(action as never);
    this.push(r.obs);
    return { ...r, obs: this.stacked() };
  }

  private push(obs: Float32Array): void {
    this.frames.shift();
    this.frames.push(Float32Array.from(obs));
  }

  private stacked(): Float32Array {
    const out = new Float32Array(this.stackSize * this.obsSize);
    this.frames.forEach((frame, k) => out.set(frame, k * this.obsSize));
    return out;
  }
}

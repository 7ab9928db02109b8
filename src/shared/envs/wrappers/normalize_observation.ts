/**
 * Gymnasium's `NormalizeObservation`: each observation (reset and step) is first folded into a running mean and
 * variance, then returned as `(obs - mean) / sqrt(var + epsilon)`.
 *
 * The statistics are float32 arrays and the count a float64 that starts at 1e-4, as in Gymnasium's
 * `RunningMeanStd`; every operation is rounded to float32 where NumPy 2 computes in float32 (its Python-float
 * operands are cast to float32 first), so the outputs equal Gymnasium's bit for bit.
 */
import { EnvError } from '../types.js';
import type { ResetOptions } from '../types.js';
import type { Box } from '../spaces.js';
import { boxSpace, isBox, sizeOf } from './spaces.js';
import { Wrapper, type ActOf, type CoreEnv, type WrapperResetResult, type WrapperStepResult } from './wrapper.js';

const f = Math.fround;

export interface NormalizeObservationOptions {
  /** Added to the variance under the square root (Gymnasium's `epsilon`, default 1e-8); must be > 0. */
  epsilon?: number;
}

export class NormalizeObservation<E extends CoreEnv<Float32Array, never>> extends Wrapper<
  E,
  Float32Array,
  ActOf<E>,
  Box
> {
  /** Running mean of the observations seen (float32). */
  readonly mean: Float32Array;
  /** Running variance of the observations seen (float32). */
  readonly var: Float32Array;
  /** Observations seen, plus Gymnasium's initial 1e-4. */
  count = 1e-4;
  /** Gymnasium's `update_running_mean`: false freezes the statistics (e.g. for evaluation). */
  updateRunningMean = true;
  readonly epsilon: number;
  private readonly space: Box;

  constructor(env: E, options: NormalizeObservationOptions = {}) {
    super(env);
    this.epsilon = options.epsilon ?? 1e-8;
    if (!(this.epsilon > 0)) {
      throw new EnvError(
        `NormalizeObservation: epsilon must be > 0 (it keeps the division away from zero), got ${String(options.epsilon)}.`,
        'ENV_BAD_WRAPPER_ARG',
      );
    }
    const inner = env.observationSpace;
    if (!isBox(inner)) {
      throw new EnvError(
        'NormalizeObservation: the env needs a Box observation space with a shape.',
        'ENV_BAD_WRAPPER_ARG',
      );
    }
    const n = sizeOf(inner.shape);
    this.mean = new Float32Array(n);
    this.var = new Float32Array(n).fill(1);
    this.space = boxSpace(new Float32Array(n).fill(-Infinity), new Float32Array(n).fill(Infinity), inner.shape);
  }

  override get observationSpace(): Box {
    return this.space;
  }

  override reset(options?: ResetOptions): WrapperResetResult<Float32Array> {
    const r = this.env.reset(options);
    return { obs: this.observation(r.obs), info: r.info };
  }

  override step(action: ActOf<E>): WrapperStepResult<Float32Array> {
    const r = this.env.step(action as never);
    return { ...r, obs: this.observation(r.obs) };
  }

  /** Updates the statistics with `obs` (unless frozen) and returns it normalised. */
  observation(obs: Float32Array): Float32Array {
    if (obs.length !== this.mean.length) {
      throw new EnvError(
        `NormalizeObservation: observation has ${obs.length} values, the space has ${this.mean.length}.`,
        'ENV_BAD_OBSERVATION',
      );
    }
    if (this.updateRunningMean) this.update(obs);
    const eps = f(this.epsilon);
    const out = new Float32Array(obs.length);
    for (let i = 0; i < obs.length; i++) out[i] = f(f(obs[i] - this.mean[i]) / f(Math.sqrt(f(this.var[i] + eps))));
    return out;
  }

  /** Gymnasium's `update_mean_var_count_from_moments` for a batch of one observation (batch var 0, count 1). */
  private update(obs: Float32Array): void {
    const total = this.count + 1;
    const totalF = f(total);
    const countF = f(this.count);
    for (let i = 0; i < obs.length; i++) {
      const delta = f(obs[i] - this.mean[i]);
      const mA = f(this.var[i] * countF);
      const m2 = f(mA + f(f(f(delta * delta) * countF) / totalF));
      this.mean[i] = f(this.mean[i] + f(delta / totalF));
      this.var[i] = f(m2 / totalF);
    }
    this.count = total;
  }
}

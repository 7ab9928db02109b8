/**
 * The vectorized-environment contract: N copies of one environment stepped together, with every per-copy quantity
 * in one flat typed array (struct of arrays), so a whole population's rollout step allocates nothing.
 */
import type { BoxSpace, DiscreteSpace } from '../types.js';

/**
 * What happens to a sub-environment whose episode ended:
 * - `'next-step'` (Gymnasium 1.x's default, `AutoresetMode.NEXT_STEP`): the step that ended it returns its final
 *   observation with terminated/truncated set; the *following* `step()` ignores its action and resets it instead,
 *   returning the first observation of the new episode with reward 0 and both flags false.
 * - `'disabled'`: it stays finished (flags kept, reward 0, observation frozen, action ignored) until `reset()`,
 *   which suits evaluating each member of a population on exactly one episode.
 */
export type AutoresetMode = 'next-step' | 'disabled';

export interface VectorEnvOptions {
  /** Defaults to `'next-step'`. */
  autoreset?: AutoresetMode;
}

export interface VectorResetOptions {
  /**
   * A number: sub-env i is reset with seed `seed + i`, as Gymnasium's vector envs do. An array (one per sub-env):
   * sub-env i gets `seed[i]`, e.g. the same seed for every member of a population. Omitted: each sub-env continues
   * its own generator.
   */
  seed?: number | readonly number[];
}

/** The buffers `step()` and `reset()` fill in place; the same arrays every call, so copy what you keep. */
export interface VectorStepResult {
  /** numEnvs × obsDim, row-major: sub-env i's observation is `obs.subarray(i * obsDim, (i + 1) * obsDim)`. */
  readonly obs: Float32Array;
  readonly rewards: Float64Array;
  /** 1 where the sub-env's episode ended by termination at this step, else 0. */
  readonly terminated: Uint8Array;
  /** 1 where the sub-env's episode hit its time limit at this step, else 0. */
  readonly truncated: Uint8Array;
}

export interface VectorEnv extends VectorStepResult {
  readonly id: string;
  readonly numEnvs: number;
  readonly obsDim: number;
  readonly singleObservationSpace: BoxSpace;
  readonly singleActionSpace: DiscreteSpace;
  readonly maxEpisodeSteps: number;
  readonly autoreset: AutoresetMode;
  /** Steps taken in each sub-env's current episode. */
  readonly episodeSteps: Int32Array;
  /** Resets every sub-env; returns `obs`. */
  reset(options?: VectorResetOptions): Float32Array;
  /** Steps every sub-env with `actions[i]` (one discrete action per sub-env). */
  step(actions: ArrayLike<number>): VectorStepResult;
}

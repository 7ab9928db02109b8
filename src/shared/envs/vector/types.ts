/**
 * The vectorized-environment contract, shaped after Gymnasium 1.x's `VectorEnv`: N copies of one environment
 * stepped together, with every per-copy quantity in one flat typed array (struct of arrays), so a whole
 * population's rollout step allocates nothing.
 */
import type { BoxSpace, DiscreteSpace } from '../types.js';
import type { BatchBoxSpace, MultiDiscreteSpace } from './spaces.js';

/**
 * What happens to a sub-environment whose episode ended (Gymnasium's `AutoresetMode`):
 * - `'next-step'` (`NEXT_STEP`, Gymnasium's default): the step that ended it returns its final observation with
 *   the termination/truncation flag set; the *following* `step()` ignores its action and resets it instead,
 *   returning the first observation of the new episode with reward 0 and both flags false.
 * - `'same-step'` (`SAME_STEP`): the step that ended it resets it at once: it returns the new episode's first
 *   observation with that step's reward and flags, and the final observation in `infos.finalObs[i]`.
 * - `'disabled'` (`DISABLED`): nothing resets by itself; reset finished sub-envs with
 *   `reset({ options: { resetMask } })`. Where Gymnasium asserts when a finished sub-env is stepped, evoscale keeps
 *   it frozen instead (flags kept, reward 0, observation unchanged, action ignored), which suits evaluating each
 *   member of a population on exactly one episode.
 */
export type AutoresetMode = 'next-step' | 'same-step' | 'disabled';

/** The three modes, in Gymnasium's order. */
export const AUTORESET_MODES: readonly AutoresetMode[] = ['next-step', 'same-step', 'disabled'];

/**
 * How `makeVec` builds the batch (Gymnasium's `vectorization_mode`):
 * - `'vector'` (`"vector_entry_point"`): the env's own vectorized implementation, e.g. Gymnasium's
 *   `CartPoleVectorEnv`, which draws every sub-env's reset state from one generator. Only ids that have one.
 * - `'sync'` (`"sync"`): `SyncVectorEnv` semantics, N independent envs, sub-env i seeded with `seed + i`.
 */
export type VectorizationMode = 'vector' | 'sync';

export interface VectorEnvOptions {
  /** Defaults to `'next-step'`, as in Gymnasium. */
  autoresetMode?: AutoresetMode;
}

/** Gymnasium's reset `options` of a vector env. */
export interface VectorResetOptionsBag {
  /**
   * Resets only the sub-envs whose entry is true (Gymnasium's `reset_mask`), the usual way to restart finished
   * sub-envs with `autoresetMode: 'disabled'`; the others keep their state. Sync vectorization only.
   */
  resetMask?: ArrayLike<boolean | number>;
  /** Classic-control reset bounds (Gymnasium's `low`/`high` options): the initial state is drawn from [low, high]. */
  low?: number;
  high?: number;
}

export interface VectorResetOptions {
  /**
   * A number: the batch's generator(s) are reseeded from it (sync: sub-env i gets `seed + i`, as Gymnasium's
   * `SyncVectorEnv`; vector: the one shared generator gets `seed`). An array (sync only, one per sub-env): sub-env i
   * gets `seed[i]`, e.g. the same seed for every member of a population. Omitted: the generators continue.
   */
  seed?: number | readonly number[];
  options?: VectorResetOptionsBag;
}

/**
 * Per-sub-env extra information, as Gymnasium's vector `infos`: for each key, an array over sub-envs plus a mask
 * `_key` saying which sub-envs set it. With same-step autoreset, `finalObs`/`_finalObs` (Gymnasium's `final_obs`)
 * hold the last observation of each episode that ended at this step, and `finalInfo`/`_finalInfo` its info.
 */
export interface VectorInfos {
  finalObs?: (Float32Array | undefined)[];
  _finalObs?: boolean[];
  finalInfo?: (Record<string, unknown> | undefined)[];
  _finalInfo?: boolean[];
  [key: string]: unknown;
}

/** What `reset()` returns (Gymnasium's `(obs, infos)`); `obs` is the env's buffer, so copy what you keep. */
export interface VectorResetResult {
  /** numEnvs × obsDim, row-major: sub-env i's observation is `obs.subarray(i * obsDim, (i + 1) * obsDim)`. */
  readonly obs: Float32Array;
  readonly infos: VectorInfos;
}

/** What `step()` returns (Gymnasium's 5-tuple); the same buffers every call, so copy what you keep. */
export interface VectorStepResult {
  /** numEnvs × obsDim, row-major: sub-env i's observation is `obs.subarray(i * obsDim, (i + 1) * obsDim)`. */
  readonly obs: Float32Array;
  readonly rewards: Float64Array;
  /** 1 where the sub-env's episode ended by termination at this step, else 0. */
  readonly terminations: Uint8Array;
  /** 1 where the sub-env's episode hit its time limit at this step, else 0. */
  readonly truncations: Uint8Array;
  readonly infos: VectorInfos;
}

/** Gymnasium's `VectorEnv.metadata`. */
export interface VectorMetadata {
  readonly autoresetMode: AutoresetMode;
  readonly renderFps?: number;
}

export interface VectorEnv {
  readonly id: string;
  readonly numEnvs: number;
  readonly obsDim: number;
  readonly singleObservationSpace: BoxSpace;
  readonly singleActionSpace: DiscreteSpace;
  /** The batch's spaces as Gymnasium's `batch_space` builds them: Box of shape [numEnvs, …], MultiDiscrete. */
  readonly observationSpace: BatchBoxSpace;
  readonly actionSpace: MultiDiscreteSpace;
  readonly maxEpisodeSteps: number;
  readonly autoresetMode: AutoresetMode;
  readonly vectorizationMode: VectorizationMode;
  readonly metadata: VectorMetadata;
  /** The buffers of the latest `reset()`/`step()` result (the same arrays every call). */
  readonly obs: Float32Array;
  readonly rewards: Float64Array;
  readonly terminations: Uint8Array;
  readonly truncations: Uint8Array;
  /** Steps taken in each sub-env's current episode. */
  readonly episodeSteps: Int32Array;
  reset(options?: VectorResetOptions): VectorResetResult;
  /** Steps every sub-env with `actions[i]` (one discrete action per sub-env). */
  step(actions: ArrayLike<number>): VectorStepResult;
  /** Releases the sub-envs; the batch cannot be stepped afterwards. */
  close(): void;
}

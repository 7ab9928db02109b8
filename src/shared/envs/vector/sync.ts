/**
 * A vectorized view over N independent `Env` instances (Gymnasium's `SyncVectorEnv`): works for any environment,
 * copying each sub-env's result into the shared struct-of-arrays buffers.
 */
import type { BoxSpace, DiscreteSpace, Env } from '../types.js';
import { autoresetOf, checkActionsLength, checkNumEnvs, notReset, subEnvSeeds } from './checks.js';
import type { AutoresetMode, VectorEnv, VectorEnvOptions, VectorResetOptions, VectorStepResult } from './types.js';

export class SyncVectorEnv implements VectorEnv {
  readonly id: string;
  readonly numEnvs: number;
  readonly obsDim: number;
  readonly singleObservationSpace: BoxSpace;
  readonly singleActionSpace: DiscreteSpace;
  readonly maxEpisodeSteps: number;
  readonly autoreset: AutoresetMode;
  readonly obs: Float32Array;
  readonly rewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly episodeSteps: Int32Array;
  /** The sub-environments, in order (sub-env i is seeded with seed + i, or seed[i]). */
  readonly envs: readonly Env[];
  private readonly done: Uint8Array;
  private started = false;

  /** Builds `numEnvs` sub-envs with `factory` (e.g. `() => make('Acrobot-v1')`). */
  constructor(factory: () => Env, numEnvs: number, options?: VectorEnvOptions) {
    checkNumEnvs('SyncVectorEnv', numEnvs);
    const envs = Array.from({ length: numEnvs }, factory);
    const first = envs[0];
    this.id = first.id;
    this.autoreset = autoresetOf(this.id, options);
    this.envs = envs;
    this.numEnvs = numEnvs;
    this.singleObservationSpace = first.observationSpace;
    this.singleActionSpace = first.actionSpace;
    this.maxEpisodeSteps = first.maxEpisodeSteps;
    this.obsDim = first.observationSpace.shape.reduce((a, b) => a * b, 1);
    this.obs = new Float32Array(numEnvs * this.obsDim);
    this.rewards = new Float64Array(numEnvs);
    this.terminated = new Uint8Array(numEnvs);
    this.truncated = new Uint8Array(numEnvs);
    this.episodeSteps = new Int32Array(numEnvs);
    this.done = new Uint8Array(numEnvs);
  }

  reset(options?: VectorResetOptions): Float32Array {
    const seeds = subEnvSeeds(this.id, options?.seed, this.numEnvs);
    for (let i = 0; i < this.numEnvs; i++) {
      const r = this.envs[i].reset(seeds === undefined ? {} : { seed: seeds[i] });
      this.obs.set(r.obs, i * this.obsDim);
    }
    this.rewards.fill(0);
    this.terminated.fill(0);
    this.truncated.fill(0);
    this.episodeSteps.fill(0);
    this.done.fill(0);
    this.started = true;
    return this.obs;
  }

  step(actions: ArrayLike<number>): VectorStepResult {
    if (!this.started) throw notReset(this.id);
    checkActionsLength(this.id, actions, this.numEnvs);
    const d = this.obsDim;
    for (let i = 0; i < this.numEnvs; i++) {
      if (this.done[i]) {
        this.rewards[i] = 0;
        if (this.autoreset === 'disabled') continue;
        // Next-step autoreset: this step's action is ignored and the episode restarts.
        this.obs.set(this.envs[i].reset().obs, i * d);
        this.terminated[i] = 0;
        this.truncated[i] = 0;
        this.episodeSteps[i] = 0;
        this.done[i] = 0;
        continue;
      }
      const r = this.envs[i].step(actions[i]);
      this.obs.set(r.obs, i * d);
      this.rewards[i] = r.reward;
      this.terminated[i] = r.terminated ? 1 : 0;
      this.truncated[i] = r.truncated ? 1 : 0;
      this.episodeSteps[i]++;
      this.done[i] = r.terminated || r.truncated ? 1 : 0;
    }
    return this;
  }
}

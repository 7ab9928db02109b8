/**
 * A vectorized view over N independent `Env` instances (Gymnasium's `SyncVectorEnv`): works for any environment,
 * copying each sub-env's result into the shared struct-of-arrays buffers, in each of Gymnasium's autoreset modes.
 */
import type { BoxSpace, DiscreteSpace, Env, ResetOptions } from '../types.js';
import { autoresetOf, checkActionsLength, checkNumEnvs, notReset, resetMaskOf, subEnvSeeds } from './checks.js';
import { batchBox, batchDiscrete } from './spaces.js';
import type { BatchBoxSpace, MultiDiscreteSpace } from './spaces.js';
import type { AutoresetMode, VectorEnv, VectorEnvOptions, VectorInfos, VectorMetadata, VectorResetOptions, VectorResetResult, VectorStepResult } from './types.js'; // prettier-ignore

/** Gymnasium's `_add_info`: sub-env i's info entries go to `infos[key][i]`, with `infos['_' + key][i] = true`. */
function addInfo(infos: VectorInfos, info: Record<string, unknown>, i: number, n: number): VectorInfos {
  for (const [key, value] of Object.entries(info)) {
    let values = infos[key] as unknown[] | undefined;
    let mask = infos[`_${key}`] as boolean[] | undefined;
    if (values === undefined || mask === undefined) {
      values = new Array<unknown>(n).fill(undefined);
      mask = new Array<boolean>(n).fill(false);
      infos[key] = values;
      infos[`_${key}`] = mask;
    }
    values[i] = value;
    mask[i] = true;
  }
  return infos;
}

export class SyncVectorEnv implements VectorEnv {
  readonly id: string;
  readonly numEnvs: number;
  readonly obsDim: number;
  readonly singleObservationSpace: BoxSpace;
  readonly singleActionSpace: DiscreteSpace;
  readonly observationSpace: BatchBoxSpace;
  readonly actionSpace: MultiDiscreteSpace;
  readonly maxEpisodeSteps: number;
  readonly autoresetMode: AutoresetMode;
  readonly vectorizationMode = 'sync' as const;
  readonly metadata: VectorMetadata;
  readonly obs: Float32Array;
  readonly rewards: Float64Array;
  readonly terminations: Uint8Array;
  readonly truncations: Uint8Array;
  readonly episodeSteps: Int32Array;
  /** The sub-environments, in order (sub-env i is seeded with seed + i, or seed[i]). */
  readonly envs: readonly Env[];
  /** 1 for a sub-env whose episode ended at the previous step (Gymnasium's `_autoreset_envs`). */
  private readonly done: Uint8Array;
  private started = false;

  /** Builds `numEnvs` sub-envs with `factory` (e.g. `() => make('Acrobot-v1')`). */
  constructor(factory: () => Env, numEnvs: number, options?: VectorEnvOptions) {
    checkNumEnvs('SyncVectorEnv', numEnvs);
    const envs = Array.from({ length: numEnvs }, factory);
    const first = envs[0];
    this.id = first.id;
    this.autoresetMode = autoresetOf(this.id, options);
    this.metadata = { autoresetMode: this.autoresetMode, renderFps: first.renderFps };
    this.envs = envs;
    this.numEnvs = numEnvs;
    this.singleObservationSpace = first.observationSpace;
    this.singleActionSpace = first.actionSpace;
    this.observationSpace = batchBox(first.observationSpace, numEnvs);
    this.actionSpace = batchDiscrete(first.actionSpace, numEnvs);
    this.maxEpisodeSteps = first.maxEpisodeSteps;
    this.obsDim = first.observationSpace.shape.reduce((a, b) => a * b, 1);
    this.obs = new Float32Array(numEnvs * this.obsDim);
    this.rewards = new Float64Array(numEnvs);
    this.terminations = new Uint8Array(numEnvs);
    this.truncations = new Uint8Array(numEnvs);
    this.episodeSteps = new Int32Array(numEnvs);
    this.done = new Uint8Array(numEnvs);
  }

  reset(options?: VectorResetOptions): VectorResetResult {
    const n = this.numEnvs;
    const seeds = subEnvSeeds(this.id, options?.seed, n);
    const mask = resetMaskOf(this.id, options?.options, n);
    if (mask !== undefined && !this.started) throw notReset(this.id);
    // Gymnasium hands the remaining options (e.g. low/high) to every sub-env's reset.
    const { resetMask: _mask, ...envOptions } = options?.options ?? {};
    const hasOptions = Object.keys(envOptions).length > 0;
    let infos: VectorInfos = {};
    for (let i = 0; i < n; i++) {
      if (mask !== undefined && mask[i] === 0) continue;
      const single: ResetOptions & { options?: Record<string, unknown> } = {};
      if (seeds !== undefined) single.seed = seeds[i];
      if (hasOptions) single.options = envOptions;
      const r = this.envs[i].reset(single);
      this.obs.set(r.obs, i * this.obsDim);
      this.rewards[i] = 0;
      this.terminations[i] = 0;
      this.truncations[i] = 0;
      this.episodeSteps[i] = 0;
      this.done[i] = 0;
      infos = addInfo(infos, r.info, i, n);
    }
    this.started = true;
    return { obs: this.obs, infos };
  }

  step(actions: ArrayLike<number>): VectorStepResult {
    if (!this.started) throw notReset(this.id);
    const n = this.numEnvs;
    checkActionsLength(this.id, actions, n);
    const d = this.obsDim;
    let infos: VectorInfos = {};
    for (let i = 0; i < n; i++) {
      if (this.done[i]) {
        this.rewards[i] = 0;
        // Gymnasium asserts here with autoreset disabled; evoscale keeps the finished sub-env frozen instead.
        if (this.autoresetMode === 'disabled') continue;
        // Next-step autoreset: this step's action is ignored and the episode restarts.
        const r = this.envs[i].reset();
        this.obs.set(r.obs, i * d);
        this.terminations[i] = 0;
        this.truncations[i] = 0;
        this.episodeSteps[i] = 0;
        this.done[i] = 0;
        infos = addInfo(infos, r.info, i, n);
        continue;
      }
      const r = this.envs[i].step(actions[i]);
      this.rewards[i] = r.reward;
      this.terminations[i] = r.terminated ? 1 : 0;
      this.truncations[i] = r.truncated ? 1 : 0;
      this.episodeSteps[i]++;
      const ended = r.terminated || r.truncated;
      if (ended && this.autoresetMode === 'same-step') {
        infos = addInfo(infos, { finalObs: r.obs.slice(), finalInfo: r.info }, i, n);
        const first = this.envs[i].reset();
        this.obs.set(first.obs, i * d);
        this.episodeSteps[i] = 0;
        infos = addInfo(infos, first.info, i, n);
        continue;
      }
      this.obs.set(r.obs, i * d);
      this.done[i] = ended ? 1 : 0;
      infos = addInfo(infos, r.info, i, n);
    }
    return {
      obs: this.obs,
      rewards: this.rewards,
      terminations: this.terminations,
      truncations: this.truncations,
      infos,
    };
  }

  close(): void {
    this.started = false;
    for (const env of this.envs) (env as { close?: () => void }).close?.();
  }
}

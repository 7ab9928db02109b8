/**
 * Records a policy playing an environment as a dataset in the IL-datasets schema: the engine behind the offline
 * expert datasets, usable with any policy (a trained model, a scripted controller).
 */
import type { Env } from '../envs/types.js';
import { InvalidArgumentError } from '../errors.js';
import { CounterRng, RngPurpose } from '../rng/philox.js';
import { DatasetBuilder } from './builder.js';
import { DatasetError } from './errors.js';
import type { Dataset, DatasetMeta } from './dataset.js';
import { datasetEnvSpec } from './envs.js';

/**
 * Reset seed of episode k of a dataset recorded with `seed`: the first uint32 of
 * `CounterRng.from(seed, RngPurpose.dataset, k)`. Unrelated across k and across dataset seeds (seed + k would make
 * the datasets of seeds 0 and 1 share all but one episode).
 */
export function episodeSeed(seed: number, k: number): number {
  return CounterRng.from(seed, RngPurpose.dataset, k).nextUint32();
}

export interface RecordOptions {
  /** Exact number of rows; the last episode is cut when it does not fit. */
  steps: number;
  seed: number;
  /** Meta of the result; `source` defaults to `recorded:<env id>:seed=<seed>:steps=<steps>`. */
  meta?: Partial<DatasetMeta>;
  /** Called every `progressEvery` rows (default 10 000) and at the end with (rows done, steps). */
  onProgress?: (rows: number, total: number) => void;
  progressEvery?: number;
}

/**
 * Plays `policy` in `env` for exactly `steps` rows. Episode k starts with `reset({ seed: episodeSeed(seed, k) })`;
 * each row records the observation BEFORE the action, the policy's action on it, the reward that action earned and
 * whether the row opens an episode. Deterministic for deterministic env and policy.
 */
export function recordRollouts(env: Env, policy: (obs: Float32Array) => number, opts: RecordOptions): Dataset {
  const { steps, seed } = opts;
  if (!Number.isSafeInteger(steps) || steps < 1 || steps > 0x7fffffff) {
    throw new InvalidArgumentError(`steps must be a positive integer, got ${steps}`);
  }
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new InvalidArgumentError(`seed must be a non-negative integer, got ${seed}`);
  }
  const spec = datasetEnvSpec(env.id);
  const source = opts.meta?.source ?? `recorded:${spec.id}:seed=${seed}:steps=${steps}`;
  const builder = new DatasetBuilder({
    envId: spec.id,
    sizeHint: steps,
    describe: (row) => `${source} row ${row} (produced by the policy or the env)`,
  });
  const every = Math.max(1, opts.progressEvery ?? 10_000);
  const before = new Float32Array(spec.obsDim);
  let episode = 0;
  let obs = env.reset({ seed: episodeSeed(seed, episode) }).obs;
  let start = true;
  for (let row = 1; row <= steps; row++) {
    // Copied before stepping: an env may reuse its observation buffer.
    before.set(obs);
    const action = policy(before);
    if (!Number.isInteger(action) || action < 0 || action >= spec.nActions) {
      throw new DatasetError(
        `${source} row ${row}: the policy chose action ${action}, outside ${spec.id}'s range 0..${spec.nActions - 1}`,
      );
    }
    const r = env.step(action);
    builder.addRow(before, action, r.reward, start, row);
    if (opts.onProgress && (row % every === 0 || row === steps)) opts.onProgress(row, steps);
    if (r.terminated || r.truncated) {
      episode++;
      if (row < steps) obs = env.reset({ seed: episodeSeed(seed, episode) }).obs;
      start = true;
    } else {
      obs = r.obs;
      start = false;
    }
  }
  return builder.finish({ ...opts.meta, source, envId: spec.id, seed, steps });
}

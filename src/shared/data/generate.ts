/**
 * Expert datasets generated offline, standing in for the HuggingFace PPO datasets when there is no network:
 * the built-in expert plays complete episodes and every step becomes one row in the IL-datasets schema.
 */
import { make } from '../envs/registry.js';
import { expert } from '../experts/index.js';
import type { Dataset } from './dataset.js';
import { datasetEnvSpec } from './envs.js';
import { recordRollouts } from './record.js';

/** Rows of the proposal's sources: NathanGavenski/CartPole-v1 (500k) and NathanGavenski/LunarLander-v2 (384k). */
export const DEFAULT_EXPERT_STEPS: Readonly<Record<string, number>> = {
  'CartPole-v1': 500_000,
  'LunarLander-v3': 384_000,
};

export interface GenerateExpertOptions {
  envId: string;
  /** Exact number of rows; the last episode is cut when it does not fit. */
  steps: number;
  seed: number;
  /** Called every `progressEvery` rows (default 10 000) and at the end with (rows done, steps). */
  onProgress?: (rows: number, total: number) => void;
  progressEvery?: number;
}

/**
 * Rolls out `expert(envId)` for exactly `steps` rows with `recordRollouts` (episode k reset with
 * `episodeSeed(seed, k)`, observation recorded before the action). Deterministic: same options, same rows.
 */
export function generateExpertDataset(opts: GenerateExpertOptions): Dataset {
  const spec = datasetEnvSpec(opts.envId);
  return recordRollouts(make(spec.id), expert(spec.id), {
    steps: opts.steps,
    seed: opts.seed,
    onProgress: opts.onProgress,
    progressEvery: opts.progressEvery,
    meta: {
      source: `generated:${spec.id}:expert:seed=${opts.seed}:steps=${opts.steps}`,
      synthetic: true,
      generator: 'expert',
    },
  });
}

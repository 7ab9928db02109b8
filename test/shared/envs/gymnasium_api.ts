/**
 * The recordings of test/fixtures/gymnasium/gymnasium_api.json, made by record_api.py from Gymnasium's own code
 * (Gymnasium 1.4.0 at commit 3f0476a8cc22, NumPy 2.4.6): resets with options, space samples, time limits, specs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/paths.js';

export interface ResetCase {
  env_id: string;
  seed: number;
  options: { low?: number; high?: number } | null;
  obs: number[];
  state: number[];
  steps: { action: number; obs: number[]; reward: number; terminated: boolean }[];
  second_reset_obs: number[];
}

export interface DiscreteCase {
  n: number;
  start: number;
  seed: number;
  seed_returned: number;
  samples: number[];
}

export interface MaskedCase {
  n: number;
  start: number;
  seed: number;
  mask: number[];
  samples: number[];
}

/** Bounds of one element or of each; JSON has no infinity, so the recorder writes "inf" and "-inf". */
export type Bound = number | 'inf' | '-inf';

export interface BoxCase {
  low: Bound[];
  high: Bound[];
  shape: number[];
  seed: number;
  samples: number[][];
}

export interface TimeLimitCase {
  env_id: string;
  max_episode_steps: number;
  seed: number;
  steps: { action: number; reward: number; terminated: boolean; truncated: boolean }[];
  spec_max_episode_steps: number;
}

export interface GymnasiumApi {
  gymnasium_version: string;
  reset_options: ResetCase[];
  discrete: DiscreteCase[];
  discrete_masked: MaskedCase[];
  discrete_probability: (Omit<MaskedCase, 'mask'> & { probability: number[] })[];
  box: BoxCase[];
  time_limits: TimeLimitCase[];
  sutton_barto: { seed: number; action: number; rewards: number[]; terminated: boolean; spec_kwargs: object }[];
  goal_velocity: { goal_velocity: number; seed: number; steps: number; terminated: boolean; final_obs: number[] }[];
  specs: Record<
    string,
    {
      id: string;
      name: string;
      version: number;
      max_episode_steps: number;
      reward_threshold: number;
      nondeterministic: boolean;
      kwargs: Record<string, unknown>;
      metadata?: { render_modes: string[]; render_fps: number };
    }
  >;
  errors: Record<string, { type: string; message: string } | null>;
}

export const gymnasiumApi: GymnasiumApi = JSON.parse(
  readFileSync(join(repoRoot, 'test', 'fixtures', 'gymnasium', 'gymnasium_api.json'), 'utf8'),
) as GymnasiumApi;

export function bound(b: Bound): number {
  return b === 'inf' ? Infinity : b === '-inf' ? -Infinity : b;
}

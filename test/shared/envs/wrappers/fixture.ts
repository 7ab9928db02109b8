/**
 * test/fixtures/gymnasium/wrappers.json: Gymnasium's own wrappers run by record_wrappers.py beside it
 * (Gymnasium commit 3f0476a8cc22, NumPy 2.4.6). Infinities are stored as the strings "Infinity"/"-Infinity".
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../../helpers/paths.js';

export type Num = number | 'Infinity' | '-Infinity';

export interface Episode {
  seed: number | null;
  reset_obs: Num[];
  actions: number[];
  obs: Num[][];
  rewards: number[];
  terminated: boolean[];
  truncated: boolean[];
  episode: ({ r: number; l: number } | null)[];
}

export interface WrapperFixture {
  recorded_with: { gymnasium: string; gymnasium_commit: string; numpy: string };
  time_limit: { env: string; max_episode_steps: number; episodes: Episode[] }[];
  record_episode_statistics: {
    env: string;
    buffer_length: number;
    episodes: Episode[];
    episode_count: number;
    return_queue: number[];
    length_queue: number[];
  }[];
  normalize_observation: {
    env: string;
    epsilon: number;
    episodes: Episode[];
    mean: Num[];
    var: Num[];
    count: number;
    frozen_episodes: Episode[];
    frozen_mean: Num[];
  }[];
  frame_stack: {
    env: string;
    stack_size: number;
    padding_type: 'reset' | 'zero' | 'custom';
    padding_value: Num[] | null;
    observation_space: { shape: number[]; low: Num[]; high: Num[] };
    episodes: Episode[];
  }[];
  clip_action: {
    action_space: { low: Num[]; high: Num[] };
    wrapper_action_space: { low: Num[]; high: Num[] };
    actions: Num[][];
    received: Num[][];
  };
  record_video: {
    env: string;
    seeds: number[];
    actions: number[][];
    cases: { scenario: string; videos: { name: string; frames: number; fps: number }[] }[];
    capped_cubic_schedule_upto_5000: number[];
  };
}

export const fixture: WrapperFixture = JSON.parse(
  readFileSync(join(repoRoot, 'test', 'fixtures', 'gymnasium', 'wrappers.json'), 'utf8'),
) as WrapperFixture;

/** A recorded value as a number (the fixture spells infinities as strings). */
export function num(v: Num): number {
  return v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v;
}

/** A recorded float32 vector. */
export function f32(values: readonly Num[]): Float32Array {
  return Float32Array.from(values, num);
}

/** Options for `reset` from a recorded episode: its seed, or none (keep drawing from the env's generator). */
export function resetOptions(ep: Episode): { seed?: number } {
  return ep.seed === null ? {} : { seed: ep.seed };
}

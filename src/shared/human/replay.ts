/**
 * Replay validation: an episode is genuine only if stepping the environment from its seed with its actions gives
 * back exactly its observations (as float32), rewards and ending. The collect server rejects any other.
 */
import { make } from '../envs/registry.js';
import type { HumanEpisode } from './episode.js';

export type ReplayVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Replays `ep` through the same environment code and reports the first mismatch, if any.
 *
 * LunarLander (planck) uses the engine's `Math.sin/cos/atan2`, whose last bits differ between V8 builds (Node 20 vs
 * Chromium); episodes recorded by the collection app were played with the portable versions installed, so replay them
 * where those are installed too (`installPortableMath` from src/collect/client/portable_math.ts, as the collect
 * server's replay thread does). The classic-control envs use the glibc-exact trig and replay anywhere.
 */
export function replayEpisode(ep: HumanEpisode): ReplayVerdict {
  const env = make(ep.envId);
  const f32 = new Float32Array(1);
  const same = (a: Float32Array, b: readonly number[]): number => {
    for (let j = 0; j < a.length; j++) {
      f32[0] = b[j];
      // === rather than Object.is: JSON writes −0 as 0, so the sign of a zero cannot be part of what a record
      // proves; NaN never occurs in these envs' observations and would be refused as a mismatch.
      if (a[j] !== f32[0]) return j;
    }
    return -1;
  };
  let obs = env.reset({ seed: ep.seed }).obs;
  let j = same(obs, ep.observations[0]);
  if (j >= 0)
    return {
      ok: false,
      reason: `observations[0][${j}] is ${ep.observations[0][j]}, the env's reset with seed ${ep.seed} gives ${obs[j]}`,
    };
  const n = ep.actions.length;
  for (let t = 0; t < n; t++) {
    const r = env.step(ep.actions[t]);
    obs = r.obs;
    j = same(obs, ep.observations[t + 1]);
    if (j >= 0)
      return {
        ok: false,
        reason: `observations[${t + 1}][${j}] is ${ep.observations[t + 1][j]}, replaying the actions gives ${obs[j]}`,
      };
    if (r.reward !== ep.rewards[t])
      return { ok: false, reason: `rewards[${t}] is ${ep.rewards[t]}, replaying gives ${r.reward}` };
    const done = r.terminated || r.truncated;
    if (done !== (t === n - 1)) {
      return {
        ok: false,
        reason: done
          ? `the episode ends at step ${t + 1} but the record has ${n} actions`
          : `the record stops after ${n} actions but the episode is not over`,
      };
    }
    if (done && (r.terminated !== ep.terminated || r.truncated !== ep.truncated)) {
      return {
        ok: false,
        reason: `terminated/truncated are ${ep.terminated}/${ep.truncated}, replaying gives ${r.terminated}/${r.truncated}`,
      };
    }
  }
  return { ok: true };
}

// Genuine episodes for the collection tests, recorded the way the browser records them (EpisodeRecorder).
import { make } from '../../../src/shared/envs/registry.js';
import type { HumanEpisode } from '../../../src/shared/human/episode.js';
import { EpisodeRecorder } from '../../../src/collect/client/recorder.js';

/** A small deterministic generator (tests only need variety, not quality). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Plays one whole episode with `policy(t, rand)` as a participant would, at 20 ms per step. */
export function playEpisode(
  envId: string,
  seed: number,
  opts: { participant?: string; id?: string; policy?: (t: number, rand: () => number) => number } = {},
): HumanEpisode {
  const env = make(envId);
  const rand = lcg(seed + 17);
  const n = env.actionSpace.n;
  const policy = opts.policy ?? ((_t, r) => Math.floor(r() * n));
  const rec = new EpisodeRecorder(env, {
    id: opts.id ?? `test-${envId}-${seed}`,
    participant: opts.participant ?? 'p1',
    seed,
    startedAt: new Date(Date.UTC(2025, 0, 6, 9, 0, seed % 60)).toISOString(),
    meta: { app: 'test' },
  });
  for (let t = 0; !rec.done; t++) rec.step(policy(t, rand), t * 20);
  return rec.finish();
}

/**
 * Human episodes in the project's dataset form (the IL-datasets schema of `Dataset`), so every dataset tool reads
 * them. The session/run of each episode rides along in the meta (kept by Parquet files), since the dataset's rows
 * have the env's observation size.
 */
import { createDataset, type Dataset } from '../data/dataset.js';
import type { ParticipantEnvData } from './features.js';

/** The episodes `which` (all, or the optimisation / test runs of the split) of one participant × env as a Dataset. */
export function humanDataset(data: ParticipantEnvData, which: 'all' | 'train' | 'test', source: string): Dataset {
  const indices =
    which === 'all' ? data.episodes.map((_, i) => i) : which === 'train' ? data.split.train : data.split.test;
  const d = data.obsDim;
  const n = indices.reduce((a, i) => a + data.episodes[i].actions.length, 0);
  const observations = new Float32Array(n * d);
  const actions = new Int32Array(n);
  const rewards = new Float32Array(n);
  const episodeStarts = new Uint8Array(n);
  let row = 0;
  for (const i of indices) {
    const ep = data.episodes[i];
    for (let t = 0; t < ep.actions.length; t++, row++) {
      observations.set(ep.observations[t], row * d);
      actions[row] = ep.actions[t];
      rewards[row] = ep.rewards[t];
      episodeStarts[row] = t === 0 ? 1 : 0;
    }
  }
  const testSet = new Set(data.split.test);
  return createDataset({
    envId: data.envId,
    observations,
    actions,
    rewards,
    episodeStarts,
    meta: {
      source,
      synthetic: data.synthetic,
      participant: data.participant,
      split: which,
      episodes: indices.map((i) => {
        const e = data.episodes[i];
        const sr = data.sessionRuns[i];
        return {
          id: e.id,
          seed: e.seed,
          startedAt: e.startedAt,
          steps: e.actions.length,
          session: sr.session + 1,
          run: sr.run + 1,
          sessionValue: sr.sessionValue,
          runValue: sr.runValue,
          test: testSet.has(i),
        };
      }),
    },
  });
}

/** Datasets and files the data tests write for themselves (in os.tmpdir()). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataset } from '../../src/shared/data/dataset.js';
import type { Dataset } from '../../src/shared/data/dataset.js';
import { datasetEnvSpec } from '../../src/shared/data/envs.js';

/** A fresh temporary folder, removed by the returned cleanup function. */
export function tempDir(prefix = 'evoscale-data-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A deterministic dataset with awkward float32 values (denormals, ±3.4e38, −0, long fractions), episodes of
 * varying length and every action, for round-trip tests.
 */
export function sampleDataset(n: number, envId = 'CartPole-v1'): Dataset {
  const spec = datasetEnvSpec(envId);
  let state = 12345;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const special = [1.401298464324817e-45, -3.4028234663852886e38, -0, 1e-7, 0.1, 123456.789];
  const observations = new Float32Array(n * spec.obsDim);
  for (let i = 0; i < observations.length; i++) {
    observations[i] = i < special.length ? special[i] : (next() - 0.5) * 10 ** Math.floor(next() * 8 - 4);
  }
  const actions = new Int32Array(n);
  const rewards = new Float32Array(n);
  const episodeStarts = new Uint8Array(n);
  let left = 0;
  for (let i = 0; i < n; i++) {
    actions[i] = i % spec.nActions;
    rewards[i] = i % 3 === 0 ? 1 : (next() - 0.7) * 100;
    if (left === 0) {
      episodeStarts[i] = 1;
      left = 1 + Math.floor(next() * 20);
    }
    left--;
  }
  return createDataset({ envId: spec.id, observations, actions, rewards, episodeStarts, meta: { source: 'sample' } });
}

/** Asserts-friendly view of a dataset's arrays (typed arrays compare by value in deepStrictEqual). */
export function arraysOf(ds: Dataset): Record<string, unknown> {
  return {
    envId: ds.envId,
    size: ds.size,
    observations: ds.observations,
    actions: ds.actions,
    rewards: ds.rewards,
    episodeStarts: ds.episodeStarts,
    episodeIds: ds.episodeIds,
  };
}

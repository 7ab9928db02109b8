import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  concatDatasets,
  createDataset,
  episodeIdsFromStarts,
  observationAt,
  sliceRows,
  takeRows,
  validateDataset,
} from '../../../src/shared/data/dataset.js';
import type { Dataset } from '../../../src/shared/data/dataset.js';
import { DatasetError } from '../../../src/shared/data/errors.js';
import { DATASET_ENVS, datasetEnvSpec, inferEnvSpec } from '../../../src/shared/data/envs.js';
import { make } from '../../../src/shared/envs/registry.js';

function tiny(n = 6): Dataset {
  const observations = new Float32Array(n * 4).map((_, i) => i / 8);
  return createDataset({
    envId: 'CartPole-v1',
    observations,
    actions: Int32Array.from({ length: n }, (_, i) => i % 2),
    rewards: Float32Array.from({ length: n }, (_, i) => i),
    episodeStarts: Uint8Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0)),
    meta: { source: 'tiny' },
  });
}

test('episode ids increase at each episode start, starting from 0', () => {
  assert.deepEqual(Array.from(episodeIdsFromStarts(new Uint8Array([1, 0, 1, 1, 0]))), [0, 0, 1, 2, 2]);
  // Data cut mid-episode still starts at episode 0.
  assert.deepEqual(Array.from(episodeIdsFromStarts(new Uint8Array([0, 0, 1]))), [0, 0, 1]);
});

test('createDataset fills size, env sizes and episode ids', () => {
  const ds = tiny();
  assert.equal(ds.size, 6);
  assert.equal(ds.obsDim, 4);
  assert.equal(ds.nActions, 2);
  assert.deepEqual(Array.from(ds.episodeIds), [0, 0, 0, 1, 1, 1]);
});

test('takeRows copies the chosen rows in order and leaves the source untouched', () => {
  const ds = tiny();
  const sub = takeRows(ds, [4, 1, 4]);
  assert.equal(sub.size, 3);
  assert.deepEqual(Array.from(observationAt(sub, 0)), Array.from(observationAt(ds, 4)));
  assert.deepEqual(Array.from(sub.actions), [0, 1, 0]);
  assert.deepEqual(Array.from(sub.episodeIds), [1, 0, 1]);
  sub.observations[0] = 99;
  sub.actions[0] = 1;
  assert.notEqual(ds.observations[16], 99);
  assert.equal(ds.actions[4], 0);
});

test('takeRows refuses out-of-range indices and empty subsets', () => {
  const ds = tiny();
  assert.throws(() => takeRows(ds, [0, 6]), DatasetError);
  assert.throws(() => takeRows(ds, [-1]), DatasetError);
  assert.throws(() => takeRows(ds, []), /empty subset/);
});

test('sliceRows copies a contiguous range', () => {
  const ds = tiny();
  const s = sliceRows(ds, 2, 5);
  assert.equal(s.size, 3);
  assert.deepEqual(Array.from(s.rewards), [2, 3, 4]);
  s.rewards[0] = -1;
  assert.equal(ds.rewards[2], 2);
});

test('concatDatasets keeps an episode that spans two parts as one episode', () => {
  const ds = tiny(6);
  const a = sliceRows(ds, 0, 4);
  const b = sliceRows(ds, 4, 6); // rows 4 and 5 continue the episode started at row 3
  const joined = concatDatasets([a, b], { source: 'joined' });
  assert.deepEqual(Array.from(joined.episodeIds), Array.from(ds.episodeIds));
  assert.deepEqual(joined.observations, ds.observations);
});

test('validateDataset names the first non-finite observation', () => {
  const ds = tiny();
  ds.observations[4 * 2 + 1] = NaN;
  assert.throws(() => validateDataset(ds), /tiny: row 3: obs\[1\] is NaN/);
});

test('validateDataset refuses actions outside the env range', () => {
  const ds = tiny();
  ds.actions[5] = 2;
  assert.throws(() => validateDataset(ds), /row 6: action 2 is outside CartPole-v1's range 0..1/);
});

test('createDataset refuses inconsistent lengths and empty data', () => {
  const base = {
    envId: 'CartPole-v1',
    actions: new Int32Array(2),
    rewards: new Float32Array(2),
    episodeStarts: new Uint8Array(2),
    meta: { source: 'bad' },
  };
  assert.throws(
    () => createDataset({ ...base, observations: new Float32Array(7) }),
    /observations has length 7, expected 8/,
  );
  assert.throws(
    () =>
      createDataset({
        ...base,
        observations: new Float32Array(0),
        actions: new Int32Array(0),
        rewards: new Float32Array(0),
        episodeStarts: new Uint8Array(0),
      }),
    /empty/,
  );
});

test('observation sizes identify the env; LunarLander-v2 is an alias of v3', () => {
  assert.equal(inferEnvSpec(4, 'x').id, 'CartPole-v1');
  assert.equal(inferEnvSpec(8, 'x').id, 'LunarLander-v3');
  assert.equal(inferEnvSpec(6, 'x').id, 'Acrobot-v1');
  assert.equal(inferEnvSpec(2, 'x').id, 'MountainCar-v0');
  assert.equal(datasetEnvSpec('LunarLander-v2').id, 'LunarLander-v3');
  assert.throws(() => inferEnvSpec(3, 'f.jsonl line 1'), /f\.jsonl line 1: observations have 3 values.*--env/);
  assert.throws(() => datasetEnvSpec('Pong-v5'), /unknown environment 'Pong-v5'; known: CartPole-v1/);
});

test('the env table agrees with the environments themselves', () => {
  for (const spec of DATASET_ENVS) {
    const env = make(spec.id);
    assert.deepEqual([...env.observationSpace.shape], [spec.obsDim], spec.id);
    assert.equal(env.actionSpace.n, spec.nActions, spec.id);
  }
});

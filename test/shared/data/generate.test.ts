import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateExpertDataset } from '../../../src/shared/data/generate.js';
import { episodeSeed } from '../../../src/shared/data/record.js';
import { observationAt } from '../../../src/shared/data/dataset.js';
import { summarizeDataset } from '../../../src/shared/data/summary.js';
import { make } from '../../../src/shared/envs/registry.js';
import { expert } from '../../../src/shared/experts/index.js';

test('the same seed generates the same expert dataset, a different seed a different one', () => {
  const a = generateExpertDataset({ envId: 'CartPole-v1', steps: 2000, seed: 11 });
  assert.deepStrictEqual(a, generateExpertDataset({ envId: 'CartPole-v1', steps: 2000, seed: 11 }));
  assert.notDeepEqual(
    a.observations,
    generateExpertDataset({ envId: 'CartPole-v1', steps: 2000, seed: 12 }).observations,
  );
});

test('generated rows replay exactly in a fresh env with the built-in expert', () => {
  const seed = 3;
  const ds = generateExpertDataset({ envId: 'CartPole-v1', steps: 1200, seed });
  const env = make('CartPole-v1');
  const policy = expert('CartPole-v1');
  let episode = -1;
  let obs: Float32Array = new Float32Array(0);
  for (let i = 0; i < ds.size; i++) {
    if (ds.episodeStarts[i]) obs = env.reset({ seed: episodeSeed(seed, ++episode) }).obs;
    assert.deepEqual(observationAt(ds, i), obs, `row ${i + 1} obs`);
    assert.equal(ds.actions[i], policy(obs), `row ${i + 1} action`);
    const r = env.step(ds.actions[i]);
    assert.equal(ds.rewards[i], Math.fround(r.reward), `row ${i + 1} reward`);
    obs = r.obs;
  }
});

test('the CartPole expert data looks like a PPO expert dataset: every episode lasts the full 500 steps', () => {
  const s = summarizeDataset(generateExpertDataset({ envId: 'CartPole-v1', steps: 2000, seed: 0 }));
  assert.equal(s.episodes, 4);
  assert.equal(s.episodeLength.min, 500);
  assert.equal(s.episodeReturn.min, 500);
});

test('generated data is marked synthetic, with its seed, and LunarLander-v2 resolves to v3', () => {
  const ds = generateExpertDataset({ envId: 'LunarLander-v2', steps: 300, seed: 1 });
  assert.equal(ds.envId, 'LunarLander-v3');
  assert.equal(ds.meta.synthetic, true);
  assert.equal(ds.meta.seed, 1);
  assert.equal(ds.meta.source, 'generated:LunarLander-v3:expert:seed=1:steps=300');
});

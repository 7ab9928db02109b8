import { test } from 'node:test';
import assert from 'node:assert/strict';
import { episodeSeed, recordRollouts } from '../../../src/shared/data/record.js';
import { observationAt, validateDataset } from '../../../src/shared/data/dataset.js';
import { summarizeDataset } from '../../../src/shared/data/summary.js';
import { LunarLander } from '../../../src/shared/envs/lunar_lander.js';
import { Box, Discrete } from '../../../src/shared/envs/spaces.js';
import type { Env, StepResult } from '../../../src/shared/envs/types.js';
import { lunarLanderHeuristic } from '../../../src/shared/experts/lunar_lander.js';

const record = (steps: number, seed: number) =>
  recordRollouts(new LunarLander(), lunarLanderHeuristic, { steps, seed });

test('recording is reproducible from the seed and changes with it', () => {
  const a = record(1200, 5);
  assert.deepStrictEqual(a, record(1200, 5));
  assert.notDeepEqual(a.observations, record(1200, 6).observations);
});

test('a recording has exactly `steps` valid rows and opens an episode at row 0', () => {
  const ds = record(777, 0);
  assert.equal(ds.size, 777);
  assert.equal(ds.envId, 'LunarLander-v3');
  assert.equal(ds.episodeStarts[0], 1);
  validateDataset(ds);
});

test('each row is the observation before the action, the action on it, and the reward it earned', () => {
  const seed = 2;
  const ds = record(1500, seed);
  assert.ok(summarizeDataset(ds).episodes >= 2, 'the check crosses an episode boundary');
  const env = new LunarLander();
  let episode = -1;
  let obs: Float32Array = new Float32Array(0);
  for (let i = 0; i < ds.size; i++) {
    if (ds.episodeStarts[i]) obs = env.reset({ seed: episodeSeed(seed, ++episode) }).obs;
    assert.deepEqual(observationAt(ds, i), obs, `row ${i + 1} obs`);
    assert.equal(ds.actions[i], lunarLanderHeuristic(obs), `row ${i + 1} action`);
    const r = env.step(ds.actions[i]);
    assert.equal(ds.rewards[i], Math.fround(r.reward), `row ${i + 1} reward`);
    // An episode ends exactly where the next row opens a new one.
    if (i + 1 < ds.size) assert.equal(ds.episodeStarts[i + 1] === 1, r.terminated || r.truncated, `row ${i + 2}`);
    obs = r.obs;
  }
});

test('episode seeds differ across episodes and across dataset seeds', () => {
  const seeds = new Set<number>();
  for (const s of [0, 1, 2]) for (let k = 0; k < 100; k++) seeds.add(episodeSeed(s, k));
  assert.equal(seeds.size, 300);
  assert.equal(episodeSeed(7, 3), episodeSeed(7, 3));
});

test('an env that reuses its observation buffer is still recorded as it was before each step', () => {
  // A counter env writing every observation into one shared buffer.
  const buf = new Float32Array(4);
  const env: Env = {
    id: 'CartPole-v1',
    observationSpace: new Box(0, 0, [4]),
    actionSpace: new Discrete(2),
    maxEpisodeSteps: 500,
    spec: null,
    metadata: { renderModes: [], renderFps: 50 },
    get unwrapped(): Env {
      return env;
    },
    close: () => undefined,
    renderFps: 50,
    renderSize: { width: 1, height: 1 },
    reset: () => {
      buf.fill(0);
      return { obs: buf, info: {} };
    },
    step: (): StepResult => {
      buf[0] += 1;
      return { obs: buf, reward: 1, terminated: buf[0] === 5, truncated: false, info: {} };
    },
    render: () => undefined,
  };
  const ds = recordRollouts(env, () => 1, { steps: 7, seed: 0 });
  assert.deepEqual(Array.from(ds.observations.filter((_, i) => i % 4 === 0)), [0, 1, 2, 3, 4, 0, 1]);
  assert.deepEqual(Array.from(ds.episodeStarts), [1, 0, 0, 0, 0, 1, 0]);
});

test('a policy action outside the action space is reported, not recorded', () => {
  assert.throws(
    () => recordRollouts(new LunarLander(), () => 4, { steps: 3, seed: 0 }),
    (err: unknown) =>
      err instanceof Error &&
      /row 1: the policy chose action 4, outside LunarLander-v3's range 0\.\.3/.test(err.message),
  );
});

test('progress is reported up to the total', () => {
  const seen: number[] = [];
  recordRollouts(new LunarLander(), lunarLanderHeuristic, {
    steps: 250,
    seed: 0,
    progressEvery: 100,
    onProgress: (d) => seen.push(d),
  });
  assert.deepEqual(seen, [100, 200, 250]);
});

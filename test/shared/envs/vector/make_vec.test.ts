import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { make } from '../../../../src/shared/envs/registry.js';
import { CartPoleVectorEnv, SyncVectorEnv, makeVec } from '../../../../src/shared/envs/vector/index.js';
import { CounterRng } from '../../../../src/shared/rng/index.js';

describe('makeVec', () => {
  it('gives the CartPole struct-of-arrays kernel for CartPole-v1 and synchronous copies otherwise', () => {
    assert.ok(makeVec('CartPole-v1', 4) instanceof CartPoleVectorEnv);
    assert.ok(makeVec('CartPole-v1', 4, { vectorization: 'sync' }) instanceof SyncVectorEnv);
    assert.ok(makeVec('Acrobot-v1', 2) instanceof SyncVectorEnv);
    assert.throws(() => makeVec('NoSuchEnv-v0', 2));
  });

  for (const engine of ['auto', 'wasm', 'js'] as const) {
    it(`steps CartPole exactly like N single CartPole-v1 envs, autoresets included (${engine} kernel)`, () => {
      const n = 17; // odd: the SIMD kernel's pairs and its single leftover
      const fast = new CartPoleVectorEnv(n, { engine });
      const slow = makeVec('CartPole-v1', n, { vectorization: 'sync' });
      fast.reset({ seed: 900 });
      slow.reset({ seed: 900 });
      assert.deepEqual(fast.obs, slow.obs);
      const rng = CounterRng.from(3);
      const actions = new Int32Array(n);
      let episodesEnded = 0;
      for (let t = 0; t < 600; t++) {
        for (let i = 0; i < n; i++) actions[i] = rng.nextInt(2);
        fast.step(actions);
        slow.step(actions);
        assert.deepEqual(fast.obs, slow.obs, `step ${t}`);
        assert.deepEqual(fast.rewards, slow.rewards, `step ${t}`);
        assert.deepEqual(fast.terminated, slow.terminated, `step ${t}`);
        assert.deepEqual(fast.truncated, slow.truncated, `step ${t}`);
        for (let i = 0; i < n; i++) episodesEnded += fast.terminated[i] | fast.truncated[i];
      }
      assert.ok(episodesEnded > 100, `only ${episodesEnded} episodes ended`);
    });
  }

  it('seeds sub-env i of a synchronous vector like make(id).reset({ seed: seed + i })', () => {
    for (const id of ['Acrobot-v1', 'MountainCar-v0']) {
      const vec = makeVec(id, 3);
      vec.reset({ seed: 77 });
      const d = vec.obsDim;
      for (let i = 0; i < 3; i++) {
        assert.deepEqual(vec.obs.subarray(i * d, (i + 1) * d), make(id).reset({ seed: 77 + i }).obs, id);
      }
    }
  });
});

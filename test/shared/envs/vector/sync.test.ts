import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LunarLander } from '../../../../src/shared/envs/lunar_lander.js';
import { EnvError } from '../../../../src/shared/envs/types.js';
import { SyncVectorEnv } from '../../../../src/shared/envs/vector/sync.js';
import { CounterRng } from '../../../../src/shared/rng/index.js';

const N = 3;
const SEED = 40;

describe('SyncVectorEnv', () => {
  it('steps sub-env i exactly like a lone env seeded seed + i, restarting it on the step after its episode ends', () => {
    const vec = new SyncVectorEnv(() => new LunarLander(), N);
    const lone = Array.from({ length: N }, () => new LunarLander());
    vec.reset({ seed: SEED });
    lone.forEach((env, i) => assert.deepEqual(vec.obs.subarray(8 * i, 8 * i + 8), env.reset({ seed: SEED + i }).obs));
    const rng = CounterRng.from(1);
    const ended = new Array<boolean>(N).fill(false);
    let restarts = 0;
    for (let t = 0; t < 250; t++) {
      const actions = Array.from({ length: N }, () => rng.nextInt(4));
      vec.step(actions);
      lone.forEach((env, i) => {
        const where = `sub-env ${i}, step ${t}`;
        if (ended[i]) {
          // Next-step autoreset: the action is ignored, the episode restarts from the env's own generator.
          assert.deepEqual(vec.obs.subarray(8 * i, 8 * i + 8), env.reset().obs, where);
          assert.equal(vec.rewards[i], 0, where);
          assert.equal(vec.terminations[i] + vec.truncations[i], 0, where);
          ended[i] = false;
          restarts++;
          return;
        }
        const r = env.step(actions[i]);
        assert.deepEqual(vec.obs.subarray(8 * i, 8 * i + 8), r.obs, where);
        assert.equal(vec.rewards[i], r.reward, where);
        assert.equal(vec.terminations[i], r.terminated ? 1 : 0, where);
        assert.equal(vec.truncations[i], r.truncated ? 1 : 0, where);
        ended[i] = r.terminated || r.truncated;
      });
    }
    assert.ok(restarts > 0, 'random actions should crash some landers within 250 steps');
  });

  it("leaves finished sub-envs alone with autoreset 'disabled'", () => {
    const vec = new SyncVectorEnv(() => new LunarLander(), 2, { autoresetMode: 'disabled' });
    vec.reset({ seed: 7 });
    // Main engine off, side engines only: both landers fall and crash.
    let t = 0;
    while (!(vec.terminations[0] && vec.terminations[1]) && t++ < 1000) vec.step([1, 3]);
    const frozen = Float32Array.from(vec.obs);
    vec.step([0, 0]);
    assert.deepEqual(vec.obs, frozen);
    assert.deepEqual(Array.from(vec.rewards), [0, 0]);
    assert.deepEqual(Array.from(vec.terminations), [1, 1]);
  });

  it('rejects stepping before reset, wrong action counts and seeds that would overflow', () => {
    const vec = new SyncVectorEnv(() => new LunarLander(), 2);
    assert.throws(() => vec.step([0, 0]), EnvError);
    assert.throws(() => vec.reset({ seed: -3 }), EnvError);
    assert.throws(() => vec.reset({ seed: Number.MAX_SAFE_INTEGER }), EnvError);
    vec.reset({ seed: 0 });
    assert.throws(() => vec.step([0]), EnvError);
    assert.throws(() => new SyncVectorEnv(() => new LunarLander(), 0), EnvError);
  });
});

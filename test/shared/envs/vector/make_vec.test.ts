import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { make } from '../../../../src/shared/envs/registry.js';
import { CartPoleVectorEnv, SyncVectorEnv, makeVec } from '../../../../src/shared/envs/vector/index.js';
import { CounterRng } from '../../../../src/shared/rng/index.js';

describe('makeVec', () => {
  it("defaults like gymnasium.make_vec: 'vector' where the id has a vector entry point (CartPole-v1), else 'sync'", () => {
    const cartPole = makeVec('CartPole-v1', 4);
    assert.ok(cartPole instanceof CartPoleVectorEnv);
    assert.equal(cartPole.vectorizationMode, 'vector');
    assert.equal(cartPole.seeding, 'shared');
    const acrobot = makeVec('Acrobot-v1', 2);
    assert.ok(acrobot instanceof SyncVectorEnv);
    assert.equal(acrobot.vectorizationMode, 'sync');
    assert.equal(acrobot.autoresetMode, 'next-step');
    assert.throws(() => makeVec('NoSuchEnv-v0', 2), /unknown environment id/);
  });

  it("runs CartPole's 'sync' mode on the fast kernel with one generator per sub-env", () => {
    const env = makeVec('CartPole-v1', 4, { vectorizationMode: 'sync' });
    assert.ok(env instanceof CartPoleVectorEnv);
    assert.equal(env.seeding, 'per-env');
    assert.equal(env.vectorizationMode, 'sync');
  });

  it('refuses what Gymnasium refuses, saying what to use instead', () => {
    assert.throws(
      () => makeVec('Acrobot-v1', 2, { vectorizationMode: 'vector' }),
      /no vectorized implementation.*'sync'/,
    );
    for (const autoresetMode of ['same-step', 'disabled'] as const) {
      assert.throws(() => makeVec('CartPole-v1', 2, { autoresetMode }), /only autoresets 'next-step'.*'sync'/);
    }
    assert.throws(() => makeVec('CartPole-v1', 2, { vectorizationMode: 'async' as 'sync' }), /vectorizationMode/);
    assert.throws(() => makeVec('Acrobot-v1', 2, { autoresetMode: 'sometimes' as 'disabled' }), /autoresetMode/);
    const shared = makeVec('CartPole-v1', 2);
    assert.throws(() => shared.reset({ seed: [1, 2] }), /one seed.*'sync'/);
  });

  it('validates reset options: resetMask (sync only, one entry per sub-env, at least one) and low <= high', () => {
    for (const env of [makeVec('CartPole-v1', 3, { vectorizationMode: 'sync' }), makeVec('Acrobot-v1', 3)]) {
      assert.throws(() => env.reset({ options: { resetMask: [true, false, true] } }), /call reset\(\) before step/);
      env.reset({ seed: 1 });
      assert.throws(() => env.reset({ options: { resetMask: [true, false] } }), /one entry per sub-env \(3\)/);
      assert.throws(() => env.reset({ options: { resetMask: [false, false, false] } }), /at least one/);
      const before = Float32Array.from(env.obs);
      const d = env.obsDim;
      env.reset({ seed: 50, options: { resetMask: [false, true, false] } });
      assert.deepEqual(env.obs.subarray(0, d), before.subarray(0, d), 'unmasked sub-envs keep their state');
      assert.notDeepEqual(env.obs.subarray(d, 2 * d), before.subarray(d, 2 * d));
    }
    const shared = makeVec('CartPole-v1', 3);
    assert.throws(() => shared.reset({ options: { resetMask: [true, true, true] } }), /resetMask needs vectorizationMode 'sync'/); // prettier-ignore
    assert.throws(() => shared.reset({ options: { low: 0.1, high: -0.1 } }), /low <= high/);
  });

  it('cannot be stepped after close() until reset again', () => {
    for (const env of [makeVec('CartPole-v1', 2), makeVec('Acrobot-v1', 2)]) {
      env.reset({ seed: 0 });
      env.close();
      assert.throws(() => env.step([0, 0]), /call reset\(\) before step/);
    }
  });

  it('names the batch spaces as batch_space does: Box [n, ...shape] and MultiDiscrete', () => {
    const env = makeVec('Acrobot-v1', 3);
    assert.deepEqual(env.observationSpace.shape, [3, 6]);
    assert.deepEqual(env.observationSpace.low.subarray(6, 12), env.singleObservationSpace.low);
    assert.deepEqual(env.observationSpace.high.subarray(12, 18), env.singleObservationSpace.high);
    assert.equal(env.actionSpace.kind, 'multi-discrete');
    assert.deepEqual(Array.from(env.actionSpace.nvec), [3, 3, 3]);
    assert.deepEqual(env.actionSpace.shape, [3]);
    assert.equal(env.singleActionSpace.n, 3);
  });

  for (const engine of ['auto', 'wasm', 'js'] as const) {
    it(`steps CartPole with per-env seeding exactly like SyncVectorEnv over CartPole-v1 (${engine} kernel)`, () => {
      const n = 17; // odd: the SIMD kernel's pairs and its single leftover
      const fast = new CartPoleVectorEnv(n, { engine, seeding: 'per-env' });
      const slow = new SyncVectorEnv(() => make('CartPole-v1'), n);
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
        assert.deepEqual(fast.terminations, slow.terminations, `step ${t}`);
        assert.deepEqual(fast.truncations, slow.truncations, `step ${t}`);
        for (let i = 0; i < n; i++) episodesEnded += fast.terminations[i] | fast.truncations[i];
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

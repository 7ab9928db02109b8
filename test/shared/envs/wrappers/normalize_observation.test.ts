import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { make } from '../../../../src/shared/envs/registry.js';
import { NormalizeObservation } from '../../../../src/shared/envs/wrappers/normalize_observation.js';
import { f32, fixture, resetOptions, type Episode } from './fixture.js';

function replay(env: NormalizeObservation<ReturnType<typeof make>>, episodes: Episode[]): void {
  for (const ep of episodes) {
    assert.deepEqual(env.reset(resetOptions(ep)).obs, f32(ep.reset_obs), 'reset observation');
    ep.actions.forEach((a, t) => assert.deepEqual(env.step(a).obs, f32(ep.obs[t]), `step ${t}`));
  }
}

describe("NormalizeObservation equals Gymnasium's running mean/var normalisation bit for bit", () => {
  for (const c of fixture.normalize_observation) {
    it(`${c.env} (epsilon ${c.epsilon}): every normalised observation, and the final mean, var and count`, () => {
      const env = new NormalizeObservation(make(c.env), { epsilon: c.epsilon });
      replay(env, c.episodes);
      assert.deepEqual(env.mean, f32(c.mean));
      assert.deepEqual(env.var, f32(c.var));
      assert.equal(env.count, c.count);
    });

    it(`${c.env}: with updateRunningMean false the statistics freeze and still normalise`, () => {
      const env = new NormalizeObservation(make(c.env), { epsilon: c.epsilon });
      replay(env, c.episodes);
      env.updateRunningMean = false;
      replay(env, c.frozen_episodes);
      assert.deepEqual(env.mean, f32(c.frozen_mean));
    });
  }

  it('has an unbounded Box observation space of the same shape', () => {
    const env = new NormalizeObservation(make('Acrobot-v1'));
    assert.deepEqual(env.observationSpace.shape, [6]);
    assert.ok(env.observationSpace.low.every((v) => v === -Infinity));
    assert.ok(env.observationSpace.high.every((v) => v === Infinity));
  });

  it('refuses a non-positive epsilon', () => {
    assert.throws(() => new NormalizeObservation(make('CartPole-v1'), { epsilon: 0 }), /epsilon must be > 0/);
  });
});

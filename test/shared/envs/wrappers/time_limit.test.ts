import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { make } from '../../../../src/shared/envs/registry.js';
import type { Env } from '../../../../src/shared/envs/types.js';
import { TimeLimit } from '../../../../src/shared/envs/wrappers/time_limit.js';
import { f32, fixture, resetOptions } from './fixture.js';

describe("TimeLimit truncates exactly where Gymnasium's does", () => {
  for (const c of fixture.time_limit) {
    it(`${c.env} with maxEpisodeSteps ${c.max_episode_steps}: same observations, rewards, terminated and truncated`, () => {
      const env = new TimeLimit(make(c.env), c.max_episode_steps);
      for (const ep of c.episodes) {
        assert.deepEqual(env.reset(resetOptions(ep)).obs, f32(ep.reset_obs));
        assert.equal(env.elapsedSteps, 0);
        ep.actions.forEach((a, t) => {
          const r = env.step(a);
          assert.deepEqual(r.obs, f32(ep.obs[t]), `step ${t}`);
          assert.equal(r.reward, ep.rewards[t]);
          assert.equal(r.terminated, ep.terminated[t], `terminated at step ${t}`);
          assert.equal(r.truncated, ep.truncated[t], `truncated at step ${t}`);
        });
        assert.equal(env.elapsedSteps, ep.actions.length);
      }
    });
  }

  it('is an Env itself and reports its limit as maxEpisodeSteps', () => {
    const env: Env = new TimeLimit(make('CartPole-v1'), 25);
    assert.equal(env.maxEpisodeSteps, 25);
    assert.equal(env.id, 'CartPole-v1');
  });

  it('refuses a limit that is not a positive integer, naming the value', () => {
    for (const bad of [0, -3, 2.5, Number.NaN]) {
      assert.throws(() => new TimeLimit(make('CartPole-v1'), bad), /maxEpisodeSteps must be a positive integer/);
    }
  });
});

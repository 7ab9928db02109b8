import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { make } from '../../../src/shared/envs/registry.js';
import { EnvError } from '../../../src/shared/envs/types.js';
import type { Env } from '../../../src/shared/envs/types.js';
import { gymnasiumApi } from './gymnasium_api.js';

/** The float64 state every classic-control env exposes, read without naming each class. */
function stateOf(env: Env): number[] {
  return Array.from((env.unwrapped as unknown as { state: Float64Array }).state);
}

describe('reset({ seed, options }) as Gymnasium', () => {
  for (const c of gymnasiumApi.reset_options) {
    const opts = c.options === null ? 'no options' : JSON.stringify(c.options);
    it(`${c.env_id} seed ${c.seed}, ${opts}: same initial state, steps and next reset as Gymnasium`, () => {
      const env = make(c.env_id);
      const options = c.options ?? undefined;
      const { obs } = env.reset({ seed: c.seed, options });
      assert.deepEqual(Array.from(obs), c.obs);
      assert.deepEqual(stateOf(env), c.state);
      for (const [t, s] of c.steps.entries()) {
        const r = env.step(s.action);
        assert.deepEqual(Array.from(r.obs), s.obs, `step ${t + 1}`);
        assert.equal(r.reward, s.reward);
        assert.equal(r.terminated, s.terminated);
      }
      assert.deepEqual(Array.from(env.reset({ options }).obs), c.second_reset_obs);
    });
  }
});

describe('bad reset options are refused, naming the option', () => {
  for (const id of ['CartPole-v1', 'Acrobot-v1', 'MountainCar-v0']) {
    it(`${id}: low above high, a non-number, an unknown key`, () => {
      const env = make(id);
      const refused = (options: Record<string, unknown>, pattern: RegExp): void =>
        assert.throws(
          () => env.reset({ seed: 0, options }),
          (e: unknown) => e instanceof EnvError && pattern.test(e.message) && e.message.includes(`${id}.reset`),
        );
      refused({ low: 0.5, high: 0.1 }, /options.low \(0.5\) must not exceed options.high \(0.1\)/);
      refused({ low: '0.1' }, /options.low must be a finite number, got 0.1/);
      refused({ high: Number.POSITIVE_INFINITY }, /options.high must be a finite number/);
      refused({ lo: 0.1 }, /unknown option 'lo'; accepted: low, high/);
      // A refused reset leaves the env usable.
      env.reset({ seed: 0, options: { low: -0.01, high: 0.01 } });
      env.step(0);
    });
  }

  it('LunarLander-v3 takes no reset options (Gymnasium ignores them; evoscale says so)', () => {
    const env = make('LunarLander-v3');
    assert.throws(
      () => env.reset({ seed: 0, options: { low: 0 } }),
      /LunarLander-v3.reset: unknown option 'low'; it accepts none/,
    );
    assert.equal(env.reset({ seed: 0, options: {} }).obs.length, 8);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENV_IDS } from '../../../src/shared/envs/registry.js';
import { EnvError } from '../../../src/shared/envs/types.js';
import { EXPERT_IDS, expert } from '../../../src/shared/experts/index.js';

describe('expert(id)', () => {
  it('has a teacher for every environment id', () => {
    assert.deepEqual([...EXPERT_IDS].sort(), [...ENV_IDS].sort());
    // make() refuses LunarLander-v2 as Gymnasium does, so there is no expert for it either.
    assert.throws(() => expert('LunarLander-v2'), /no expert for 'LunarLander-v2'/);
  });

  it('returns pure functions: the same observation always gives the same valid action', () => {
    const cases: [string, Float32Array, number][] = [
      ['CartPole-v1', Float32Array.of(0.01, -0.2, 0.03, 0.1), 2],
      ['Acrobot-v1', Float32Array.of(1, 0, 1, 0, 0.3, -0.2), 3],
      ['MountainCar-v0', Float32Array.of(-0.5, 0), 3],
    ];
    for (const [id, obs, n] of cases) {
      const a = expert(id)(obs);
      assert.ok(Number.isInteger(a) && a >= 0 && a < n, `${id} action ${a}`);
      assert.equal(expert(id)(Float32Array.from(obs)), a);
    }
  });

  it('refuses an unknown id, listing the ids that have experts', () => {
    assert.throws(
      () => expert('Pong-v5'),
      (e: unknown) => e instanceof EnvError && e.code === 'ENV_UNKNOWN_ID' && /CartPole-v1/.test(e.message),
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { make } from '../../../src/shared/envs/registry.js';
import { hardCaseTests, oracleTests } from './gymnasium_cases.js';

describe('MountainCar-v0 matches Gymnasium step for step (recorded trajectories)', () => oracleTests('MountainCar-v0'));

describe('MountainCar-v0 matches Gymnasium in further recorded episodes', () => hardCaseTests('MountainCar-v0'));

describe('MountainCar-v0 dynamics', () => {
  it('starts at rest between -0.6 and -0.4', () => {
    const env = make('MountainCar-v0');
    for (let seed = 0; seed < 20; seed++) {
      const { obs } = env.reset({ seed });
      assert.ok(obs[0] >= -0.6 && obs[0] < -0.4 && obs[1] === 0, `seed ${seed}: ${obs[0]}, ${obs[1]}`);
    }
  });

  it('stops the car dead against the left wall', () => {
    const env = make('MountainCar-v0');
    let { obs } = env.reset({ seed: 0 });
    let hit = false;
    for (let t = 0; t < 200 && !hit; t++) {
      // Pump energy while moving right for 100 steps, then keep driving left into the wall.
      obs = env.step(obs[1] >= 0 && t < 100 ? 2 : 0).obs;
      if (obs[0] === Math.fround(-1.2)) {
        hit = true;
        assert.equal(obs[1], 0);
      }
    }
    assert.ok(hit, 'reached the wall');
  });

  it('ends at the flag (position ≥ 0.5, velocity ≥ 0) with reward -1 on every step', () => {
    const env = make('MountainCar-v0');
    let { obs } = env.reset({ seed: 3 });
    let r;
    do {
      r = env.step(obs[1] < 0 ? 0 : 2);
      obs = r.obs;
      assert.equal(r.reward, -1);
    } while (!r.terminated && !r.truncated);
    assert.equal(r.terminated, true);
    assert.ok(obs[0] >= 0.5 && obs[1] >= 0);
  });
});

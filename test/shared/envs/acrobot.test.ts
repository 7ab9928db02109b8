import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { make } from '../../../src/shared/envs/registry.js';
import { expert } from '../../../src/shared/experts/index.js';
import { hardCaseTests, oracleTests } from './gymnasium_cases.js';

describe('Acrobot-v1 matches Gymnasium step for step (recorded trajectories)', () => oracleTests('Acrobot-v1'));

describe('Acrobot-v1 matches Gymnasium in chaotic episodes, to the last bit', () => hardCaseTests('Acrobot-v1'));

describe('Acrobot-v1 dynamics', () => {
  it('terminates with reward 0 once the tip is a link length above the pivot', () => {
    const env = make('Acrobot-v1');
    const policy = expert('Acrobot-v1');
    let { obs } = env.reset({ seed: 1 });
    let r;
    do {
      r = env.step(policy(obs));
      obs = r.obs;
      if (!r.terminated) assert.equal(r.reward, -1);
    } while (!r.terminated && !r.truncated);
    assert.equal(r.terminated, true);
    assert.equal(r.reward, 0);
    const [c1, s1, c2, s2] = obs;
    assert.ok(-c1 - (c1 * c2 - s1 * s2) > 1 - 1e-5, 'tip height above one link length');
  });

  it('reports cos/sin of both angles and clips the velocities to 4π and 9π', () => {
    const env = make('Acrobot-v1');
    env.reset({ seed: 2 });
    let maxV1 = 0;
    let maxV2 = 0;
    for (let t = 0; t < 500; t++) {
      const { obs, terminated, truncated } = env.step(t % 20 < 10 ? 0 : 2);
      assert.ok(Math.abs(obs[0] ** 2 + obs[1] ** 2 - 1) < 1e-6 && Math.abs(obs[2] ** 2 + obs[3] ** 2 - 1) < 1e-6);
      maxV1 = Math.max(maxV1, Math.abs(obs[4]));
      maxV2 = Math.max(maxV2, Math.abs(obs[5]));
      if (terminated || truncated) break;
    }
    assert.ok(maxV1 <= Math.fround(4 * Math.PI) && maxV2 <= Math.fround(9 * Math.PI));
  });
});

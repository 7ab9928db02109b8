import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CartPole } from '../../../src/shared/envs/cartpole.js';
import { make } from '../../../src/shared/envs/registry.js';
import { hardCaseTests, oracleTests } from './gymnasium_cases.js';

describe('CartPole-v1 matches Gymnasium step for step (recorded trajectories)', () => oracleTests('CartPole-v1'));

describe('CartPole-v1 matches Gymnasium where fdlibm trigonometry would drift', () => hardCaseTests('CartPole-v1'));

describe('CartPole-v1 dynamics', () => {
  it('keeps its state in float64 and returns it rounded to float32', () => {
    const env = new CartPole();
    env.reset({ seed: 4 });
    for (let t = 0; t < 20; t++) {
      const { obs } = env.step(t % 2);
      assert.deepEqual(obs, Float32Array.from(env.state));
      assert.ok(
        env.state.some((v) => v !== Math.fround(v)),
        'the state itself is not rounded',
      );
    }
  });

  it('terminates once the pole leans past 12° and still pays 1 for that step', () => {
    const env = make('CartPole-v1');
    env.reset({ seed: 0 });
    let last;
    do last = env.step(1);
    while (!last.terminated);
    assert.equal(last.reward, 1);
    assert.equal(last.truncated, false);
    assert.ok(Math.abs(last.obs[2]) > (12 * 2 * Math.PI) / 360 || Math.abs(last.obs[0]) > 2.4);
  });
});

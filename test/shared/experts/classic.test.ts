import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { make } from '../../../src/shared/envs/registry.js';
import { expert } from '../../../src/shared/experts/index.js';

function meanReturn(id: string, seeds: number): number {
  const env = make(id);
  const policy = expert(id);
  let total = 0;
  for (let s = 0; s < seeds; s++) {
    let { obs } = env.reset({ seed: s });
    for (;;) {
      const r = env.step(policy(obs));
      total += r.reward;
      obs = r.obs;
      if (r.terminated || r.truncated) break;
    }
  }
  return total / seeds;
}

describe('built-in experts reach the returns the datasets need (100 seeds)', () => {
  it('CartPole-v1 expert averages at least 475', () => assert.ok(meanReturn('CartPole-v1', 100) >= 475));
  it('Acrobot-v1 expert averages at least -100', () => assert.ok(meanReturn('Acrobot-v1', 100) >= -100));
  it('MountainCar-v0 expert averages at least -120', () => assert.ok(meanReturn('MountainCar-v0', 100) >= -120));
  it('experts are deterministic functions of the observation', () => {
    const p = expert('CartPole-v1');
    const o = Float32Array.of(0.01, -0.2, 0.03, 0.1);
    assert.equal(p(o), p(Float32Array.from(o)));
  });
  it('an unknown id is refused with the list of experts', () => assert.throws(() => expert('Pong-v5'), /CartPole-v1/));
});

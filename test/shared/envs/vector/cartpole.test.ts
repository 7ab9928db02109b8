import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CartPoleVectorEnv } from '../../../../src/shared/envs/vector/cartpole.js';
import { EnvError } from '../../../../src/shared/envs/types.js';
import { npRandom } from '../../../../src/shared/rng/index.js';
import { oracleDir } from '../../../helpers/paths.js';

interface Case {
  seed: number;
  reset_obs: number[];
  actions: number[];
  observations: number[][];
  rewards: number[];
  terminated: boolean[];
  truncated: boolean[];
  second_reset_obs: number[];
}

const { cases } = JSON.parse(readFileSync(join(oracleDir, 'CartPole-v1.json'), 'utf8')) as { cases: Case[] };

const row = (env: CartPoleVectorEnv, i: number): number[] => Array.from(env.obs.subarray(i * 4, i * 4 + 4));

/**
 * Steps a vector env whose sub-env i replays recorded case `group[i]` (consecutive seeds through `reset({ seed })`,
 * else one seed per sub-env), then one step more to see the next-step autoreset.
 */
const ENGINES = { auto: 'wasm-simd', wasm: 'wasm', js: 'js' } as const;
const ENGINE_NAMES = { auto: 'WebAssembly SIMD', wasm: 'WebAssembly scalar', js: 'JavaScript' } as const;

function replay(group: Case[], engine: keyof typeof ENGINES): void {
  const env = new CartPoleVectorEnv(group.length, { engine, seeding: 'per-env' });
  assert.equal(env.engine, ENGINES[engine]);
  const consecutive = group.every((c, i) => c.seed === group[0].seed + i);
  env.reset({ seed: consecutive ? group[0].seed : group.map((c) => c.seed) });
  group.forEach((c, i) => assert.deepEqual(row(env, i), c.reset_obs, `reset obs of seed ${c.seed}`));
  const longest = Math.max(...group.map((c) => c.actions.length));
  const actions = new Int32Array(group.length);
  for (let t = 0; t <= longest; t++) {
    group.forEach((c, i) => (actions[i] = t < c.actions.length ? c.actions[t] : 0));
    env.step(actions);
    group.forEach((c, i) => {
      const where = `seed ${c.seed}, step ${t}`;
      if (t < c.actions.length) {
        assert.deepEqual(row(env, i), c.observations[t], where);
        assert.equal(env.rewards[i], c.rewards[t], where);
        assert.equal(env.terminations[i], c.terminated[t] ? 1 : 0, where);
        assert.equal(env.truncations[i], c.truncated[t] ? 1 : 0, where);
      } else if (t === c.actions.length) {
        // The step after the episode ended restarts it from the same generator (Gymnasium's second reset()).
        assert.deepEqual(row(env, i), c.second_reset_obs, `autoreset obs of ${where}`);
        assert.equal(env.rewards[i], 0);
        assert.equal(env.terminations[i], 0);
        assert.equal(env.truncations[i], 0);
        assert.equal(env.episodeSteps[i], 0);
      }
    });
  }
}

describe('CartPoleVectorEnv against trajectories recorded from Gymnasium', () => {
  for (const engine of ['auto', 'wasm', 'js'] as const) {
    const name = ENGINE_NAMES[engine];
    it(`reproduces seeds 100-103 (long episodes ending in truncation) as sub-envs 0-3 (${name} kernel)`, () => {
      replay(
        cases.filter((c) => c.seed >= 100 && c.seed <= 103),
        engine,
      );
    });

    it(`reproduces seeds 6001-6002 (random actions, early termination) and their autoresets (${name} kernel)`, () => {
      replay(
        cases.filter((c) => c.seed === 6001 || c.seed === 6002),
        engine,
      );
    });

    it(`reproduces seeds 100-102 and 6001-6002 side by side, an odd number of sub-envs (${name} kernel)`, () => {
      replay(
        cases.filter((c) => c.seed !== 103),
        engine,
      );
    });

    it(`continues each sub-env's generator on reset() without a seed after autoresets (${name} kernel)`, () => {
      const c = cases.find((k) => k.seed === 6001)!;
      const env = new CartPoleVectorEnv(1, { engine, seeding: 'per-env' });
      env.reset({ seed: c.seed });
      for (const a of c.actions) env.step([a]);
      env.step([0]); // autoreset: second episode
      env.reset(); // third episode, from the same generator
      const g = npRandom(c.seed);
      g.uniformArray(-0.05, 0.05, 8);
      assert.deepEqual(row(env, 0), Array.from(Float32Array.from(g.uniformArray(-0.05, 0.05, 4))));
      assert.deepEqual(Array.from(env.generator(0)!.uniformArray(0, 1, 3)), Array.from(g.uniformArray(0, 1, 3)));
    });
  }
});

describe('CartPoleVectorEnv behaviour', () => {
  it("keeps finished sub-envs frozen with autoreset 'disabled'", () => {
    const c = cases.find((k) => k.seed === 6001)!;
    const env = new CartPoleVectorEnv(1, { autoresetMode: 'disabled', seeding: 'per-env' });
    env.reset({ seed: c.seed });
    for (const a of c.actions) env.step([a]);
    const final = row(env, 0);
    assert.equal(env.terminations[0], 1);
    env.step([1]);
    env.step([0]);
    assert.deepEqual(row(env, 0), final);
    assert.equal(env.rewards[0], 0);
    assert.equal(env.terminations[0], 1);
  });

  it('truncates at its time limit even if the pole is still up', () => {
    const c = cases.find((k) => k.seed === 100)!;
    const env = new CartPoleVectorEnv(1, { maxEpisodeSteps: 50, seeding: 'per-env' });
    env.reset({ seed: c.seed });
    for (let t = 0; t < 50; t++) env.step([c.actions[t]]);
    assert.equal(env.truncations[0], 1);
    assert.equal(env.terminations[0], 0);
  });

  it('rejects bad actions, wrong action counts, bad seeds and stepping before reset', () => {
    const env = new CartPoleVectorEnv(2, { seeding: 'per-env' });
    assert.throws(() => env.step([0, 1]), EnvError);
    assert.throws(() => env.reset({ seed: -1 }), EnvError);
    assert.throws(() => env.reset({ seed: 1.5 }), EnvError);
    env.reset({ seed: 1 });
    assert.throws(() => env.step([0]), EnvError);
    assert.throws(() => env.step([0, 2]), EnvError);
    assert.throws(() => env.step([0.5, 1]), EnvError);
    assert.throws(() => env.step(Int32Array.from([1, 2])), EnvError);
    assert.throws(() => env.step(Int8Array.from([-1, 0])), EnvError);
    assert.throws(() => new CartPoleVectorEnv(0), EnvError);
  });

  it('accepts one seed per sub-env, e.g. the same start for every member of a population', () => {
    const c = cases.find((k) => k.seed === 101)!;
    const env = new CartPoleVectorEnv(3, { seeding: 'per-env' });
    env.reset({ seed: [c.seed, c.seed, c.seed] });
    for (let i = 0; i < 3; i++) assert.deepEqual(row(env, i), c.reset_obs);
    assert.throws(() => env.reset({ seed: [1, 2] }), EnvError);
    assert.throws(() => env.reset({ seed: [1, -2, 3] }), EnvError);
  });

  it('gives fresh, different episodes per sub-env when reset without a seed', () => {
    const env = new CartPoleVectorEnv(3, { seeding: 'per-env' });
    env.reset();
    assert.notDeepEqual(row(env, 0), row(env, 1));
    for (const v of env.obs) assert.ok(Math.abs(v) <= 0.05);
  });
});

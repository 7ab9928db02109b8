import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CartPole } from '../../../../src/shared/envs/cartpole.js';
import { sinCosInternals } from '../../../../src/shared/envs/libm/sin_cos.js';
import { CartPoleVectorEnv } from '../../../../src/shared/envs/vector/cartpole.js';
import type { CartPoleVectorOptions } from '../../../../src/shared/envs/vector/cartpole.js';
import { CounterRng } from '../../../../src/shared/rng/index.js';

const ENGINES = ['auto', 'wasm', 'js'] as const;
const { doCosFast, doSinFast } = sinCosInternals;

/** The three kernels side by side, stepped with the same actions; fails at the first differing bit. */
function lockstep(n: number, steps: number, options: CartPoleVectorOptions, seed = 4242): CartPoleVectorEnv[] {
  const envs = ENGINES.map((engine) => new CartPoleVectorEnv(n, { seeding: 'per-env', ...options, engine }));
  assert.deepEqual(
    envs.map((e) => e.engine),
    ['wasm-simd', 'wasm', 'js'],
  );
  for (const e of envs) e.reset({ seed });
  const rng = CounterRng.from(seed, 1);
  const actions = new Int32Array(n);
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < n; i++) actions[i] = rng.nextInt(2);
    for (const e of envs) e.step(actions);
    const [ref, ...others] = envs;
    for (const e of others) {
      const where = `${e.engine} against ${ref.engine}, n = ${n}, step ${t}`;
      assert.deepEqual(e.obs, ref.obs, where);
      assert.deepEqual(e.rewards, ref.rewards, where);
      assert.deepEqual(e.terminations, ref.terminations, where);
      assert.deepEqual(e.truncations, ref.truncations, where);
      assert.deepEqual(e.episodeSteps, ref.episodeSteps, where);
    }
  }
  return envs;
}

describe('CartPoleVectorEnv kernels (WebAssembly SIMD, WebAssembly scalar, JavaScript)', () => {
  it('produce the same bits step for step, autoresets and generators included, for even and odd N', () => {
    for (const n of [1, 2, 5, 64]) {
      const envs = lockstep(n, 1500, {});
      for (let i = 0; i < n; i++) {
        const draws = envs.map((e) => Array.from(e.generator(i)!.uniformArray(0, 1, 2)));
        assert.deepEqual(draws[1], draws[0]);
        assert.deepEqual(draws[2], draws[0]);
      }
    }
  });

  it("produce the same bits with autoreset 'disabled' (finished sub-envs frozen beside running ones)", () => {
    const envs = lockstep(9, 300, { autoresetMode: 'disabled' });
    assert.ok(envs[0].terminations.every((t) => t === 1) || envs[0].truncations.some((t) => t === 1));
  });

  it('produce the same bits under a short time limit, truncating neighbours on the same step', () => {
    lockstep(6, 200, { maxEpisodeSteps: 7 });
  });

  it("stay exact when every sub-env needs glibc's fused stage for both cos and sin on the same step", () => {
    // Seed 102 with alternating actions passes a theta where both unfused stages are rejected (checked here);
    // hundreds of identical copies then all need both fused stages on that step.
    const single = new CartPole();
    single.reset({ seed: 102 });
    const expected: number[][] = [];
    let bothRejected = 0;
    for (let t = 0; t < 40; t++) {
      const theta = single.state[2];
      if (Number.isNaN(doCosFast(theta, 0)) && Number.isNaN(doSinFast(theta, 0))) bothRejected++;
      const r = single.step(t % 2);
      expected.push(Array.from(r.obs));
      if (r.terminated) break;
    }
    assert.ok(bothRejected > 0, 'the premise: some step needs both fused stages');
    const n = 301;
    for (const engine of ['auto', 'wasm'] as const) {
      const env = new CartPoleVectorEnv(n, { engine, seeding: 'per-env' });
      env.reset({ seed: new Array<number>(n).fill(102) });
      expected.forEach((obs, t) => {
        env.step(new Int32Array(n).fill(t % 2));
        for (let i = 0; i < n; i++) assert.deepEqual(Array.from(env.obs.subarray(4 * i, 4 * i + 4)), obs, `step ${t}`);
      });
    }
  });
});

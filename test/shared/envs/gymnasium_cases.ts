/**
 * Replays trajectories recorded from Gymnasium's own code (commit 3f0476a8cc22, NumPy 2.4.6, glibc 2.36 x86-64):
 * the shared oracle in ../shared/oracle/gymnasium (full per-step observations) and this folder's
 * fixtures/gymnasium_hard_cases.json (digests of episodes that drift apart under fdlibm's sin/cos or x·x squares).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { make } from '../../../src/shared/envs/registry.js';
import { oracleDir, repoRoot } from '../../helpers/paths.js';

interface OracleCase {
  seed: number;
  reset_obs: number[];
  actions: number[];
  observations: number[][];
  rewards: number[];
  terminated: boolean[];
  truncated: boolean[];
  second_reset_obs?: number[];
}

interface HardCase {
  env_id: string;
  seed: number;
  random_action_probability: number;
  actions: string;
  return: number;
  terminated: boolean;
  truncated: boolean;
  checkpoints: number[][];
  final_obs: number[];
  sha256: string;
}

/** Exact float32 equality, naming the component that differs. */
export function assertObs(actual: Float32Array, expected: readonly number[], where: string): void {
  assert.equal(actual.length, expected.length, `${where}: observation length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Object.is(actual[i], Math.fround(expected[i])),
      `${where}: obs[${i}] = ${actual[i]}, Gymnasium has ${expected[i]}`,
    );
  }
}

/** One test per recorded case of the shared oracle: reset, every step, and the following unseeded reset. */
export function oracleTests(id: string): void {
  const { cases } = JSON.parse(readFileSync(join(oracleDir, `${id}.json`), 'utf8')) as { cases: OracleCase[] };
  for (const c of cases) {
    it(`seed ${c.seed}: reset, ${c.actions.length} steps and the next unseeded reset equal Gymnasium's`, () => {
      const env = make(id);
      assertObs(env.reset({ seed: c.seed }).obs, c.reset_obs, `seed ${c.seed} reset`);
      for (let t = 0; t < c.actions.length; t++) {
        const r = env.step(c.actions[t]);
        const where = `seed ${c.seed} step ${t}`;
        assertObs(r.obs, c.observations[t], where);
        assert.equal(r.reward, c.rewards[t], `${where}: reward`);
        assert.equal(r.terminated, c.terminated[t], `${where}: terminated`);
        assert.equal(r.truncated, c.truncated[t], `${where}: truncated`);
      }
      if (c.second_reset_obs) assertObs(env.reset().obs, c.second_reset_obs, `seed ${c.seed} second reset`);
    });
  }
}

/** One test per hard case of `id`: the SHA-256 of all observations, rewards and flags must equal Gymnasium's. */
export function hardCaseTests(id: string): void {
  const file = join(repoRoot, 'test', 'shared', 'envs', 'fixtures', 'gymnasium_hard_cases.json');
  const { cases } = JSON.parse(readFileSync(file, 'utf8')) as { cases: HardCase[] };
  for (const c of cases.filter((k) => k.env_id === id)) {
    const policy = c.random_action_probability === 1 ? 'random actions' : 'a noisy expert';
    it(`seed ${c.seed} with ${policy}: ${c.actions.length} steps hash to Gymnasium's digest`, () => {
      const env = make(id);
      const hash = createHash('sha256');
      const bytes = (obs: Float32Array): Buffer => Buffer.from(obs.buffer, obs.byteOffset, obs.byteLength);
      hash.update(bytes(env.reset({ seed: c.seed }).obs));
      const tailBytes = Buffer.alloc(10);
      let total = 0;
      for (let t = 0; t < c.actions.length; t++) {
        const r = env.step(Number(c.actions[t]));
        total += r.reward;
        if ((t + 1) % 50 === 0) assertObs(r.obs, c.checkpoints[(t + 1) / 50 - 1], `seed ${c.seed} step ${t}`);
        if (t === c.actions.length - 1) {
          assertObs(r.obs, c.final_obs, `seed ${c.seed} last step`);
          assert.deepEqual([r.terminated, r.truncated], [c.terminated, c.truncated], 'episode end');
        }
        tailBytes.writeDoubleLE(r.reward, 0);
        tailBytes.writeUInt8(r.terminated ? 1 : 0, 8);
        tailBytes.writeUInt8(r.truncated ? 1 : 0, 9);
        hash.update(bytes(r.obs));
        hash.update(tailBytes);
      }
      hash.update(bytes(env.reset().obs));
      assert.equal(total, c.return, 'episode return');
      assert.equal(hash.digest('hex'), c.sha256, 'digest of every observation, reward and flag');
    });
  }
}

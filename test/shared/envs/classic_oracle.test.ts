import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { make } from '../../../src/shared/envs/registry.js';
import { oracleDir } from '../../helpers/paths.js';

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

function loadCases(id: string): OracleCase[] {
  const doc = JSON.parse(readFileSync(join(oracleDir, `${id}.json`), 'utf8')) as { cases: OracleCase[] };
  return doc.cases;
}

/** Exact float32 equality, with a message that says which component differs. */
function assertObs(actual: Float32Array, expected: number[], where: string): void {
  assert.equal(actual.length, expected.length, `${where}: observation length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Object.is(actual[i], Math.fround(expected[i])),
      `${where}: obs[${i}] = ${actual[i]}, Gymnasium has ${expected[i]}`,
    );
  }
}

for (const id of ['CartPole-v1', 'Acrobot-v1', 'MountainCar-v0']) {
  describe(`${id} matches Gymnasium step for step`, () => {
    for (const c of loadCases(id)) {
      it(`seed ${c.seed}: reset, ${c.actions.length} steps and the next unseeded reset are bit-identical`, () => {
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
  });
}

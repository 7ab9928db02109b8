import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { make } from '../../../../src/shared/envs/registry.js';
import { CartPoleVectorEnv, SyncVectorEnv, makeVec } from '../../../../src/shared/envs/vector/index.js';
import type { AutoresetMode, VectorEnv, VectorResetOptions } from '../../../../src/shared/envs/vector/index.js';
import { repoRoot } from '../../../helpers/paths.js';

/** Recorded by test/fixtures/gymnasium/record_vector.py from Gymnasium's own make_vec. */
interface ResetEvent {
  type: 'reset';
  seed?: number;
  reset_mask?: boolean[];
  options?: { low: number; high: number };
  obs: number[];
}
interface StepEvent {
  type: 'step';
  actions: number[];
  obs: number[];
  rewards: number[];
  terminations: boolean[];
  truncations: boolean[];
  final_obs?: (number[] | null)[];
}
interface Case {
  env_id: string;
  vectorization_mode: 'vector_entry_point' | 'sync';
  autoreset_mode: AutoresetMode;
  num_envs: number;
  max_episode_steps?: number;
  events: (ResetEvent | StepEvent)[];
}

const fixture = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'gymnasium', 'vector.json'), 'utf8')) as {
  gymnasium: string;
  cases: Case[];
};

const name = (c: Case): string => {
  const bounds = c.events.find((e): e is ResetEvent => e.type === 'reset' && e.options !== undefined)?.options;
  return (
    `${c.env_id} ${c.vectorization_mode} ${c.autoreset_mode}, ${c.num_envs} sub-envs` +
    (c.max_episode_steps === undefined ? '' : `, ${c.max_episode_steps}-step limit`) +
    (bounds === undefined ? '' : `, reset bounds [${bounds.low}, ${bounds.high}]`)
  );
};

/** Replays a case's resets and actions and checks every result equals Gymnasium's, bit for bit. */
function replay(env: VectorEnv, c: Case): void {
  const bools = (a: Uint8Array): boolean[] => Array.from(a, (v) => v === 1);
  c.events.forEach((e, k) => {
    const where = `${name(c)}, event ${k}`;
    if (e.type === 'reset') {
      const options: VectorResetOptions = {};
      if (e.seed !== undefined) options.seed = e.seed;
      if (e.reset_mask !== undefined) options.options = { resetMask: e.reset_mask };
      if (e.options !== undefined) options.options = { ...e.options };
      const r = env.reset(options);
      assert.deepEqual(Array.from(r.obs), e.obs, where);
      return;
    }
    const r = env.step(e.actions);
    assert.deepEqual(Array.from(r.obs), e.obs, where);
    assert.deepEqual(Array.from(r.rewards), e.rewards, where);
    assert.deepEqual(bools(r.terminations), e.terminations, where);
    assert.deepEqual(bools(r.truncations), e.truncations, where);
    const ended = e.terminations.map((t, i) => t || e.truncations[i]);
    if (c.autoreset_mode === 'same-step' && ended.some((x) => x)) {
      const finals = r.infos.finalObs ?? [];
      assert.deepEqual(r.infos._finalObs, ended, where);
      assert.deepEqual(
        finals.map((o) => (o === undefined ? null : Array.from(o))),
        e.final_obs,
        where,
      );
    } else {
      assert.equal(r.infos.finalObs, undefined, where);
    }
  });
}

function build(c: Case, engine?: 'auto' | 'wasm' | 'js'): VectorEnv {
  const limit = c.max_episode_steps === undefined ? {} : { maxEpisodeSteps: c.max_episode_steps };
  if (engine !== undefined) {
    const seeding = c.vectorization_mode === 'sync' ? 'per-env' : 'shared';
    return new CartPoleVectorEnv(c.num_envs, { engine, seeding, autoresetMode: c.autoreset_mode, ...limit });
  }
  const vectorizationMode = c.vectorization_mode === 'sync' ? 'sync' : 'vector';
  const defaults = c.vectorization_mode === 'vector_entry_point' && c.autoreset_mode === 'next-step';
  // Gymnasium's own default for CartPole is the vector entry point: makeVec without options must match it.
  return defaults
    ? makeVec(c.env_id, c.num_envs, limit)
    : makeVec(c.env_id, c.num_envs, { vectorizationMode, autoresetMode: c.autoreset_mode, ...limit });
}

describe(`vector envs against Gymnasium ${fixture.gymnasium}'s make_vec`, () => {
  it('the recording covers both vectorization modes, every autoreset mode, terminations and truncations', () => {
    const modes = new Set(fixture.cases.map((c) => `${c.env_id} ${c.vectorization_mode} ${c.autoreset_mode}`));
    for (const id of ['CartPole-v1', 'Acrobot-v1']) {
      for (const m of ['next-step', 'same-step', 'disabled']) assert.ok(modes.has(`${id} sync ${m}`), `${id} ${m}`);
    }
    assert.ok(modes.has('CartPole-v1 vector_entry_point next-step'));
    for (const c of fixture.cases) {
      const steps = c.events.filter((e): e is StepEvent => e.type === 'step');
      assert.ok(
        steps.some((e) => e.terminations.includes(true)),
        `${name(c)} has no termination`,
      );
    }
    const truncating = fixture.cases.filter((c) =>
      c.events.some((e) => e.type === 'step' && e.truncations.includes(true)),
    );
    assert.ok(truncating.some((c) => c.vectorization_mode === 'vector_entry_point'));
    assert.ok(truncating.some((c) => c.vectorization_mode === 'sync'));
  });

  for (const c of fixture.cases) {
    it(`makeVec reproduces ${name(c)}`, () => replay(build(c), c));
    if (c.env_id === 'CartPole-v1') {
      for (const engine of ['wasm', 'js'] as const) {
        it(`the ${engine} CartPole kernel reproduces ${name(c)}`, () => replay(build(c, engine), c));
      }
    }
    if (c.vectorization_mode === 'sync') {
      const limit = c.max_episode_steps === undefined ? {} : { maxEpisodeSteps: c.max_episode_steps };
      it(`SyncVectorEnv over make('${c.env_id}') reproduces ${name(c)}`, () =>
        replay(new SyncVectorEnv(() => make(c.env_id, limit), c.num_envs, { autoresetMode: c.autoreset_mode }), c));
    }
  }
});

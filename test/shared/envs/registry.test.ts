import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENV_IDS, envSpec, make } from '../../../src/shared/envs/registry.js';
import { EnvError } from '../../../src/shared/envs/types.js';

describe('make(id)', () => {
  it('builds every registered id with its Gymnasium spaces and time limit', () => {
    const expected: Record<string, [number, number, number]> = {
      'CartPole-v1': [4, 2, 500],
      'Acrobot-v1': [6, 3, 500],
      'MountainCar-v0': [2, 3, 200],
      'LunarLander-v3': [8, 4, 1000],
    };
    assert.deepEqual([...ENV_IDS].sort(), Object.keys(expected).sort());
    for (const [id, [obsDim, n, limit]] of Object.entries(expected)) {
      const env = make(id);
      assert.deepEqual(env.observationSpace.shape, [obsDim], id);
      assert.equal(env.actionSpace.n, n, id);
      assert.equal(env.maxEpisodeSteps, limit, id);
      assert.deepEqual([envSpec(id).obsDim, envSpec(id).nActions, envSpec(id).maxEpisodeSteps], [obsDim, n, limit]);
      const { obs } = env.reset({ seed: 1 });
      assert.ok(obs instanceof Float32Array && obs.length === obsDim, `${id} obs is a Float32Array`);
    }
  });

  it('rejects an unknown id and lists the known ones', () => {
    for (const f of [(id: string) => make(id), envSpec]) {
      assert.throws(
        () => f('Pong-v5'),
        (e: unknown) =>
          e instanceof EnvError && e.code === 'ENV_UNKNOWN_ID' && /CartPole-v1, Acrobot-v1/.test(e.message),
      );
    }
    const inherited: string = 'toString';
    assert.throws(() => make(inherited), /unknown environment id/);
  });
});

describe('environment misuse gets a clear error', () => {
  for (const id of ['CartPole-v1', 'Acrobot-v1', 'MountainCar-v0', 'LunarLander-v3']) {
    it(`${id}: step before reset, bad actions, bad seeds, stepping a finished episode`, () => {
      const env = make(id);
      assert.throws(() => env.step(0), /reset\(\)/);
      assert.throws(() => env.reset({ seed: -1 }), /non-negative integer/);
      assert.throws(() => env.reset({ seed: 1.5 }), /non-negative integer/);
      env.reset({ seed: 3 });
      assert.throws(() => env.step(env.actionSpace.n), /action must be an integer/);
      assert.throws(() => env.step(-1), /action must be an integer/);
      assert.throws(() => env.step(0.5), /action must be an integer/);
      let done = false;
      while (!done) {
        const r = env.step(0);
        done = r.terminated || r.truncated;
      }
      assert.throws(() => env.step(0), /episode has ended/);
      env.reset();
      env.step(0); // a fresh episode steps again
    });
  }

  for (const id of ['CartPole-v1', 'Acrobot-v1', 'MountainCar-v0']) {
    it(`${id}: each misuse has its own error code`, () => {
      const env = make(id);
      const code = (f: () => unknown): string | undefined => {
        try {
          f();
        } catch (e) {
          return e instanceof EnvError ? e.code : 'not an EnvError';
        }
        return undefined;
      };
      assert.equal(
        code(() => env.step(0)),
        'ENV_NOT_RESET',
      );
      assert.equal(
        code(() => env.reset({ seed: -3 })),
        'ENV_BAD_SEED',
      );
      assert.equal(
        code(() => env.reset({ seed: Number.NaN })),
        'ENV_BAD_SEED',
      );
      assert.equal(
        code(() => env.reset({ seed: '7' as unknown as number })),
        'ENV_BAD_SEED',
      );
      env.reset({ seed: 0 });
      assert.equal(
        code(() => env.step(env.actionSpace.n)),
        'ENV_BAD_ACTION',
      );
      assert.equal(
        code(() => env.step(Number.NaN)),
        'ENV_BAD_ACTION',
      );
      for (let done = false; !done;) {
        const r = env.step(0);
        done = r.terminated || r.truncated;
      }
      assert.equal(
        code(() => env.step(0)),
        'ENV_EPISODE_ENDED',
      );
    });
  }

  it('truncates at the time limit with truncated=true on exactly the last step', () => {
    const env = make('MountainCar-v0');
    env.reset({ seed: 0 });
    for (let t = 1; t <= 200; t++) {
      const r = env.step(1); // no push: never reaches the flag
      assert.equal(r.truncated, t === 200, `step ${t}`);
      assert.equal(r.terminated, false);
    }
  });

  it('the same seed gives the same episode; reset() without a seed continues the generator', () => {
    const a = make('CartPole-v1');
    const b = make('CartPole-v1');
    assert.deepEqual(a.reset({ seed: 7 }).obs, b.reset({ seed: 7 }).obs);
    const second = a.reset().obs;
    assert.notDeepEqual(second, b.reset({ seed: 7 }).obs);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CartPole } from '../../../src/shared/envs/cartpole.js';
import { LunarLander } from '../../../src/shared/envs/lunar_lander.js';
import { ENV_IDS, envSpec, make, pprintRegistry, register, registry } from '../../../src/shared/envs/registry.js';
import { EnvError } from '../../../src/shared/envs/types.js';
import type { Env } from '../../../src/shared/envs/types.js';
import { gymnasiumApi } from './gymnasium_api.js';

/** make() with an id typed as a plain string, as user input reaches it (literal typos do not type-check). */
const makeAtRunTime = (id: string): Env => make(id);

function errorOf(f: () => unknown): EnvError {
  try {
    f();
  } catch (e) {
    if (e instanceof EnvError) return e;
    throw e;
  }
  throw new Error('expected an EnvError');
}

describe("make(id, { maxEpisodeSteps }) is Gymnasium's TimeLimit", () => {
  for (const c of gymnasiumApi.time_limits) {
    it(`${c.env_id} with maxEpisodeSteps ${c.max_episode_steps}: truncated exactly where Gymnasium truncates`, () => {
      const env = make(c.env_id, { maxEpisodeSteps: c.max_episode_steps });
      assert.equal(env.maxEpisodeSteps, c.max_episode_steps);
      assert.equal(env.spec?.maxEpisodeSteps, c.spec_max_episode_steps);
      let obs = env.reset({ seed: c.seed }).obs;
      for (const [t, s] of c.steps.entries()) {
        const action =
          c.env_id === 'CartPole-v1' && c.max_episode_steps === 7 ? (obs[2] + 0.5 * obs[3] > 0 ? 1 : 0) : s.action;
        assert.equal(action, s.action, `step ${t + 1} action`);
        const r = env.step(action);
        obs = r.obs;
        assert.deepEqual([r.reward, r.terminated, r.truncated], [s.reward, s.terminated, s.truncated], `step ${t + 1}`);
      }
      assert.throws(() => env.step(0), /episode has ended/);
    });
  }

  it('LunarLander-v3 truncates at its own maxEpisodeSteps too', () => {
    const env = make('LunarLander-v3', { maxEpisodeSteps: 5 });
    env.reset({ seed: 1 });
    const flags = Array.from({ length: 5 }, () => env.step(0).truncated);
    assert.deepEqual(flags, [false, false, false, false, true]);
  });

  it('refuses a limit that is not a positive integer', () => {
    for (const bad of [0, -3, 2.5, Number.NaN, '10']) {
      const e = errorOf(() => make('CartPole-v1', { maxEpisodeSteps: bad as number }));
      assert.match(e.message, /maxEpisodeSteps must be a positive integer/);
      assert.equal(e.code, 'ENV_BAD_OPTION');
    }
  });
});

describe('env keyword options', () => {
  for (const c of gymnasiumApi.sutton_barto) {
    it(`CartPole suttonBartoReward (seed ${c.seed}): 0 per step and −1 on the fall, as Gymnasium`, () => {
      const env = make('CartPole-v1', { suttonBartoReward: true });
      env.reset({ seed: c.seed });
      const rewards: number[] = [];
      let done = false;
      let terminated = false;
      while (!done) {
        const r = env.step(c.action);
        rewards.push(r.reward);
        terminated = r.terminated;
        done = r.terminated || r.truncated;
      }
      assert.deepEqual(rewards, c.rewards);
      assert.equal(terminated, c.terminated);
      assert.deepEqual(env.spec?.kwargs, { suttonBartoReward: true });
    });
  }

  for (const c of gymnasiumApi.goal_velocity) {
    it(`MountainCar goalVelocity ${c.goal_velocity}: the episode ends on the same step as Gymnasium's`, () => {
      const env = make('MountainCar-v0', { goalVelocity: c.goal_velocity, maxEpisodeSteps: 400 });
      let obs = env.reset({ seed: c.seed }).obs;
      let steps = 0;
      let end = { terminated: false, truncated: false };
      while (!end.terminated && !end.truncated) {
        const r = env.step(obs[1] >= 0 ? 2 : 0);
        obs = r.obs;
        end = r;
        steps++;
      }
      assert.deepEqual([steps, end.terminated, Array.from(obs)], [c.steps, c.terminated, c.final_obs]);
    });
  }

  it('LunarLander: gravity, enableWind, windPower and turbulencePower change the episode; continuous is refused', () => {
    const first = (env: Env): number[] => {
      env.reset({ seed: 3 });
      for (let t = 0; t < 30; t++) env.step(0);
      return Array.from(env.step(0).obs);
    };
    const base = first(make('LunarLander-v3'));
    assert.notDeepEqual(first(make('LunarLander-v3', { gravity: -5 })), base);
    assert.notDeepEqual(first(make('LunarLander-v3', { enableWind: true, windPower: 20, turbulencePower: 2 })), base);
    assert.deepEqual(first(make('LunarLander-v3', { continuous: false })), base);
    const e = errorOf(() => make('LunarLander-v3', { continuous: true }));
    assert.equal(e.code, 'ENV_UNSUPPORTED_OPTION');
    assert.match(e.message, /continuous: true is not supported; .*discrete actions only/);
    assert.match(errorOf(() => make('LunarLander-v3', { gravity: -13 })).message, /gravity must be between -12 and 0/);
    assert.match(
      errorOf(() => make('LunarLander-v3', { windPower: '15' as unknown as number })).message,
      /windPower must be a finite number/,
    );
  });

  it('an unknown key is refused, naming it and listing what the id accepts', () => {
    const unknown = (id: string, options: Record<string, unknown>): string => errorOf(() => make(id, options)).message;
    assert.match(
      unknown('CartPole-v1', { suttonBarto: true }),
      /unknown option 'suttonBarto'; accepted: suttonBartoReward, maxEpisodeSteps/,
    );
    assert.match(unknown('Acrobot-v1', { gravity: -9 }), /unknown option 'gravity'; accepted: maxEpisodeSteps/);
    assert.match(unknown('LunarLander-v3', { particles: true }), /unknown option 'particles'/);
    assert.match(unknown('CartPole-v1', { suttonBartoReward: 1 }), /suttonBartoReward must be true or false, got 1/);
  });
});

describe('ids: built-ins, deprecated versions, typos', () => {
  for (const [id, expected] of Object.entries(gymnasiumApi.errors)) {
    it(`make('${id}') is refused as Gymnasium refuses it (${expected?.type})`, () => {
      const e = errorOf(() => make(id));
      if (expected?.type === 'NameNotFound') {
        assert.equal(e.code, 'ENV_UNKNOWN_ID');
        assert.match(e.message, /Did you mean 'CartPole-v1'\?/);
      } else {
        assert.equal(e.message, expected?.message);
      }
    });
  }

  it('LunarLander-v2 is no longer an alias: the deprecation code tells callers to move to v3', () => {
    assert.equal(errorOf(() => makeAtRunTime('LunarLander-v2')).code, 'ENV_DEPRECATED');
    assert.equal(errorOf(() => envSpec('LunarLander-v2')).code, 'ENV_DEPRECATED');
  });

  it('CartPole-v0 is refused with the make() call that reproduces it', () => {
    assert.match(
      errorOf(() => makeAtRunTime('CartPole-v0')).message,
      /make\('CartPole-v1', \{ maxEpisodeSteps: 200 \}\)/,
    );
  });
});

describe('spec, metadata, unwrapped, close, toString', () => {
  for (const id of ENV_IDS) {
    it(`${id}: env.spec and envSpec(id) carry Gymnasium's EnvSpec fields`, () => {
      const g = gymnasiumApi.specs[id];
      const env = make(id);
      for (const spec of [env.spec, envSpec(id)]) {
        assert.ok(spec);
        assert.deepEqual(
          [
            spec.id,
            spec.name,
            spec.version,
            spec.maxEpisodeSteps,
            spec.rewardThreshold,
            spec.nondeterministic,
            spec.kwargs,
          ],
          [g.id, g.name, g.version, g.max_episode_steps, g.reward_threshold, g.nondeterministic, g.kwargs],
        );
      }
      if (g.metadata) {
        assert.deepEqual(env.metadata, { renderModes: g.metadata.render_modes, renderFps: g.metadata.render_fps });
      }
      assert.equal(env.unwrapped, env);
      assert.equal(registry().get(id)?.id, id);
    });
  }

  it('toString names the class, the id, the limit and the options given', () => {
    assert.equal(String(make('CartPole-v1')), '<CartPole<CartPole-v1, maxEpisodeSteps=500>>');
    assert.equal(
      String(make('CartPole-v1', { suttonBartoReward: true, maxEpisodeSteps: 9 })),
      '<CartPole<CartPole-v1, maxEpisodeSteps=9, suttonBartoReward=true>>',
    );
    assert.equal(String(new CartPole()), '<CartPole instance>');
    assert.equal(new CartPole().spec, null);
  });

  it('close() can be called twice; a closed LunarLander needs reset() before the next step', () => {
    const env = make('LunarLander-v3');
    env.reset({ seed: 0 });
    env.close();
    env.close();
    assert.throws(() => env.step(0), /call reset\(\) before step\(\)/);
    env.reset({ seed: 0 });
    env.step(0);
    const cart = make('CartPole-v1');
    cart.close();
    cart.reset({ seed: 0 });
    cart.step(0);
  });
});

describe('register(id, factory, defaults)', () => {
  it('adds an id that make() builds with its defaults, updated by make options, and lists it', () => {
    register('evoscale/ShortCartPole-v0', (kw) => new CartPole(kw), {
      maxEpisodeSteps: 20,
      rewardThreshold: 19,
      kwargs: { suttonBartoReward: true },
    });
    const id: string = 'evoscale/ShortCartPole-v0';
    const env = make(id);
    assert.equal(env.maxEpisodeSteps, 20);
    assert.deepEqual(env.spec?.kwargs, { suttonBartoReward: true });
    assert.equal(env.spec?.name, 'evoscale/ShortCartPole');
    assert.equal(make(id, { maxEpisodeSteps: 3 }).maxEpisodeSteps, 3);
    assert.equal(make(id, { suttonBartoReward: false }).spec?.kwargs.suttonBartoReward, false);
    assert.equal(registry().get(id)?.obsDim, 4);
    assert.match(pprintRegistry(), /evoscale\/ShortCartPole-v0 +maxEpisodeSteps 20, rewardThreshold 19/);
    assert.match(pprintRegistry(), /LunarLander-v3 +maxEpisodeSteps 1000, rewardThreshold 200/);
  });

  it('refuses a malformed id, a factory that is not a function, and a factory that ignores the limit', () => {
    assert.throws(() => register('bad id!', () => new CartPole()), /malformed environment id 'bad id!'/);
    assert.throws(() => register('X-v0', 'nope' as unknown as () => CartPole), /factory must be a function/);
    register('evoscale/FixedLimit-v0', () => new LunarLander(), { maxEpisodeSteps: 10 });
    const id: string = 'evoscale/FixedLimit-v0';
    assert.throws(() => make(id), /ignored maxEpisodeSteps=10 \(its env has 1000\)/);
  });
});

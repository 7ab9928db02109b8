import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { make } from '../../../../src/shared/envs/registry.js';
import type { BoxSpace } from '../../../../src/shared/envs/types.js';
import { ClipAction } from '../../../../src/shared/envs/wrappers/clip_action.js';
import type { CoreEnv } from '../../../../src/shared/envs/wrappers/wrapper.js';
import { f32, fixture } from './fixture.js';

/** The fixture's EchoBox: a Box action space, and the observation is the action the env received. */
class EchoBox implements CoreEnv<Float32Array, Float32Array> {
  readonly actionSpace: BoxSpace;
  readonly observationSpace: BoxSpace;

  constructor(low: Float32Array, high: Float32Array) {
    this.actionSpace = { kind: 'box', shape: [low.length], low, high };
    const inf = new Float32Array(low.length);
    this.observationSpace = {
      kind: 'box',
      shape: [low.length],
      low: inf.map(() => -Infinity),
      high: inf.map(() => Infinity),
    };
  }

  reset() {
    return { obs: new Float32Array(this.actionSpace.low.length), info: {} };
  }

  step(action: Float32Array) {
    return { obs: Float32Array.from(action), reward: 0, terminated: false, truncated: false, info: {} };
  }
}

describe("ClipAction clips continuous actions into the Box as Gymnasium's", () => {
  const c = fixture.clip_action;
  const echo = () => new EchoBox(f32(c.action_space.low), f32(c.action_space.high));

  it('the env receives exactly the actions Gymnasium clipped', () => {
    const env = new ClipAction(echo());
    env.reset();
    c.actions.forEach((a, k) => assert.deepEqual(env.step(f32(a)).obs, f32(c.received[k]), `action ${k}`));
  });

  it("the wrapper's own action space is unbounded, as Gymnasium's", () => {
    const env = new ClipAction(echo());
    assert.deepEqual(env.actionSpace.low, f32(c.wrapper_action_space.low));
    assert.deepEqual(env.actionSpace.high, f32(c.wrapper_action_space.high));
    assert.deepEqual(env.actionSpace.shape, [3]);
  });

  it('reads any Box-shaped action space (e.g. a space class with Float64Array or plain-array bounds)', () => {
    const inner = echo();
    const classy = Object.assign(Object.create(inner) as EchoBox, {
      actionSpace: {
        shape: [3],
        low: Float64Array.from(inner.actionSpace.low),
        high: Array.from(inner.actionSpace.high),
      },
    });
    const env = new ClipAction(classy);
    env.reset();
    assert.deepEqual(env.step([5, -5, 5]).obs, Float32Array.of(1, -2, 3));
  });

  it('refuses an env with discrete actions, and an action of the wrong length', () => {
    assert.throws(() => new ClipAction(make('CartPole-v1') as never), /action space must be a Box/);
    const env = new ClipAction(echo());
    env.reset();
    assert.throws(() => env.step([1, 2]), /action must have 3 values, got 2/);
  });
});

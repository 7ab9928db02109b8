import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { make } from '../../../../src/shared/envs/registry.js';
import { FrameStackObservation } from '../../../../src/shared/envs/wrappers/frame_stack.js';
import { f32, fixture, resetOptions } from './fixture.js';

/**
 * The stacked bounds are the env's bounds repeated per frame. Gymnasium's finite bounds must match exactly; where
 * Gymnasium has ±inf, evoscale's CartPole space currently holds ±float32 max, so those entries are compared with the
 * wrapped env's own bound (the env's space is the env's business, not the wrapper's).
 */
function assertBounds(got: Float32Array, gymnasium: Float32Array, inner: Float32Array): void {
  assert.equal(got.length, gymnasium.length);
  got.forEach((v, i) => {
    const want = Number.isFinite(gymnasium[i]) ? gymnasium[i] : inner[i % inner.length];
    assert.equal(v, want, `bound ${i}`);
  });
}

describe("FrameStackObservation stacks and pads as Gymnasium 1.x's", () => {
  for (const c of fixture.frame_stack) {
    it(`stack ${c.stack_size}, padding '${c.padding_type}': observation space and every stacked observation`, () => {
      const paddingType = c.padding_type === 'custom' ? f32(c.padding_value ?? []) : c.padding_type;
      const env = new FrameStackObservation(make(c.env), c.stack_size, { paddingType });
      assert.deepEqual(env.observationSpace.shape, c.observation_space.shape);
      assertBounds(env.observationSpace.low, f32(c.observation_space.low), make(c.env).observationSpace.low);
      assertBounds(env.observationSpace.high, f32(c.observation_space.high), make(c.env).observationSpace.high);
      for (const ep of c.episodes) {
        assert.deepEqual(env.reset(resetOptions(ep)).obs, f32(ep.reset_obs), 'reset observation');
        ep.actions.forEach((a, t) => assert.deepEqual(env.step(a).obs, f32(ep.obs[t]), `step ${t}`));
      }
    });
  }

  it('refuses a custom padding outside the observation space and a bad stack size', () => {
    assert.throws(
      () => new FrameStackObservation(make('CartPole-v1'), 2, { paddingType: [9, 0, 0, 0] }),
      /custom paddingType must be an observation inside the env's space/,
    );
    assert.throws(() => new FrameStackObservation(make('CartPole-v1'), 0), /stackSize must be a positive integer/);
  });
});

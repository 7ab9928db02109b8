import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { make } from '../../../../src/shared/envs/registry.js';
import type { Env } from '../../../../src/shared/envs/types.js';
import { FrameStackObservation } from '../../../../src/shared/envs/wrappers/frame_stack.js';
import { NormalizeObservation } from '../../../../src/shared/envs/wrappers/normalize_observation.js';
import { RecordEpisodeStatistics } from '../../../../src/shared/envs/wrappers/record_episode_statistics.js';
import { TimeLimit } from '../../../../src/shared/envs/wrappers/time_limit.js';
import { TransformObservation } from '../../../../src/shared/envs/wrappers/transform_observation.js';
import { Wrapper } from '../../../../src/shared/envs/wrappers/wrapper.js';

describe('wrappers compose over any env and forward what they do not change', () => {
  it('a stack of wrappers forwards id, spaces, renderer and sizes, and unwraps to the base env', () => {
    const base = make('MountainCar-v0');
    const env = new RecordEpisodeStatistics(new TimeLimit(base, 50));
    const asEnv: Env = env;
    assert.equal(asEnv.id, 'MountainCar-v0');
    assert.equal(env.observationSpace, base.observationSpace);
    assert.equal(env.actionSpace, base.actionSpace);
    assert.equal(env.renderFps, base.renderFps);
    assert.deepEqual(env.renderSize, base.renderSize);
    assert.equal(env.maxEpisodeSteps, 50);
    assert.equal(env.unwrapped, base);
    assert.equal(String(env), `<RecordEpisodeStatistics<TimeLimit${String(base)}>>`);
  });

  it('forwards spec, metadata and close() where the wrapped env has them', () => {
    let closed = 0;
    const base = Object.assign(make('CartPole-v1'), {
      spec: { id: 'CartPole-v1', maxEpisodeSteps: 500 },
      metadata: { renderModes: ['rgb_array'], renderFps: 50 },
      close: () => {
        closed++;
      },
    });
    const env = new TimeLimit(new Wrapper(base), 10);
    assert.equal(env.spec, base.spec);
    assert.equal(env.metadata, base.metadata);
    env.close();
    assert.equal(closed, 1);
  });

  it('observation wrappers stack: a FrameStack of normalised, transformed observations', () => {
    const env = new FrameStackObservation(
      new NormalizeObservation(new TransformObservation(make('CartPole-v1'), (o) => o.map((v) => v * 2))),
      2,
    );
    const { obs } = env.reset({ seed: 3 });
    assert.equal(obs.length, 8);
    assert.deepEqual(obs.subarray(0, 4), obs.subarray(4, 8));
    assert.deepEqual(env.observationSpace.shape, [2, 4]);
    const stacked: Env = new FrameStackObservation(make('CartPole-v1'), 3);
    assert.ok(stacked.observationSpace.contains(stacked.reset({ seed: 1 }).obs), 'the stacked space is a Box class');
  });

  it('TransformObservation maps reset and step observations and takes the new space', () => {
    const base = make('CartPole-v1');
    const space = { kind: 'box' as const, shape: [1], low: new Float32Array([-10]), high: new Float32Array([10]) };
    const env = new TransformObservation(base, (o) => Float32Array.of(o[0] + o[2]), space);
    const reference = make('CartPole-v1');
    const r0 = reference.reset({ seed: 9 }).obs;
    assert.deepEqual(env.reset({ seed: 9 }).obs, Float32Array.of(r0[0] + r0[2]));
    const r1 = reference.step(1).obs;
    assert.deepEqual(env.step(1).obs, Float32Array.of(r1[0] + r1[2]));
    assert.equal(env.observationSpace, space);
  });
});

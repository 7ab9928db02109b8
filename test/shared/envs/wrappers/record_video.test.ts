import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { make } from '../../../../src/shared/envs/registry.js';
import type { Canvas2D, Env } from '../../../../src/shared/envs/types.js';
import { RgbArrayRendering, type RgbFrame } from '../../../../src/shared/envs/wrappers/rgb_array.js';
import {
  RecordVideo,
  cappedCubicVideoSchedule,
  type RecordVideoOptions,
  type VideoInfo,
  type VideoSink,
} from '../../../../src/shared/envs/wrappers/record_video.js';
import { Wrapper } from '../../../../src/shared/envs/wrappers/wrapper.js';
import { fixture } from './fixture.js';

/** CartPole in rgb_array mode with 1×1 frames holding the step count: RecordVideo's bookkeeping without pixels. */
class TinyFrames extends Wrapper<
  Env,
  Float32Array,
  number,
  Env['observationSpace'],
  Env['actionSpace'],
  RgbFrame,
  'rgb_array'
> {
  private n = 0;

  override get renderMode(): 'rgb_array' {
    return 'rgb_array';
  }

  override render(): RgbFrame {
    this.n++;
    return { width: 1, height: 1, data: Uint8Array.of(this.n & 255, 0, 0) };
  }
}

/** A sink that keeps what each video received. */
function memorySink(): VideoSink & { videos: (VideoInfo & { frames: number })[] } {
  const videos: (VideoInfo & { frames: number })[] = [];
  return {
    videos,
    open(info) {
      const v = { ...info, frames: 0 };
      return {
        addFrame: () => {
          v.frames++;
        },
        close: () => {
          videos.push(v);
          return `memory:${info.name}`;
        },
      };
    },
  };
}

const scenarios: Record<string, Omit<RecordVideoOptions, 'sink'>> = {
  default_schedule: {},
  every_third_episode: { episodeTrigger: (e) => e % 3 === 0 },
  step_trigger_length_40: { stepTrigger: (s) => s % 150 === 0, videoLength: 40 },
  fixed_length_spanning_episodes: { episodeTrigger: (e) => e === 1, videoLength: 120 },
  fps_and_prefix: { episodeTrigger: (e) => e === 0, fps: 12, namePrefix: 'lander' },
};

describe("RecordVideo starts and stops videos where Gymnasium's does", () => {
  const rv = fixture.record_video;
  for (const c of rv.cases) {
    it(`${c.scenario}: the same videos, names, frame counts and fps`, () => {
      const sink = memorySink();
      const env = new RecordVideo(new TinyFrames(make(rv.env)), { ...scenarios[c.scenario], sink });
      rv.seeds.forEach((seed, e) => {
        env.reset({ seed });
        for (const a of rv.actions[e]) {
          const r = env.step(a);
          if (r.terminated || r.truncated) break;
        }
      });
      env.close();
      assert.deepEqual(
        sink.videos.map((v) => ({ name: v.name, frames: v.frames, fps: v.fps })),
        c.videos,
      );
      assert.deepEqual(
        env.videos.map((v) => v.location),
        c.videos.map((v) => `memory:${v.name}`),
      );
    });
  }

  it("cappedCubicVideoSchedule triggers on Gymnasium's episodes (0, 1, 8, 27, …, 729, then every 1000th)", () => {
    const got: number[] = [];
    for (let e = 0; e <= 5000; e++) if (cappedCubicVideoSchedule(e)) got.push(e);
    assert.deepEqual(got, rv.capped_cubic_schedule_upto_5000);
  });

  it('refuses an env that does not render rgb_array frames, saying how to get one', () => {
    assert.throws(
      () => new RecordVideo(make('CartPole-v1') as never, { sink: memorySink() }),
      /render mode is undefined, which cannot be recorded; wrap the env for renderMode 'rgb_array'/,
    );
  });

  it("rgb_array frames are drawn by the env's own renderer on the canvas the factory makes", () => {
    const drawn: string[] = [];
    const ctx = new Proxy({} as Canvas2D, {
      get: (_t, prop) =>
        typeof prop === 'string' && prop !== 'then' ? (..._a: unknown[]) => drawn.push(prop) : undefined,
      set: () => true,
    });
    const sizes: [number, number][] = [];
    const env = new RgbArrayRendering(make('CartPole-v1'), (w, h) => {
      sizes.push([w, h]);
      return { ctx, readRgb: () => new Uint8Array(w * h * 3).fill(7) };
    });
    env.reset({ seed: 0 });
    const frame = env.render();
    env.render();
    assert.deepEqual(sizes, [[600, 400]], 'one canvas of the renderer size, reused');
    assert.equal(frame.width, 600);
    assert.equal(frame.height, 400);
    assert.equal(frame.data.length, 600 * 400 * 3);
    assert.ok(drawn.includes('fillRect') && drawn.includes('fill'), 'CartPole.render drew on the canvas');
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import omggif from 'omggif';
import { GifEncoderStream, gifFolderSink, makeRgbArray, nodeCanvasFactory } from '../../src/media/index.js';
import { make } from '../../src/shared/envs/registry.js';
import { RecordVideo } from '../../src/shared/envs/wrappers/record_video.js';
import { RgbArrayRendering, type RgbFrame } from '../../src/shared/envs/wrappers/rgb_array.js';
import { TimeLimit } from '../../src/shared/envs/wrappers/time_limit.js';

const canvasMissing = await nodeCanvasFactory().then(
  () => false,
  (err: Error) => `skipped: ${err.message}`,
);
const dir = mkdtempSync(join(tmpdir(), 'evoscale-gif-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Decodes every frame of a GIF to RGB. */
function decode(bytes: Uint8Array): { reader: omggif.GifReader; frames: Uint8Array[] } {
  const reader = new omggif.GifReader(bytes);
  const rgba = new Uint8Array(reader.width * reader.height * 4);
  const frames: Uint8Array[] = [];
  for (let i = 0; i < reader.numFrames(); i++) {
    reader.decodeAndBlitFrameRGBA(i, rgba);
    const rgb = new Uint8Array(reader.width * reader.height * 3);
    for (let p = 0; p < reader.width * reader.height; p++) rgb.set(rgba.subarray(p * 4, p * 4 + 3), p * 3);
    frames.push(rgb);
  }
  return { reader, frames };
}

describe('RecordVideo in Node writes animated GIFs of the rgb_array frames', { skip: canvasMissing }, () => {
  it('a 12-step CartPole episode gives a 600×400 GIF of 13 frames at 50 fps that decodes to the rendered frames', async () => {
    const env = new RecordVideo(new TimeLimit(await makeRgbArray('CartPole-v1'), 12), {
      sink: gifFolderSink(dir),
      episodeTrigger: () => true,
      namePrefix: 'cart',
    });
    env.reset({ seed: 4 });
    for (let t = 0; t < 12; t++) env.step(t % 2);
    env.close();
    assert.deepEqual(env.videos, [
      { name: 'cart-episode-0', frames: 13, fps: 50, location: join(dir, 'cart-episode-0.gif') },
    ]);

    const { reader, frames } = decode(readFileSync(join(dir, 'cart-episode-0.gif')));
    assert.equal(reader.width, 600);
    assert.equal(reader.height, 400);
    assert.equal(frames.length, 13);
    assert.equal(reader.loopCount(), 0, 'loops forever');
    assert.equal(reader.frameInfo(0).delay, 2, '50 fps = 2 centiseconds per frame');

    // The same episode rendered directly. The GIF's palette (≤ 256 colours per frame, quantised on a 5-6-5 bit grid)
    // moves the anti-aliased edge pixels by a few levels; flat areas are exact.
    const direct = new RgbArrayRendering(new TimeLimit(make('CartPole-v1'), 12), await nodeCanvasFactory());
    const expected: RgbFrame[] = [];
    direct.reset({ seed: 4 });
    expected.push(direct.render());
    for (let t = 0; t < 12; t++) {
      direct.step(t % 2);
      expected.push(direct.render());
    }
    frames.forEach((frame, k) => {
      let worst = 0;
      let off = 0;
      for (let i = 0; i < frame.length; i++) {
        const d = Math.abs(frame[i] - expected[k].data[i]);
        worst = Math.max(worst, d);
        if (d > 0) off++;
      }
      assert.ok(
        worst <= 16 && off / frame.length < 0.01,
        `frame ${k}: worst ${worst}, ${off} of ${frame.length} values differ`,
      );
    });
    assert.notDeepEqual(frames[0], frames[12], 'the cart moved');
  });

  it('a LunarLander frame shows its black sky and white ground', async () => {
    const env = await makeRgbArray('LunarLander-v3');
    env.reset({ seed: 1 });
    const { data, width, height } = env.render();
    const pixel = (x: number, y: number) => Array.from(data.subarray((y * width + x) * 3, (y * width + x) * 3 + 3));
    assert.deepEqual([width, height], [600, 400]);
    assert.deepEqual(pixel(5, 5), [0, 0, 0]);
    assert.deepEqual(pixel(300, height - 5), [255, 255, 255]);
  });
});

describe('GifEncoderStream', () => {
  const frame = (w: number, h: number, v: number): RgbFrame => ({
    width: w,
    height: h,
    data: new Uint8Array(w * h * 3).fill(v),
  });

  it('keeps the average frame rate exact when 100/fps is not a whole number of centiseconds', () => {
    const gif = new GifEncoderStream(4, 3, 30);
    for (let i = 0; i < 30; i++) gif.addFrame(frame(4, 3, i * 8));
    const { reader } = decode(gif.finish());
    let total = 0;
    for (let i = 0; i < reader.numFrames(); i++) total += reader.frameInfo(i).delay;
    assert.equal(reader.numFrames(), 30);
    assert.equal(total, 100, 'thirty frames at 30 fps last one second');
  });

  it('refuses a frame of another size, naming both sizes', () => {
    const gif = new GifEncoderStream(4, 3, 50);
    gif.addFrame(frame(4, 3, 0));
    assert.throws(() => gif.addFrame(frame(3, 4, 0)), /frame 1 is 3×4 .* the video is 4×3/);
  });
});

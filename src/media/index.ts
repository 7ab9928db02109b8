/** Node-side rendering and video: rgb_array frames on @napi-rs/canvas, RecordVideo to animated GIF files. */
import { make } from '../shared/envs/registry.js';
import type { Env } from '../shared/envs/types.js';
import { RgbArrayRendering, type DrawableEnv } from '../shared/envs/wrappers/rgb_array.js';
import { RecordVideo, type RecordVideoOptions, type RgbArrayEnv } from '../shared/envs/wrappers/record_video.js';
import { nodeCanvasFactory } from './canvas.js';
import { gifFolderSink } from './gif.js';

export { MediaError } from './errors.js';
export { nodeCanvasFactory, rgbaToRgb } from './canvas.js';
export { GifEncoderStream, gifFileWriter, gifFolderSink, gifFileSink } from './gif.js';

/** `env` in rgb_array mode: `render()` returns its frames, drawn by its own renderer on @napi-rs/canvas. */
export async function withRgbArray<E extends DrawableEnv>(env: E): Promise<RgbArrayRendering<E>> {
  return new RgbArrayRendering(env, await nodeCanvasFactory());
}

/** `make(id)` in rgb_array mode (Gymnasium's `gym.make(id, render_mode="rgb_array")`). */
export async function makeRgbArray(id: string): Promise<RgbArrayRendering<Env>> {
  return withRgbArray(make(id));
}

/** Gymnasium's `RecordVideo(env, video_folder=…)`: GIFs named `<namePrefix>-episode-<k>.gif` in `videoFolder`. */
export function recordVideo<E extends RgbArrayEnv>(
  env: E,
  videoFolder: string,
  options: Omit<RecordVideoOptions, 'sink'> = {},
): RecordVideo<E> {
  return new RecordVideo(env, { ...options, sink: gifFolderSink(videoFolder) });
}

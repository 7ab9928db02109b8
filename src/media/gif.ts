/**
 * Animated GIFs from rgb_array frames, encoded with gifenc (pure JavaScript, maintained, streaming: frames are
 * compressed as they arrive, so a 1000-step LunarLander episode never sits in memory as raw pixels).
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import gifenc from 'gifenc';
import { writeFileAtomic } from '../platform/atomic_file.js';
import type { RgbFrame } from '../shared/envs/wrappers/rgb_array.js';
import type { VideoInfo, VideoSink, VideoWriter } from '../shared/envs/wrappers/record_video.js';
import { MediaError } from './errors.js';

/** Streams frames into one GIF; `finish()` returns the file's bytes. */
export class GifEncoderStream {
  private readonly encoder = gifenc.GIFEncoder();
  private frames = 0;
  /** GIF stores delays in centiseconds; the remainders are carried so the average rate matches `fps`. */
  private carry = 0;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly fps: number,
  ) {
    if (!(fps > 0)) throw new MediaError(`GIF: fps must be > 0, got ${fps}.`, 'MEDIA_BAD_FPS');
  }

  get frameCount(): number {
    return this.frames;
  }

  addFrame(frame: RgbFrame): void {
    if (
      frame.width !== this.width ||
      frame.height !== this.height ||
      frame.data.length !== this.width * this.height * 3
    ) {
      throw new MediaError(
        `GIF: frame ${this.frames} is ${frame.width}×${frame.height} (${frame.data.length} bytes), ` +
          `the video is ${this.width}×${this.height}; every frame of a video must have the same size.`,
        'MEDIA_BAD_FRAME',
      );
    }
    const rgba = rgbToRgba(frame.data);
    const palette = gifenc.quantize(rgba, 256);
    const index = gifenc.applyPalette(rgba, palette);
    const exact = 100 / this.fps + this.carry;
    const centis = Math.max(1, Math.round(exact));
    this.carry = exact - centis;
    this.encoder.writeFrame(index, this.width, this.height, { palette, delay: centis * 10, repeat: 0 });
    this.frames += 1;
  }

  finish(): Uint8Array {
    this.encoder.finish();
    return this.encoder.bytes();
  }
}

function rgbToRgba(rgb: Uint8Array): Uint8Array {
  const n = rgb.length / 3;
  const rgba = new Uint8Array(n * 4);
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    rgba[j] = rgb[i * 3];
    rgba[j + 1] = rgb[i * 3 + 1];
    rgba[j + 2] = rgb[i * 3 + 2];
    rgba[j + 3] = 255;
  }
  return rgba;
}

/** A writer that encodes frames as they come and writes `path` when the video ends. */
export function gifFileWriter(path: string, video: VideoInfo): VideoWriter {
  const gif = new GifEncoderStream(video.width, video.height, video.fps);
  return {
    addFrame: (frame) => gif.addFrame(frame),
    close: () => {
      const bytes = gif.finish();
      try {
        mkdirSync(dirname(path), { recursive: true });
        writeFileAtomic(path, bytes); // a reader never sees half a GIF
      } catch (err) {
        throw new MediaError(
          `cannot write the GIF '${path}': ${(err as Error).message}; choose a writable path.`,
          'MEDIA_WRITE_FAILED',
        );
      }
      return path;
    },
  };
}

/** A RecordVideo sink writing `<folder>/<name>.gif` per video, as Gymnasium's `video_folder`. */
export function gifFolderSink(folder: string): VideoSink {
  return { open: (video) => gifFileWriter(join(folder, `${video.name}.gif`), video) };
}

/** A RecordVideo sink writing each video to the path `pathFor` chooses (e.g. one file for one episode). */
export function gifFileSink(pathFor: (video: VideoInfo) => string): VideoSink {
  return { open: (video) => gifFileWriter(pathFor(video), video) };
}

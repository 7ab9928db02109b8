/**
 * rgb_array rendering in Node: the envs' own Canvas2D renderers drawing on @napi-rs/canvas (Skia, prebuilt
 * binaries in npm packages, no system libraries to build). It is an optional dependency, loaded on first use, so
 * that browser users and installs without it still get everything else.
 */
import type { CanvasFactory, RgbCanvas } from '../shared/envs/wrappers/rgb_array.js';
import type { Canvas2D } from '../shared/envs/types.js';
import { MediaError } from './errors.js';

interface NapiCanvasModule {
  createCanvas(
    width: number,
    height: number,
  ): {
    getContext(kind: '2d'): Canvas2D & {
      getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
    };
  };
}

let loaded: Promise<NapiCanvasModule> | null = null;

async function loadNapiCanvas(): Promise<NapiCanvasModule> {
  try {
    return (await import('@napi-rs/canvas')) as unknown as NapiCanvasModule;
  } catch (err) {
    throw new MediaError(
      `rgb_array rendering needs the optional dependency @napi-rs/canvas, which could not be loaded ` +
        `(${(err as Error).message}); install it with 'npm install @napi-rs/canvas' (prebuilt for Linux, macOS ` +
        `and Windows on x64/arm64).`,
      'MEDIA_NO_CANVAS',
    );
  }
}

/** A `CanvasFactory` backed by @napi-rs/canvas; rejects with a MediaError saying how to install it if missing. */
export async function nodeCanvasFactory(): Promise<CanvasFactory> {
  loaded ??= loadNapiCanvas();
  const mod = await loaded.catch((err: unknown) => {
    loaded = null;
    throw err;
  });
  return (width: number, height: number): RgbCanvas => {
    const ctx = mod.createCanvas(width, height).getContext('2d');
    return {
      ctx,
      readRgb(): Uint8Array {
        return rgbaToRgb(ctx.getImageData(0, 0, width, height).data);
      },
    };
  };
}

/** Drops the alpha channel (Gymnasium's rgb_array frames are height × width × 3). */
export function rgbaToRgb(rgba: Uint8Array | Uint8ClampedArray): Uint8Array {
  const n = rgba.length / 4;
  const rgb = new Uint8Array(n * 3);
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    rgb[i * 3] = rgba[j];
    rgb[i * 3 + 1] = rgba[j + 1];
    rgb[i * 3 + 2] = rgba[j + 2];
  }
  return rgb;
}

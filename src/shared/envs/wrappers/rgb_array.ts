/**
 * `renderMode: 'rgb_array'`: `render()` returns the current frame as pixels, drawn by the env's own renderer on
 * a canvas the caller provides (a browser's OffscreenCanvas, or @napi-rs/canvas in Node via `evoscale/node`).
 */
import { EnvError } from '../types.js';
import type { Canvas2D } from '../types.js';
import { Wrapper, type ActOf, type CoreEnv, type ObsOf } from './wrapper.js';

/** One frame as Gymnasium's rgb_array: height × width × 3 bytes, row-major, red-green-blue. */
export interface RgbFrame {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** A drawing surface whose pixels can be read back. */
export interface RgbCanvas {
  readonly ctx: Canvas2D;
  /** The canvas's pixels as RGB (alpha dropped). */
  readRgb(): Uint8Array;
}

/** Makes a canvas of the given size (called once per wrapper). */
export type CanvasFactory = (width: number, height: number) => RgbCanvas;

/** An env with a Canvas2D renderer and a canvas size, as every evoscale env has. */
export interface DrawableEnv extends CoreEnv<unknown, never> {
  readonly renderSize: { readonly width: number; readonly height: number };
  render(ctx: Canvas2D): void;
}

/** Wraps a drawable env so that `render()` returns `RgbFrame`s (Gymnasium's `render_mode="rgb_array"`). */
export class RgbArrayRendering<E extends DrawableEnv> extends Wrapper<
  E,
  ObsOf<E>,
  ActOf<E>,
  E['observationSpace'],
  E['actionSpace'],
  RgbFrame,
  'rgb_array'
> {
  private canvas: RgbCanvas | null = null;

  constructor(
    env: E,
    private readonly createCanvas: CanvasFactory,
  ) {
    super(env);
  }

  override get renderMode(): 'rgb_array' {
    return 'rgb_array';
  }

  /** The current frame; with a `ctx`, draws on it instead (and returns the frame read from the wrapper's canvas). */
  override render(ctx?: Canvas2D): RgbFrame {
    if (ctx) this.env.render(ctx);
    const { width, height } = this.env.renderSize;
    if (!this.canvas) this.canvas = this.createCanvas(width, height);
    this.env.render(this.canvas.ctx);
    const data = this.canvas.readRgb();
    if (data.length !== width * height * 3) {
      throw new EnvError(
        `rgb_array: the canvas returned ${data.length} bytes for a ${width}×${height} frame (expected ${width * height * 3}).`,
        'ENV_BAD_FRAME',
      );
    }
    return { width, height, data };
  }
}

/**
 * The environment contract, shaped after Gymnasium's API (see docs/ARCHITECTURE.md).
 * Everything here is pure and browser-safe: no Node-only APIs.
 */
import { EvoscaleError } from '../errors.js';

export interface BoxSpace {
  readonly kind: 'box';
  readonly shape: readonly number[];
  readonly low: Float32Array;
  readonly high: Float32Array;
}

export interface DiscreteSpace {
  readonly kind: 'discrete';
  readonly n: number;
}

export interface ResetOptions {
  /** Non-negative integer; reseeds the env's NumPy-compatible generator exactly as Gymnasium's `reset(seed=…)`. */
  seed?: number;
}

export interface ResetResult {
  obs: Float32Array;
  info: Record<string, unknown>;
}

export interface StepResult {
  obs: Float32Array;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Record<string, unknown>;
}

/** Minimal subset of CanvasRenderingContext2D that renderers use, so shared code needs no DOM typings. */
export interface Canvas2D {
  fillStyle: string | unknown;
  strokeStyle: string | unknown;
  lineWidth: number;
  fillRect(x: number, y: number, w: number, h: number): void;
  clearRect(x: number, y: number, w: number, h: number): void;
  beginPath(): void;
  closePath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  arc(x: number, y: number, r: number, start: number, end: number, ccw?: boolean): void;
  fill(): void;
  stroke(): void;
  save(): void;
  restore(): void;
  translate(x: number, y: number): void;
  scale(x: number, y: number): void;
  rotate(angle: number): void;
}

export interface Env {
  readonly id: string;
  readonly observationSpace: BoxSpace;
  readonly actionSpace: DiscreteSpace;
  /** Gymnasium's TimeLimit for this id (500, 500, 200, 1000). */
  readonly maxEpisodeSteps: number;
  /** Native frame rate of the human renderer (Gymnasium's `render_fps`). */
  readonly renderFps: number;
  /** Canvas size in pixels of the renderer. */
  readonly renderSize: { readonly width: number; readonly height: number };
  reset(options?: ResetOptions): ResetResult;
  step(action: number): StepResult;
  /** Draws the current state as Gymnasium's pygame renderer would (same colours and proportions). */
  render(ctx: Canvas2D): void;
}

/** Thrown for misuse of an environment: unknown id, action out of range, stepping a finished episode, bad seed. */
export class EnvError extends EvoscaleError {
  constructor(message: string, code = 'ENV_ERROR') {
    super(message, code);
  }
}

/**
 * The environment contract, shaped after Gymnasium's API (see docs/ARCHITECTURE.md).
 * Everything here is pure and browser-safe: no Node-only APIs.
 */
import type { Box, Discrete } from './spaces.js';

// The space shapes and the env error live below this module (spaces.ts imports them), so no import runs in a circle.
export type { BoxSpace, DiscreteSpace } from './space_shapes.js';
export { EnvError } from './env_error.js';

export interface ResetOptions {
  /** Non-negative integer; reseeds the env's NumPy-compatible generator exactly as Gymnasium's `reset(seed=…)`. */
  seed?: number;
  /**
   * Gymnasium's `reset(options=…)`: `{ low, high }` bounds of the initial-state draw for CartPole, Acrobot and
   * MountainCar (as `utils.maybe_parse_reset_bounds`). Unknown keys are refused.
   */
  options?: Readonly<Record<string, unknown>>;
}

/** Gymnasium's `EnvSpec`, camel-cased: how `make` built an env. */
export interface EnvSpec {
  /** The id given to `make`, e.g. `'CartPole-v1'`. */
  readonly id: string;
  /** The id without its version, e.g. `'CartPole'`. */
  readonly name: string;
  /** The id's version number, or null for an unversioned id. */
  readonly version: number | null;
  /** The env's keyword arguments: the registered defaults updated with those given to `make`. */
  readonly kwargs: Readonly<Record<string, unknown>>;
  /** The time limit (Gymnasium's TimeLimit `max_episode_steps`), or null for none. */
  readonly maxEpisodeSteps: number | null;
  /** The episode return at which the task counts as solved, or null. */
  readonly rewardThreshold: number | null;
  readonly nondeterministic: boolean;
  /** Observation length and number of actions (evoscale additions, for sizing models without building the env). */
  readonly obsDim: number;
  readonly nActions: number;
}

/** Gymnasium's `env.metadata`, camel-cased. */
export interface EnvMetadata {
  readonly renderModes: readonly string[];
  readonly renderFps: number;
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
  readonly observationSpace: Box;
  readonly actionSpace: Discrete;
  /** The time limit: `truncated` is true on this step (Gymnasium's TimeLimit; 500, 500, 200, 1000 by default). */
  readonly maxEpisodeSteps: number;
  /** How `make` built this env, or null for one constructed directly (as Gymnasium's `env.spec`). */
  readonly spec: EnvSpec | null;
  /** Render modes and frame rate (Gymnasium's `env.metadata`). */
  readonly metadata: EnvMetadata;
  /** The env under any wrappers (an unwrapped env is its own). */
  readonly unwrapped: Env;
  /** Native frame rate of the human renderer (Gymnasium's `render_fps`). */
  readonly renderFps: number;
  /** Canvas size in pixels of the renderer. */
  readonly renderSize: { readonly width: number; readonly height: number };
  reset(options?: ResetOptions): ResetResult;
  step(action: number): StepResult;
  /** Draws the current state as Gymnasium's pygame renderer would (same colours and proportions). */
  render(ctx: Canvas2D): void;
  /** Releases what the env holds (Gymnasium's `close()`); safe to call twice. */
  close(): void;
  /** Readable description, e.g. `<CartPole<CartPole-v1, maxEpisodeSteps=500>>`. */
  toString(): string;
}

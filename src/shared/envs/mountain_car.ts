/**
 * MountainCar-v0, ported from Gymnasium's classic_control/mountain_car.py: float64 state, float32 observations, and
 * Python's (glibc's) `math.cos`, so every bit agrees with Gymnasium.
 */
import { EpisodeGuard, box } from './episode.js';
import { drawPolygon, fillCircle } from './draw.js';
import { cos64, sin64 } from './libm/sin_cos.js';
import { checkKeys, describeEnv, optNumber, optPositiveInt, optionsRecord, resetBounds } from './options.js';
import { Discrete } from './spaces.js';
import type { Canvas2D, Env, EnvMetadata, EnvSpec, ResetOptions, ResetResult, StepResult } from './types.js';

const MIN_POSITION = -1.2;
const MAX_POSITION = 0.6;
const MAX_SPEED = 0.07;
const GOAL_POSITION = 0.5;
const FORCE = 0.001;
const GRAVITY = 0.0025;

function clip(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

function height(x: number): number {
  return sin64(3 * x) * 0.45 + 0.55;
}

/** Gymnasium's `MountainCarEnv` keywords, camel-cased, plus the time limit `make` would wrap it in. */
export interface MountainCarOptions {
  /** The episode ends once the car is at the flag with at least this velocity (default 0). */
  goalVelocity?: number;
  /** Steps after which `truncated` is set (default 200, as MountainCar-v0's TimeLimit). */
  maxEpisodeSteps?: number;
}

export class MountainCar implements Env {
  readonly id = 'MountainCar-v0';
  readonly observationSpace = box([MIN_POSITION, -MAX_SPEED], [MAX_POSITION, MAX_SPEED]);
  readonly actionSpace = new Discrete(3);
  readonly maxEpisodeSteps: number;
  readonly renderFps = 30;
  readonly renderSize = { width: 600, height: 400 } as const;
  readonly metadata: EnvMetadata = { renderModes: ['human', 'rgb_array'], renderFps: 30 };
  /** Set by `make`; null when constructed directly. */
  readonly spec: EnvSpec | null = null;
  readonly goalVelocity: number;

  private readonly guard: EpisodeGuard;
  private position = 0;
  private velocity = 0;

  constructor(options: MountainCarOptions = {}) {
    const opts = optionsRecord('MountainCar', options);
    checkKeys('MountainCar', opts, ['goalVelocity', 'maxEpisodeSteps']);
    this.goalVelocity = optNumber('MountainCar', 'goalVelocity', opts.goalVelocity) ?? 0;
    this.maxEpisodeSteps = optPositiveInt('MountainCar', 'maxEpisodeSteps', opts.maxEpisodeSteps) ?? 200;
    this.guard = new EpisodeGuard(this.id, 3, this.maxEpisodeSteps);
  }

  get unwrapped(): Env {
    return this;
  }

  /** Nothing to release: rendering draws onto a canvas the caller owns. */
  close(): void {}

  toString(): string {
    return describeEnv('MountainCar', this.spec);
  }

  /** Gymnasium's reset: position uniform in [low, high) (default [−0.6, −0.4); `options` may set them), velocity 0. */
  reset(options: ResetOptions = {}): ResetResult {
    const [low, high] = resetBounds(this.id, options.options, -0.6, -0.4);
    const rng = this.guard.beginReset(options.seed);
    this.position = rng.uniform(low, high);
    this.velocity = 0;
    return { obs: this.observation(), info: {} };
  }

  step(action: number): StepResult {
    this.guard.checkStep(action);
    let velocity = this.velocity + ((action - 1) * FORCE + cos64(3 * this.position) * -GRAVITY);
    velocity = clip(velocity, -MAX_SPEED, MAX_SPEED);
    let position = this.position + velocity;
    position = clip(position, MIN_POSITION, MAX_POSITION);
    if (position === MIN_POSITION && velocity < 0) velocity = 0;
    this.position = position;
    this.velocity = velocity;
    const terminated = position >= GOAL_POSITION && velocity >= this.goalVelocity;
    const truncated = this.guard.endStep(terminated);
    return { obs: this.observation(), reward: -1.0, terminated, truncated, info: {} };
  }

  /** The float64 state [position, velocity] (a copy). */
  get state(): Float64Array {
    return Float64Array.of(this.position, this.velocity);
  }

  private observation(): Float32Array {
    return Float32Array.of(this.position, this.velocity);
  }

  render(ctx: Canvas2D): void {
    const { width, height: H } = this.renderSize;
    const scale = width / (MAX_POSITION - MIN_POSITION);
    const carwidth = 40;
    const carheight = 20;
    const fy = (y: number): number => H - y;
    ctx.fillStyle = 'rgb(255,255,255)';
    ctx.fillRect(0, 0, width, H);
    ctx.strokeStyle = 'rgb(0,0,0)';
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let i = 0; i < 100; i++) {
      const x = MIN_POSITION + ((MAX_POSITION - MIN_POSITION) * i) / 99;
      const px = (x - MIN_POSITION) * scale;
      const py = fy(height(x) * scale);
      if (i === 0) ctx.moveTo(px, py);
      else ctx.lineTo(px, py);
    }
    ctx.stroke();
    const pos = this.position;
    const clearance = 10;
    const rot = Math.cos(3 * pos);
    const c = Math.cos(rot);
    const s = Math.sin(rot);
    const baseX = (pos - MIN_POSITION) * scale;
    const baseY = clearance + height(pos) * scale;
    const [l, r, t, b] = [-carwidth / 2, carwidth / 2, carheight, 0];
    const car = [
      [l, b],
      [l, t],
      [r, t],
      [r, b],
    ].map(([px, py]): [number, number] => [px * c - py * s + baseX, fy(px * s + py * c + baseY)]);
    drawPolygon(ctx, car, 'rgb(0,0,0)');
    for (const wx of [carwidth / 4, -carwidth / 4]) {
      const x = Math.trunc(wx * c + baseX);
      const y = Math.trunc(wx * s + baseY);
      fillCircle(ctx, x, fy(y), Math.trunc(carheight / 2.5), 'rgb(128,128,128)');
    }
    const flagx = Math.trunc((GOAL_POSITION - MIN_POSITION) * scale);
    const flagy1 = Math.trunc(height(GOAL_POSITION) * scale);
    const flagy2 = flagy1 + 50;
    ctx.strokeStyle = 'rgb(0,0,0)';
    ctx.beginPath();
    ctx.moveTo(flagx, fy(flagy1));
    ctx.lineTo(flagx, fy(flagy2));
    ctx.stroke();
    drawPolygon(
      ctx,
      [
        [flagx, fy(flagy2)],
        [flagx, fy(flagy2 - 10)],
        [flagx + 25, fy(flagy2 - 5)],
      ],
      'rgb(204,204,0)',
    );
  }
}

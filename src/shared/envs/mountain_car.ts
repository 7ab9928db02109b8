/**
 * MountainCar-v0, ported from Gymnasium's classic_control/mountain_car.py: float64 state, float32 observations, and
 * Python's (glibc's) `math.cos`, so every bit agrees with Gymnasium.
 */
import { EpisodeGuard, box } from './episode.js';
import { drawPolygon, fillCircle } from './draw.js';
import { cos64, sin64 } from './libm/sin_cos.js';
import type { Canvas2D, DiscreteSpace, Env, ResetOptions, ResetResult, StepResult } from './types.js';

const MIN_POSITION = -1.2;
const MAX_POSITION = 0.6;
const MAX_SPEED = 0.07;
const GOAL_POSITION = 0.5;
const GOAL_VELOCITY = 0;
const FORCE = 0.001;
const GRAVITY = 0.0025;

function clip(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

function height(x: number): number {
  return sin64(3 * x) * 0.45 + 0.55;
}

export class MountainCar implements Env {
  readonly id = 'MountainCar-v0';
  readonly observationSpace = box([MIN_POSITION, -MAX_SPEED], [MAX_POSITION, MAX_SPEED]);
  readonly actionSpace: DiscreteSpace = { kind: 'discrete', n: 3 };
  readonly maxEpisodeSteps = 200;
  readonly renderFps = 30;
  readonly renderSize = { width: 600, height: 400 } as const;

  private readonly guard = new EpisodeGuard(this.id, 3, this.maxEpisodeSteps);
  private position = 0;
  private velocity = 0;

  reset(options: ResetOptions = {}): ResetResult {
    const rng = this.guard.beginReset(options.seed);
    this.position = rng.uniform(-0.6, -0.4);
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
    const terminated = position >= GOAL_POSITION && velocity >= GOAL_VELOCITY;
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

/**
 * CartPole-v1, ported from Gymnasium's classic_control/cartpole.py: float64 state, Euler integration,
 * observations rounded to float32 on the way out, and NumPy's (glibc's) cos/sin, so every bit agrees with Gymnasium.
 */
import { EpisodeGuard, box } from './episode.js';
import { drawPolygon, fillCircle, hline } from './draw.js';
import { cos64, sin64 } from './libm/sin_cos.js';
import { checkKeys, describeEnv, optBoolean, optPositiveInt, optionsRecord, resetBounds } from './options.js';
import { Discrete } from './spaces.js';
import type { Canvas2D, Env, EnvMetadata, EnvSpec, ResetOptions, ResetResult, StepResult } from './types.js';

const GRAVITY = 9.8;
const MASSCART = 1.0;
const MASSPOLE = 0.1;
const TOTAL_MASS = MASSPOLE + MASSCART;
const LENGTH = 0.5; // half the pole's length
const POLEMASS_LENGTH = MASSPOLE * LENGTH;
const FORCE_MAG = 10.0;
const TAU = 0.02;
/** Termination bounds, as Gymnasium computes them. */
export const CARTPOLE_THETA_THRESHOLD = (12 * 2 * Math.PI) / 360;
export const CARTPOLE_X_THRESHOLD = 2.4;

/** Gymnasium's `CartPoleEnv` keywords, camel-cased, plus the time limit `make` would wrap it in. */
export interface CartPoleOptions {
  /** Reward 0 per step and −1 on the terminating step, as Sutton and Barto's original (default false: 1 per step). */
  suttonBartoReward?: boolean;
  /** Steps after which `truncated` is set (default 500, as CartPole-v1's TimeLimit). */
  maxEpisodeSteps?: number;
}

export class CartPole implements Env {
  readonly id = 'CartPole-v1';
  readonly observationSpace = box(
    [-CARTPOLE_X_THRESHOLD * 2, -3.4028234663852886e38, -CARTPOLE_THETA_THRESHOLD * 2, -3.4028234663852886e38],
    [CARTPOLE_X_THRESHOLD * 2, 3.4028234663852886e38, CARTPOLE_THETA_THRESHOLD * 2, 3.4028234663852886e38],
  );
  readonly actionSpace = new Discrete(2);
  readonly maxEpisodeSteps: number;
  readonly renderFps = 50;
  readonly renderSize = { width: 600, height: 400 } as const;
  readonly metadata: EnvMetadata = { renderModes: ['human', 'rgb_array'], renderFps: 50 };
  /** Set by `make`; null when constructed directly. */
  readonly spec: EnvSpec | null = null;
  readonly suttonBartoReward: boolean;

  private readonly guard: EpisodeGuard;
  private x = 0;
  private xDot = 0;
  private theta = 0;
  private thetaDot = 0;

  constructor(options: CartPoleOptions = {}) {
    const opts = optionsRecord('CartPole', options);
    checkKeys('CartPole', opts, ['suttonBartoReward', 'maxEpisodeSteps']);
    this.suttonBartoReward = optBoolean('CartPole', 'suttonBartoReward', opts.suttonBartoReward) ?? false;
    this.maxEpisodeSteps = optPositiveInt('CartPole', 'maxEpisodeSteps', opts.maxEpisodeSteps) ?? 500;
    this.guard = new EpisodeGuard(this.id, 2, this.maxEpisodeSteps);
  }

  get unwrapped(): Env {
    return this;
  }

  /** Gymnasium's reset: each state variable uniform in [low, high) (default ±0.05; `options` may set them). */
  reset(options: ResetOptions = {}): ResetResult {
    const [low, high] = resetBounds(this.id, options.options, -0.05, 0.05);
    const rng = this.guard.beginReset(options.seed);
    this.x = rng.uniform(low, high);
    this.xDot = rng.uniform(low, high);
    this.theta = rng.uniform(low, high);
    this.thetaDot = rng.uniform(low, high);
    return { obs: this.observation(), info: {} };
  }

  /** Nothing to release: rendering draws onto a canvas the caller owns. */
  close(): void {}

  toString(): string {
    return describeEnv('CartPole', this.spec);
  }

  step(action: number): StepResult {
    this.guard.checkStep(action);
    const force = action === 1 ? FORCE_MAG : -FORCE_MAG;
    const costheta = cos64(this.theta);
    const sintheta = sin64(this.theta);
    const temp = (force + POLEMASS_LENGTH * (this.thetaDot * this.thetaDot) * sintheta) / TOTAL_MASS;
    const thetaacc =
      (GRAVITY * sintheta - costheta * temp) / (LENGTH * (4.0 / 3.0 - (MASSPOLE * (costheta * costheta)) / TOTAL_MASS));
    const xacc = temp - (POLEMASS_LENGTH * thetaacc * costheta) / TOTAL_MASS;
    this.x = this.x + TAU * this.xDot;
    this.xDot = this.xDot + TAU * xacc;
    this.theta = this.theta + TAU * this.thetaDot;
    this.thetaDot = this.thetaDot + TAU * thetaacc;

    const terminated =
      this.x < -CARTPOLE_X_THRESHOLD ||
      this.x > CARTPOLE_X_THRESHOLD ||
      this.theta < -CARTPOLE_THETA_THRESHOLD ||
      this.theta > CARTPOLE_THETA_THRESHOLD;
    // Gymnasium pays 1 for every step, the terminating one included (Sutton-Barto: 0, and −1 on termination). Its
    // `steps_beyond_terminated` rule never applies here: stepping a finished episode throws instead.
    const reward = this.suttonBartoReward ? (terminated ? -1.0 : 0.0) : 1.0;
    const truncated = this.guard.endStep(terminated);
    return { obs: this.observation(), reward, terminated, truncated, info: {} };
  }

  /** The float64 state [x, ẋ, θ, θ̇] (a copy), for tests and renderers. */
  get state(): Float64Array {
    return Float64Array.of(this.x, this.xDot, this.theta, this.thetaDot);
  }

  private observation(): Float32Array {
    return Float32Array.of(this.x, this.xDot, this.theta, this.thetaDot);
  }

  render(ctx: Canvas2D): void {
    const { width, height } = this.renderSize;
    const scale = width / (CARTPOLE_X_THRESHOLD * 2);
    const polewidth = 10.0;
    const polelen = scale * (2 * LENGTH);
    const cartwidth = 50.0;
    const cartheight = 30.0;
    // Gymnasium draws with y up, then flips the surface; fy maps its y to canvas rows.
    const fy = (y: number): number => height - y;
    ctx.fillStyle = 'rgb(255,255,255)';
    ctx.fillRect(0, 0, width, height);
    const axleoffset = cartheight / 4.0;
    const cartx = this.x * scale + width / 2.0;
    const carty = 100;
    const [l, r, t, b] = [-cartwidth / 2, cartwidth / 2, cartheight / 2, -cartheight / 2];
    drawPolygon(
      ctx,
      [
        [l + cartx, fy(b + carty)],
        [l + cartx, fy(t + carty)],
        [r + cartx, fy(t + carty)],
        [r + cartx, fy(b + carty)],
      ],
      'rgb(0,0,0)',
    );
    const [pl, pr, pt, pb] = [-polewidth / 2, polewidth / 2, polelen - polewidth / 2, -polewidth / 2];
    const c = Math.cos(-this.theta);
    const s = Math.sin(-this.theta);
    const pole = [
      [pl, pb],
      [pl, pt],
      [pr, pt],
      [pr, pb],
    ].map(([px, py]): [number, number] => [px * c - py * s + cartx, fy(px * s + py * c + carty + axleoffset)]);
    drawPolygon(ctx, pole, 'rgb(202,152,101)');
    fillCircle(
      ctx,
      Math.trunc(cartx),
      fy(Math.trunc(carty + axleoffset)),
      Math.trunc(polewidth / 2),
      'rgb(129,132,203)',
    );
    hline(ctx, 0, width, fy(carty), 'rgb(0,0,0)');
  }
}

/**
 * Acrobot-v1, ported from Gymnasium's classic_control/acrobot.py with its default "book" dynamics and RK4
 * integration. Gymnasium keeps the state as float32 after reset and float64 after each step; we do the same,
 * evaluate every expression in Gymnasium's order, and use NumPy's own sin/cos (glibc's for float64, NumPy's SIMD
 * code for float32) and `**` (glibc's pow), so results agree to the bit even after hundreds of chaotic steps.
 */
import { EpisodeGuard, box } from './episode.js';
import { drawPolygon, fillCircle, line } from './draw.js';
import { cosf32, sinf32 } from './float32_trig.js';
import { cos64, sin64 } from './libm/sin_cos.js';
import { square64 } from './libm/square.js';
import { checkKeys, describeEnv, optPositiveInt, optionsRecord, resetBounds } from './options.js';
import { Discrete } from './spaces.js';
import type { Canvas2D, Env, EnvMetadata, EnvSpec, ResetOptions, ResetResult, StepResult } from './types.js';

const DT = 0.2;
const LINK_LENGTH_1 = 1.0;
const LINK_LENGTH_2 = 1.0;
const LINK_MASS_1 = 1.0;
const LINK_MASS_2 = 1.0;
const LINK_COM_POS_1 = 0.5;
const LINK_COM_POS_2 = 0.5;
const LINK_MOI = 1.0;
const MAX_VEL_1 = 4 * Math.PI;
const MAX_VEL_2 = 9 * Math.PI;
const AVAIL_TORQUE = [-1.0, 0.0, 1.0] as const;
const PI = Math.PI;
const SCREEN_DIM = 500;

/**
 * Derivatives of [θ1, θ2, θ̇1, θ̇2] under torque `a` (Gymnasium's `_dsdt`, book variant), written into `out`.
 * `cosT2`/`sinT2` are cos θ2 and sin θ2, which Gymnasium evaluates several times with the same result; squares go
 * through `square64` because Python's `**` is glibc's `pow`, not a multiplication.
 */
function dsdt(s: Float64Array, a: number, cosT2: number, sinT2: number, out: Float64Array): void {
  const m1 = LINK_MASS_1;
  const m2 = LINK_MASS_2;
  const l1 = LINK_LENGTH_1;
  const lc1 = LINK_COM_POS_1;
  const lc2 = LINK_COM_POS_2;
  const I1 = LINK_MOI;
  const I2 = LINK_MOI;
  const g = 9.8;
  const theta1 = s[0];
  const theta2 = s[1];
  const dtheta1 = s[2];
  const dtheta2 = s[3];
  const d1 = m1 * lc1 ** 2 + m2 * (l1 ** 2 + lc2 ** 2 + 2 * l1 * lc2 * cosT2) + I1 + I2;
  const d2 = m2 * (lc2 ** 2 + l1 * lc2 * cosT2) + I2;
  const phi2 = m2 * lc2 * g * cos64(theta1 + theta2 - PI / 2.0);
  const phi1 =
    -m2 * l1 * lc2 * square64(dtheta2) * sinT2 -
    2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sinT2 +
    (m1 * lc1 + m2 * l1) * g * cos64(theta1 - PI / 2) +
    phi2;
  const ddtheta2 =
    (a + (d2 / d1) * phi1 - m2 * l1 * lc2 * square64(dtheta1) * sinT2 - phi2) /
    (m2 * lc2 ** 2 + I2 - square64(d2) / d1);
  const ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  out[0] = dtheta1;
  out[1] = dtheta2;
  out[2] = ddtheta1;
  out[3] = ddtheta2;
}

function wrap(x: number, m: number, M: number): number {
  const diff = M - m;
  while (x > M) x = x - diff;
  while (x < m) x = x + diff;
  return x;
}

function bound(x: number, m: number, M: number): number {
  return Math.min(Math.max(x, m), M);
}

/** `Acrobot` options: Gymnasium's `AcrobotEnv` takes no keywords besides rendering; only the time limit. */
export interface AcrobotOptions {
  /** Steps after which `truncated` is set (default 500, as Acrobot-v1's TimeLimit). */
  maxEpisodeSteps?: number;
}

export class Acrobot implements Env {
  readonly id = 'Acrobot-v1';
  readonly observationSpace = box([-1, -1, -1, -1, -MAX_VEL_1, -MAX_VEL_2], [1, 1, 1, 1, MAX_VEL_1, MAX_VEL_2]);
  readonly actionSpace = new Discrete(3);
  readonly maxEpisodeSteps: number;
  readonly renderFps = 15;
  readonly renderSize = { width: SCREEN_DIM, height: SCREEN_DIM } as const;
  readonly metadata: EnvMetadata = { renderModes: ['human', 'rgb_array'], renderFps: 15 };
  /** Set by `make`; null when constructed directly. */
  readonly spec: EnvSpec | null = null;

  private readonly guard: EpisodeGuard;
  private readonly s = new Float64Array(4);
  /** After reset Gymnasium's state is float32, and `_get_ob` then works in float32 arithmetic. */
  private stateIsFloat32 = true;
  /** cos and sin of s[1] after a step, reused by the next step's first RK4 stage. */
  private cosS1 = 1;
  private sinS1 = 0;
  // RK4 scratch, allocated once.
  private readonly k1 = new Float64Array(4);
  private readonly k2 = new Float64Array(4);
  private readonly k3 = new Float64Array(4);
  private readonly k4 = new Float64Array(4);
  private readonly tmp = new Float64Array(4);

  constructor(options: AcrobotOptions = {}) {
    const opts = optionsRecord('Acrobot', options);
    checkKeys('Acrobot', opts, ['maxEpisodeSteps']);
    this.maxEpisodeSteps = optPositiveInt('Acrobot', 'maxEpisodeSteps', opts.maxEpisodeSteps) ?? 500;
    this.guard = new EpisodeGuard(this.id, 3, this.maxEpisodeSteps);
  }

  get unwrapped(): Env {
    return this;
  }

  /** Nothing to release: rendering draws onto a canvas the caller owns. */
  close(): void {}

  toString(): string {
    return describeEnv('Acrobot', this.spec);
  }

  /** Gymnasium's reset: θ1, θ2, θ̇1, θ̇2 uniform in [low, high) (default ±0.1; `options` may set them), as float32. */
  reset(options: ResetOptions = {}): ResetResult {
    const [low, high] = resetBounds(this.id, options.options, -0.1, 0.1);
    const rng = this.guard.beginReset(options.seed);
    const s = this.s;
    for (let i = 0; i < 4; i++) s[i] = Math.fround(rng.uniform(low, high));
    this.stateIsFloat32 = true;
    // Gymnasium's state is float32 here, so NumPy's float32 cos/sin apply (they are not correctly rounded).
    const obs = Float32Array.of(cosf32(s[0]), sinf32(s[0]), cosf32(s[1]), sinf32(s[1]), s[2], s[3]);
    return { obs, info: {} };
  }

  step(action: number): StepResult {
    this.guard.checkStep(action);
    const torque = AVAIL_TORQUE[action];
    this.rk4(torque);
    const s = this.s;
    s[0] = wrap(s[0], -PI, PI);
    s[1] = wrap(s[1], -PI, PI);
    s[2] = bound(s[2], -MAX_VEL_1, MAX_VEL_1);
    s[3] = bound(s[3], -MAX_VEL_2, MAX_VEL_2);
    this.stateIsFloat32 = false;
    const cos0 = cos64(s[0]);
    this.cosS1 = cos64(s[1]);
    this.sinS1 = sin64(s[1]);
    const terminated = -cos0 - cos64(s[1] + s[0]) > 1.0;
    const reward = terminated ? 0.0 : -1.0;
    const truncated = this.guard.endStep(terminated);
    const obs = Float32Array.of(cos0, sin64(s[0]), this.cosS1, this.sinS1, s[2], s[3]);
    return { obs, reward, terminated, truncated, info: {} };
  }

  /** Gymnasium's `rk4(self._dsdt, s_augmented, [0, dt])`, one interval. */
  private rk4(a: number): void {
    const { s, k1, k2, k3, k4, tmp } = this;
    const dt = DT - 0;
    const dt2 = dt / 2.0;
    // After a step, cos/sin of θ2 = s[1] were computed for the observation; after reset they are not.
    if (this.stateIsFloat32) dsdt(s, a, cos64(s[1]), sin64(s[1]), k1);
    else dsdt(s, a, this.cosS1, this.sinS1, k1);
    for (let i = 0; i < 4; i++) tmp[i] = s[i] + dt2 * k1[i];
    dsdt(tmp, a, cos64(tmp[1]), sin64(tmp[1]), k2);
    for (let i = 0; i < 4; i++) tmp[i] = s[i] + dt2 * k2[i];
    dsdt(tmp, a, cos64(tmp[1]), sin64(tmp[1]), k3);
    for (let i = 0; i < 4; i++) tmp[i] = s[i] + dt * k3[i];
    dsdt(tmp, a, cos64(tmp[1]), sin64(tmp[1]), k4);
    const w = dt / 6.0;
    for (let i = 0; i < 4; i++) s[i] = s[i] + w * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
  }

  /** The state [θ1, θ2, θ̇1, θ̇2] (a copy). */
  get state(): Float64Array {
    return Float64Array.from(this.s);
  }

  render(ctx: Canvas2D): void {
    const s = this.s;
    const bnd = LINK_LENGTH_1 + LINK_LENGTH_2 + 0.2;
    const scale = SCREEN_DIM / (bnd * 2);
    const offset = SCREEN_DIM / 2;
    const fy = (y: number): number => SCREEN_DIM - y;
    ctx.fillStyle = 'rgb(255,255,255)';
    ctx.fillRect(0, 0, SCREEN_DIM, SCREEN_DIM);
    const p1 = [-LINK_LENGTH_1 * Math.cos(s[0]) * scale, LINK_LENGTH_1 * Math.sin(s[0]) * scale];
    // Gymnasium reverses each point to (y, x) before drawing.
    const xys: [number, number][] = [
      [0, 0],
      [p1[1], p1[0]],
    ];
    const thetas = [s[0] - PI / 2, s[0] + s[1] - PI / 2];
    const lengths = [LINK_LENGTH_1 * scale, LINK_LENGTH_2 * scale];
    line(
      ctx,
      -2.2 * scale + offset,
      fy(1 * scale + offset),
      2.2 * scale + offset,
      fy(1 * scale + offset),
      'rgb(0,0,0)',
    );
    for (let k = 0; k < 2; k++) {
      const x = xys[k][0] + offset;
      const y = xys[k][1] + offset;
      const [l, r, t, b] = [0, lengths[k], 0.1 * scale, -0.1 * scale];
      const c = Math.cos(thetas[k]);
      const sn = Math.sin(thetas[k]);
      const pts = [
        [l, b],
        [l, t],
        [r, t],
        [r, b],
      ].map(([px, py]): [number, number] => [px * c - py * sn + x, fy(px * sn + py * c + y)]);
      drawPolygon(ctx, pts, 'rgb(0,204,204)');
      fillCircle(ctx, Math.trunc(x), fy(Math.trunc(y)), Math.trunc(0.1 * scale), 'rgb(204,204,0)');
    }
  }
}

/**
 * The CartPole step over N sub-envs in struct-of-arrays form: the constants, the memory layout shared with the
 * WebAssembly kernel (cartpole_wasm.ts), and the JavaScript kernel with the same semantics. Both evaluate
 * cartpole.py's expressions in the same order in IEEE-754 doubles with glibc's sin/cos (src/shared/envs/libm), so
 * they produce the same bits as each other and as the single-env CartPole (and Gymnasium's recorded trajectories;
 * see the tests).
 */
import { cos64, sin64 } from '../libm/sin_cos.js';

export const GRAVITY = 9.8;
export const MASS_CART = 1.0;
export const MASS_POLE = 0.1;
export const TOTAL_MASS = MASS_POLE + MASS_CART;
export const LENGTH = 0.5; // half the pole's length
export const POLEMASS_LENGTH = MASS_POLE * LENGTH;
export const FORCE_MAG = 10.0;
export const TAU = 0.02;
export const THETA_THRESHOLD = (12 * 2 * Math.PI) / 360;
export const X_THRESHOLD = 2.4;
export const RESET_LOW = -0.05;
export const RESET_HIGH = 0.05;

/** Typed views of one batch of sub-envs; all share one buffer (WebAssembly memory when the kernel runs there). */
export interface CartPoleArrays {
  x: Float64Array;
  xDot: Float64Array;
  theta: Float64Array;
  thetaDot: Float64Array;
  rewards: Float64Array;
  /** Scratch of the WebAssembly kernel: each running sub-env's cos and sin of theta. */
  cos: Float64Array;
  sin: Float64Array;
  /** Per sub-env PCG64 state for the WebAssembly kernel: [state >> 64, state & mask64, inc >> 64, inc & mask64]. */
  pcg: BigUint64Array;
  obs: Float32Array;
  steps: Int32Array;
  actions: Int32Array;
  terminated: Uint8Array;
  truncated: Uint8Array;
  /** 1 once the sub-env's episode ended (restarted by the next call with autoreset), else 0. */
  done: Uint8Array;
  /** Scratch of the WebAssembly kernel: sub-envs whose cos (first n) or sin (last n) needs glibc's fused stage. */
  fix: Int32Array;
}

export type Key = keyof CartPoleArrays;
/** Array order in memory; also the order of the kernel's offset parameters. */
export const KEYS: readonly Key[] = ['x', 'xDot', 'theta', 'thetaDot', 'rewards', 'cos', 'sin', 'pcg', 'obs', 'steps', 'actions', 'terminated', 'truncated', 'done', 'fix']; // prettier-ignore
const BYTES_PER_ENV: Record<Key, number> = {
  x: 8, xDot: 8, theta: 8, thetaDot: 8, rewards: 8, cos: 8, sin: 8, pcg: 32, obs: 16, steps: 4, actions: 4,
  terminated: 1, truncated: 1, done: 1, fix: 8,
}; // prettier-ignore

/** Byte offsets of each array for n sub-envs (8-byte aligned) from byte `base` on, and the end offset. */
export function layout(n: number, base = 0): { offsets: Record<Key, number>; bytes: number } {
  const offsets = {} as Record<Key, number>;
  let at = base;
  for (const key of KEYS) {
    offsets[key] = at;
    at += Math.ceil((BYTES_PER_ENV[key] * n) / 8) * 8;
  }
  return { offsets, bytes: at };
}

/** Views of `buffer` laid out by `layout(n, base)`. */
export function views(buffer: ArrayBuffer, n: number, base = 0): CartPoleArrays {
  const o = layout(n, base).offsets;
  return {
    x: new Float64Array(buffer, o.x, n),
    xDot: new Float64Array(buffer, o.xDot, n),
    theta: new Float64Array(buffer, o.theta, n),
    thetaDot: new Float64Array(buffer, o.thetaDot, n),
    rewards: new Float64Array(buffer, o.rewards, n),
    cos: new Float64Array(buffer, o.cos, n),
    sin: new Float64Array(buffer, o.sin, n),
    pcg: new BigUint64Array(buffer, o.pcg, 4 * n),
    obs: new Float32Array(buffer, o.obs, 4 * n),
    steps: new Int32Array(buffer, o.steps, n),
    actions: new Int32Array(buffer, o.actions, n),
    terminated: new Uint8Array(buffer, o.terminated, n),
    truncated: new Uint8Array(buffer, o.truncated, n),
    done: new Uint8Array(buffer, o.done, n),
    fix: new Int32Array(buffer, o.fix, 2 * n),
  };
}

/** Steps n sub-envs; returns 0, or i + 1 when actions[i] is not 0 or 1 (then nothing was stepped). */
export type CartPoleKernel = (n: number, limit: number, autoreset: boolean) => number;

/** Writes the restarted state of sub-env i (from `uniform(-0.05, 0.05)` × 4) and clears its step outputs. */
export function writeReset(
  a: CartPoleArrays,
  i: number,
  x: number,
  xDot: number,
  theta: number,
  thetaDot: number,
): void {
  a.x[i] = x;
  a.xDot[i] = xDot;
  a.theta[i] = theta;
  a.thetaDot[i] = thetaDot;
  const o = i * 4;
  a.obs[o] = x;
  a.obs[o + 1] = xDot;
  a.obs[o + 2] = theta;
  a.obs[o + 3] = thetaDot;
  a.steps[i] = 0;
  a.rewards[i] = 0;
  a.terminated[i] = 0;
  a.truncated[i] = 0;
  a.done[i] = 0;
}

/** The JavaScript kernel over `a`; `restart(i)` performs sub-env i's autoreset with its own generator. */
export function jsKernel(a: CartPoleArrays, restart: (i: number) => void): CartPoleKernel {
  const { x: xs, xDot: xDots, theta: thetas, thetaDot: thetaDots, obs, rewards } = a;
  const { terminated, truncated, done, steps, actions } = a;
  return (n, limit, autoreset) => {
    for (let i = 0; i < n; i++) if (actions[i] >>> 0 > 1) return i + 1;
    for (let i = 0; i < n; i++) {
      if (done[i] !== 0) {
        if (autoreset) restart(i);
        else rewards[i] = 0;
        continue;
      }
      // Same expression trees as cartpole.py, so every float64 rounding matches.
      const force = actions[i] === 1 ? FORCE_MAG : -FORCE_MAG;
      let x = xs[i];
      let xDot = xDots[i];
      let theta = thetas[i];
      let thetaDot = thetaDots[i];
      const cos = cos64(theta);
      const sin = sin64(theta);
      const temp = (force + POLEMASS_LENGTH * (thetaDot * thetaDot) * sin) / TOTAL_MASS;
      const thetaAcc = (GRAVITY * sin - cos * temp) / (LENGTH * (4.0 / 3.0 - (MASS_POLE * (cos * cos)) / TOTAL_MASS));
      const xAcc = temp - (POLEMASS_LENGTH * thetaAcc * cos) / TOTAL_MASS;
      x = x + TAU * xDot;
      xDot = xDot + TAU * xAcc;
      theta = theta + TAU * thetaDot;
      thetaDot = thetaDot + TAU * thetaAcc;
      xs[i] = x;
      xDots[i] = xDot;
      thetas[i] = theta;
      thetaDots[i] = thetaDot;
      const o = i * 4;
      obs[o] = x;
      obs[o + 1] = xDot;
      obs[o + 2] = theta;
      obs[o + 3] = thetaDot;
      const term = x < -X_THRESHOLD || x > X_THRESHOLD || theta < -THETA_THRESHOLD || theta > THETA_THRESHOLD;
      const s = steps[i] + 1;
      steps[i] = s;
      // TimeLimit sets truncated independently of terminated, so both can be 1 on the last step.
      const trunc = s >= limit;
      rewards[i] = 1.0;
      terminated[i] = term ? 1 : 0;
      truncated[i] = trunc ? 1 : 0;
      done[i] = term || trunc ? 1 : 0;
    }
    return 0;
  };
}

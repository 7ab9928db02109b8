/**
 * CartPole-v1 as one struct-of-arrays kernel: N carts in Float64 state arrays stepped together (in WebAssembly
 * with SIMD where available, else scalar WebAssembly, else JavaScript; all bit-identical), with the arithmetic of
 * Gymnasium's cartpole.py in the same order, float32 observations, reward 1 per step, the ±2.4 / ±12°
 * termination and the 500-step time limit. Sub-env i owns its own NumPy-compatible generator (seed + i), so each
 * copy's trajectory is exactly the single `CartPole-v1` env's for that seed.
 */
import { NumpyGenerator, PCG64, npRandom } from '../../rng/numpy.js';
import { EnvError } from '../types.js';
import type { BoxSpace, DiscreteSpace } from '../types.js';
import { RESET_HIGH, RESET_LOW, THETA_THRESHOLD, X_THRESHOLD, jsKernel, layout, views, writeReset } from './cartpole_kernel.js'; // prettier-ignore
import { wasmKernel } from './cartpole_wasm.js';
import type { CartPoleArrays, CartPoleKernel } from './cartpole_kernel.js';
import { autoresetOf, badAction, checkActionsLength, checkNumEnvs, notReset, subEnvSeeds } from './checks.js';
import type { AutoresetMode, VectorEnv, VectorEnvOptions, VectorResetOptions, VectorStepResult } from './types.js';

const ID = 'CartPole-v1';
const MASK64 = (1n << 64n) - 1n;

export interface CartPoleVectorOptions extends VectorEnvOptions {
  /** Time limit per episode; Gymnasium's CartPole-v1 uses 500. */
  maxEpisodeSteps?: number;
  /**
   * `'auto'` (default) runs the fastest kernel available: WebAssembly with SIMD, else without, else JavaScript.
   * `'wasm'` skips the SIMD build, `'js'` uses the JavaScript kernel; all give the same bits.
   */
  engine?: 'auto' | 'wasm' | 'js';
}

export class CartPoleVectorEnv implements VectorEnv {
  readonly id = ID;
  readonly numEnvs: number;
  readonly obsDim = 4;
  readonly singleObservationSpace: BoxSpace;
  readonly singleActionSpace: DiscreteSpace = { kind: 'discrete', n: 2 };
  readonly maxEpisodeSteps: number;
  readonly autoreset: AutoresetMode;
  /** Which kernel steps the carts here. */
  readonly engine: 'wasm-simd' | 'wasm' | 'js';
  readonly obs: Float32Array;
  readonly rewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly episodeSteps: Int32Array;
  private readonly a: CartPoleArrays;
  private readonly kernel: CartPoleKernel;
  /**
   * Each sub-env's NumPy generator. The JavaScript engine draws from these; the WebAssembly one keeps the live
   * PCG64 state in its memory (`a.pcg`) and these are only synchronised with it around `reset()`.
   */
  private readonly rngs: (NumpyGenerator | undefined)[];
  private started = false;

  constructor(numEnvs: number, options?: CartPoleVectorOptions) {
    checkNumEnvs(ID, numEnvs);
    const limit = options?.maxEpisodeSteps ?? 500;
    if (!Number.isInteger(limit) || limit < 1 || limit > 0x7fffffff) {
      throw new EnvError(`${ID}: maxEpisodeSteps must be a positive integer, got ${String(limit)}`, 'INVALID_ARGUMENT');
    }
    const engine = options?.engine ?? 'auto';
    if (engine !== 'auto' && engine !== 'wasm' && engine !== 'js') {
      throw new EnvError(`${ID}: engine must be 'auto', 'wasm' or 'js', got ${String(engine)}`, 'INVALID_ARGUMENT');
    }
    this.numEnvs = numEnvs;
    this.maxEpisodeSteps = limit;
    this.autoreset = autoresetOf(ID, options);
    const high = new Float32Array([X_THRESHOLD * 2, Infinity, THETA_THRESHOLD * 2, Infinity]);
    this.singleObservationSpace = { kind: 'box', shape: [4], low: high.map((v) => -v), high };
    this.rngs = new Array<NumpyGenerator | undefined>(numEnvs).fill(undefined);
    const wasm = engine === 'js' ? undefined : wasmKernel(numEnvs, engine === 'auto');
    if (wasm !== undefined) {
      this.a = wasm.arrays;
      this.kernel = wasm.kernel;
      this.engine = wasm.simd ? 'wasm-simd' : 'wasm';
    } else {
      this.a = views(new ArrayBuffer(layout(numEnvs).bytes), numEnvs);
      this.kernel = jsKernel(this.a, (i) => this.restart(i, this.rngs[i] as NumpyGenerator));
      this.engine = 'js';
    }
    this.obs = this.a.obs;
    this.rewards = this.a.rewards;
    this.terminated = this.a.terminated;
    this.truncated = this.a.truncated;
    this.episodeSteps = this.a.steps;
  }

  reset(options?: VectorResetOptions): Float32Array {
    const seeds = subEnvSeeds(ID, options?.seed, this.numEnvs);
    const wasm = this.engine !== 'js';
    for (let i = 0; i < this.numEnvs; i++) {
      // Like Gymnasium's Env.reset: a seed replaces the generator; no seed keeps drawing from the current one
      // (fresh OS entropy the first time).
      let rng: NumpyGenerator;
      if (seeds !== undefined) rng = npRandom(seeds[i]);
      else if (!this.started || this.rngs[i] === undefined) rng = this.rngs[i] ?? npRandom();
      else rng = wasm ? this.loadRng(i) : (this.rngs[i] as NumpyGenerator);
      this.rngs[i] = rng;
      this.restart(i, rng);
      if (wasm) this.storeRng(i, rng);
    }
    this.started = true;
    return this.obs;
  }

  /** Gymnasium's CartPoleEnv.reset for sub-env i: state = np_random.uniform(-0.05, 0.05, size=4). */
  private restart(i: number, rng: NumpyGenerator): void {
    const x = rng.uniform(RESET_LOW, RESET_HIGH);
    const xDot = rng.uniform(RESET_LOW, RESET_HIGH);
    const theta = rng.uniform(RESET_LOW, RESET_HIGH);
    const thetaDot = rng.uniform(RESET_LOW, RESET_HIGH);
    writeReset(this.a, i, x, xDot, theta, thetaDot);
  }

  /** Copies sub-env i's generator state into the WebAssembly kernel's memory. */
  private storeRng(i: number, rng: NumpyGenerator): void {
    const { state, inc } = rng.bitGenerator.state;
    const p = this.a.pcg;
    p[4 * i] = state >> 64n;
    p[4 * i + 1] = state & MASK64;
    p[4 * i + 2] = inc >> 64n;
    p[4 * i + 3] = inc & MASK64;
  }

  /** Sub-env i's generator as the WebAssembly kernel has advanced it. */
  private loadRng(i: number): NumpyGenerator {
    const p = this.a.pcg;
    // Uniform draws never touch PCG64's buffered 32-bit half, so it carries over from the JS-side generator.
    const before = (this.rngs[i] as NumpyGenerator).bitGenerator.state;
    const state = (p[4 * i] << 64n) | p[4 * i + 1];
    const inc = (p[4 * i + 2] << 64n) | p[4 * i + 3];
    return new NumpyGenerator(PCG64.fromState({ ...before, state, inc }));
  }

  /** Sub-env i's generator, continued exactly where its draws stand (for checkpointing or inspection). */
  generator(i: number): NumpyGenerator | undefined {
    if (!Number.isInteger(i) || i < 0 || i >= this.numEnvs) {
      throw new EnvError(`${ID}: sub-env index must be an integer in [0, ${this.numEnvs}), got ${String(i)}`);
    }
    if (this.rngs[i] === undefined) return undefined;
    return this.engine !== 'js' ? this.loadRng(i) : this.rngs[i];
  }

  step(actions: ArrayLike<number>): VectorStepResult {
    if (!this.started) throw notReset(ID);
    const n = this.numEnvs;
    checkActionsLength(ID, actions, n);
    const act = this.a.actions;
    if (actions instanceof Int32Array || actions instanceof Uint8Array || actions instanceof Int8Array) {
      act.set(actions); // integer arrays: the kernel checks the range
    } else {
      for (let i = 0; i < n; i++) {
        const v = actions[i];
        if (v !== 0 && v !== 1) throw badAction(ID, i, v, 2);
        act[i] = v;
      }
    }
    const bad = this.kernel(n, this.maxEpisodeSteps, this.autoreset === 'next-step');
    if (bad !== 0) throw badAction(ID, bad - 1, actions[bad - 1], 2);
    return this;
  }
}

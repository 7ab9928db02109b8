/**
 * CartPole-v1 as one struct-of-arrays kernel: N carts in Float64 state arrays stepped together (in WebAssembly
 * with SIMD where available, else scalar WebAssembly, else JavaScript; all bit-identical), with the arithmetic of
 * Gymnasium's cartpole.py in the same order, float32 observations, reward 1 per step, the ±2.4 / ±12°
 * termination and the 500-step time limit. Two ways to seed, the two ways Gymnasium vectorizes CartPole:
 * - `seeding: 'shared'` (default; `makeVec`'s `'vector'` mode) is Gymnasium's `CartPoleVectorEnv`: one NumPy
 *   generator for the whole batch; `reset` draws `uniform(low, high, size=(4, n))` and each autoreset draws
 *   `(4, k)` for the k sub-envs that restart, so trajectories equal `gymnasium.make_vec('CartPole-v1', n)`'s.
 * - `seeding: 'per-env'` (`makeVec`'s `'sync'` mode) is `SyncVectorEnv` over `CartPole-v1`: sub-env i owns its
 *   own generator (seed + i), so each copy's trajectory is exactly the single env's for that seed.
 */
import { NumpyGenerator, PCG64, npRandom } from '../../rng/numpy.js';
import { EnvError } from '../types.js';
import type { BoxSpace, DiscreteSpace } from '../types.js';
import { RESET_HIGH, RESET_LOW, THETA_THRESHOLD, X_THRESHOLD, jsKernel, layout, views, writeReset } from './cartpole_kernel.js'; // prettier-ignore
import { wasmKernel, type NextDoubles } from './cartpole_wasm.js';
import type { CartPoleArrays, CartPoleKernel } from './cartpole_kernel.js';
import { autoresetOf, badAction, checkActionsLength, checkNumEnvs, notReset, resetBoundsOf, resetMaskOf, subEnvSeeds } from './checks.js'; // prettier-ignore
import { batchBox, batchDiscrete } from './spaces.js';
import type { BatchBoxSpace, MultiDiscreteSpace } from './spaces.js';
import type { AutoresetMode, VectorEnv, VectorEnvOptions, VectorInfos, VectorMetadata, VectorResetOptions, VectorResetResult, VectorStepResult, VectorizationMode } from './types.js'; // prettier-ignore

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
  /**
   * `'shared'` (default): one generator for the batch, as Gymnasium's `CartPoleVectorEnv` (next-step autoreset
   * only, like Gymnasium's). `'per-env'`: one generator per sub-env, as `SyncVectorEnv` (every autoreset mode).
   */
  seeding?: 'shared' | 'per-env';
}

const NO_INFOS: VectorInfos = Object.freeze({});

export class CartPoleVectorEnv implements VectorEnv {
  readonly id = ID;
  readonly numEnvs: number;
  readonly obsDim = 4;
  readonly singleObservationSpace: BoxSpace;
  readonly singleActionSpace: DiscreteSpace = { kind: 'discrete', n: 2 };
  readonly observationSpace: BatchBoxSpace;
  readonly actionSpace: MultiDiscreteSpace;
  readonly maxEpisodeSteps: number;
  readonly autoresetMode: AutoresetMode;
  readonly vectorizationMode: VectorizationMode;
  readonly metadata: VectorMetadata;
  readonly seeding: 'shared' | 'per-env';
  /** Which kernel steps the carts here. */
  readonly engine: 'wasm-simd' | 'wasm' | 'js';
  readonly obs: Float32Array;
  readonly rewards: Float64Array;
  readonly terminations: Uint8Array;
  readonly truncations: Uint8Array;
  readonly episodeSteps: Int32Array;
  private readonly a: CartPoleArrays;
  private readonly kernel: CartPoleKernel;
  /** WebAssembly engines: draws from the generator kept in the first `pcg` slot (shared seeding's). */
  private readonly nextDoubles: NextDoubles | undefined;
  private readonly drawBuf: Float64Array;
  /** `a.done` four sub-envs at a time, to find the few that restart without reading every byte. */
  private readonly doneWords: Uint32Array;
  /**
   * Per-env seeding: each sub-env's NumPy generator. The JavaScript engine draws from these; the WebAssembly one
   * keeps the live PCG64 state in its memory (`a.pcg`) and these are only synchronised with it around resets.
   */
  private readonly rngs: (NumpyGenerator | undefined)[];
  /** Shared seeding: the batch's one generator, and the reset bounds its autoresets keep using (Gymnasium's). */
  private sharedRng: NumpyGenerator | undefined;
  private low = RESET_LOW;
  private high = RESET_HIGH;
  private readonly restartIdx: Int32Array;
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
    const seeding = options?.seeding ?? 'shared';
    if (seeding !== 'shared' && seeding !== 'per-env') {
      throw new EnvError(`${ID}: seeding must be 'shared' or 'per-env', got ${String(seeding)}`, 'INVALID_ARGUMENT');
    }
    this.numEnvs = numEnvs;
    this.maxEpisodeSteps = limit;
    this.seeding = seeding;
    this.vectorizationMode = seeding === 'shared' ? 'vector' : 'sync';
    this.autoresetMode = autoresetOf(ID, options);
    if (seeding === 'shared' && this.autoresetMode !== 'next-step') {
      throw new EnvError(
        `${ID}: the vectorized CartPole (Gymnasium's CartPoleVectorEnv) only autoresets 'next-step'; for '${this.autoresetMode}' use vectorizationMode 'sync' (or seeding 'per-env')`,
        'INVALID_ARGUMENT',
      );
    }
    this.metadata = { autoresetMode: this.autoresetMode, renderFps: 50 };
    const high = new Float32Array([X_THRESHOLD * 2, Infinity, THETA_THRESHOLD * 2, Infinity]);
    this.singleObservationSpace = { kind: 'box', shape: [4], low: high.map((v) => -v), high };
    this.observationSpace = batchBox(this.singleObservationSpace, numEnvs);
    this.actionSpace = batchDiscrete(this.singleActionSpace, numEnvs);
    this.rngs = new Array<NumpyGenerator | undefined>(numEnvs).fill(undefined);
    this.restartIdx = new Int32Array(numEnvs);
    this.drawBuf = new Float64Array(4 * numEnvs);
    const wasm = engine === 'js' ? undefined : wasmKernel(numEnvs, engine === 'auto');
    if (wasm !== undefined) {
      this.a = wasm.arrays;
      this.kernel = wasm.kernel;
      this.nextDoubles = wasm.nextDoubles;
      this.engine = wasm.simd ? 'wasm-simd' : 'wasm';
    } else {
      this.nextDoubles = undefined;
      this.a = views(new ArrayBuffer(layout(numEnvs).bytes), numEnvs);
      this.kernel = jsKernel(this.a, (i) => this.restart(i, this.rngs[i] as NumpyGenerator, RESET_LOW, RESET_HIGH));
      this.engine = 'js';
    }
    // layout() pads every array to 8 bytes, so the word view stays inside done's own (zero-padded) region.
    this.doneWords = new Uint32Array(this.a.done.buffer, this.a.done.byteOffset, Math.ceil(numEnvs / 4));
    this.obs = this.a.obs;
    this.rewards = this.a.rewards;
    this.terminations = this.a.terminated;
    this.truncations = this.a.truncated;
    this.episodeSteps = this.a.steps;
  }

  reset(options?: VectorResetOptions): VectorResetResult {
    if (this.seeding === 'shared') this.resetShared(options);
    else this.resetPerEnv(options);
    this.started = true;
    return { obs: this.obs, infos: {} };
  }

  /** Gymnasium's CartPoleVectorEnv.reset: state = np_random.uniform(low, high, size=(4, n)). */
  private resetShared(options: VectorResetOptions | undefined): void {
    const seed = options?.seed;
    if (seed !== undefined && typeof seed !== 'number') {
      throw new EnvError(
        `${ID}: the vectorized CartPole has one generator, so reset takes one seed (a number); for a seed per sub-env use vectorizationMode 'sync'`,
        'INVALID_ARGUMENT',
      );
    }
    if (options?.options?.resetMask !== undefined) {
      throw new EnvError(
        `${ID}: options.resetMask needs vectorizationMode 'sync' (the vectorized CartPole resets every sub-env)`,
        'INVALID_ARGUMENT',
      );
    }
    const seeds = subEnvSeeds(ID, seed, 1);
    [this.low, this.high] = resetBoundsOf(ID, options?.options, RESET_LOW, RESET_HIGH);
    if (seeds !== undefined) this.sharedRng = npRandom(seeds[0]);
    else this.sharedRng = this.sharedRng === undefined ? npRandom() : this.currentShared();
    if (this.nextDoubles !== undefined) this.storeRng(0, this.sharedRng);
    for (let i = 0; i < this.numEnvs; i++) this.restartIdx[i] = i;
    this.restartShared(this.numEnvs);
  }

  /** The shared generator where its draws stand (with WebAssembly, its live state is in the first `pcg` slot). */
  private currentShared(): NumpyGenerator {
    const rng = this.sharedRng as NumpyGenerator;
    return this.nextDoubles === undefined ? rng : this.loadRngAt(0, rng);
  }

  /** Restarts sub-envs `restartIdx[0..k)` from the shared generator: one `uniform(low, high, size=(4, k))`. */
  private restartShared(k: number): void {
    const draws = this.drawBuf;
    const { low, high } = this;
    if (this.nextDoubles === undefined) {
      const rng = this.sharedRng as NumpyGenerator;
      for (let j = 0; j < 4 * k; j++) draws[j] = rng.uniform(low, high);
    } else {
      // NumPy's uniform, low + (high - low) * next_double, on next_double from the kernel's copy of the generator.
      this.nextDoubles(4 * k, draws);
      const scale = high - low;
      for (let j = 0; j < 4 * k; j++) draws[j] = low + scale * draws[j];
    }
    for (let j = 0; j < k; j++) {
      writeReset(this.a, this.restartIdx[j], draws[j], draws[k + j], draws[2 * k + j], draws[3 * k + j]);
    }
  }

  /** SyncVectorEnv.reset: sub-env i reset with seed + i (or seed[i]); only the masked ones with a resetMask. */
  private resetPerEnv(options: VectorResetOptions | undefined): void {
    const seeds = subEnvSeeds(ID, options?.seed, this.numEnvs);
    const mask = resetMaskOf(ID, options?.options, this.numEnvs);
    if (mask !== undefined && !this.started) throw notReset(ID);
    const [low, high] = resetBoundsOf(ID, options?.options, RESET_LOW, RESET_HIGH);
    for (let i = 0; i < this.numEnvs; i++) {
      if (mask !== undefined && mask[i] === 0) continue;
      // Like Gymnasium's Env.reset: a seed replaces the generator; no seed keeps drawing from the current one
      // (fresh OS entropy the first time).
      let rng: NumpyGenerator;
      if (seeds !== undefined) rng = npRandom(seeds[i]);
      else if (!this.started || this.rngs[i] === undefined) rng = this.rngs[i] ?? npRandom();
      else rng = this.currentRng(i);
      this.restartWith(i, rng, low, high);
    }
  }

  /** Sub-env i's generator where its draws stand (the WebAssembly kernel may have advanced it). */
  private currentRng(i: number): NumpyGenerator {
    const rng = this.rngs[i] as NumpyGenerator;
    return this.engine !== 'js' ? this.loadRngAt(i, rng) : rng;
  }

  /** Restarts sub-env i from `rng`, which becomes its generator (also in the WebAssembly kernel's memory). */
  private restartWith(i: number, rng: NumpyGenerator, low: number, high: number): void {
    this.rngs[i] = rng;
    this.restart(i, rng, low, high);
    if (this.engine !== 'js') this.storeRng(i, rng);
  }

  /** Gymnasium's CartPoleEnv.reset for sub-env i: state = np_random.uniform(low, high, size=4). */
  private restart(i: number, rng: NumpyGenerator, low: number, high: number): void {
    const x = rng.uniform(low, high);
    const xDot = rng.uniform(low, high);
    const theta = rng.uniform(low, high);
    const thetaDot = rng.uniform(low, high);
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

  /** The generator in `pcg` slot i as the WebAssembly kernel has advanced it from `from`. */
  private loadRngAt(i: number, from: NumpyGenerator): NumpyGenerator {
    const p = this.a.pcg;
    // Uniform draws never touch PCG64's buffered 32-bit half, so it carries over from the JS-side generator.
    const before = from.bitGenerator.state;
    const state = (p[4 * i] << 64n) | p[4 * i + 1];
    const inc = (p[4 * i + 2] << 64n) | p[4 * i + 3];
    return new NumpyGenerator(PCG64.fromState({ ...before, state, inc }));
  }

  /**
   * Sub-env i's generator, continued exactly where its draws stand (for checkpointing or inspection); with shared
   * seeding, the batch's one generator whatever i.
   */
  generator(i: number): NumpyGenerator | undefined {
    if (!Number.isInteger(i) || i < 0 || i >= this.numEnvs) {
      throw new EnvError(`${ID}: sub-env index must be an integer in [0, ${this.numEnvs}), got ${String(i)}`);
    }
    if (this.seeding === 'shared') return this.sharedRng === undefined ? undefined : this.currentShared();
    if (this.rngs[i] === undefined) return undefined;
    return this.currentRng(i);
  }

  /** Writes the indices of sub-envs whose episode has ended into `restartIdx`; returns how many. */
  private collectDone(): number {
    const words = this.doneWords;
    const done = this.a.done;
    let k = 0;
    for (let w = 0; w < words.length; w++) {
      if (words[w] === 0) continue;
      const end = Math.min(4 * w + 4, this.numEnvs);
      for (let i = 4 * w; i < end; i++) if (done[i] !== 0) this.restartIdx[k++] = i;
    }
    return k;
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
    let infos = NO_INFOS;
    if (this.seeding === 'shared') {
      // Gymnasium steps every cart, then overwrites the ones that ended last step with fresh draws: the kernel
      // without autoreset leaves those untouched (reward 0), and they restart here from the shared generator.
      const k = this.collectDone();
      const bad = this.kernel(n, this.maxEpisodeSteps, false);
      if (bad !== 0) throw badAction(ID, bad - 1, actions[bad - 1], 2);
      if (k > 0) this.restartShared(k);
    } else {
      const bad = this.kernel(n, this.maxEpisodeSteps, this.autoresetMode === 'next-step');
      if (bad !== 0) throw badAction(ID, bad - 1, actions[bad - 1], 2);
      if (this.autoresetMode === 'same-step') infos = this.sameStepResets();
    }
    return {
      obs: this.obs,
      rewards: this.rewards,
      terminations: this.terminations,
      truncations: this.truncations,
      infos,
    };
  }

  /** Same-step autoreset (per-env seeding): restarts every sub-env that just ended, keeping its reward and flags. */
  private sameStepResets(): VectorInfos {
    const k = this.collectDone();
    if (k === 0) return NO_INFOS;
    const n = this.numEnvs;
    const finalObs = new Array<Float32Array | undefined>(n).fill(undefined);
    const mask = new Array<boolean>(n).fill(false);
    const finalInfo = new Array<Record<string, unknown> | undefined>(n).fill(undefined);
    for (let j = 0; j < k; j++) {
      const i = this.restartIdx[j];
      finalObs[i] = this.obs.slice(4 * i, 4 * i + 4);
      finalInfo[i] = {};
      mask[i] = true;
      const reward = this.rewards[i];
      const term = this.terminations[i];
      const trunc = this.truncations[i];
      this.restartWith(i, this.currentRng(i), RESET_LOW, RESET_HIGH);
      this.rewards[i] = reward;
      this.terminations[i] = term;
      this.truncations[i] = trunc;
    }
    return { finalObs, _finalObs: mask, finalInfo, _finalInfo: mask.slice() };
  }

  close(): void {
    this.started = false;
  }
}

/**
 * Everything one generation does to one agent, in one WebAssembly SIMD instance: vary its row (bit for bit
 * what `askRows` computes), run it over the batch, score it. Memory stays inside the instance between the
 * steps; only the varied row (and σ) is copied out to the population state, so `tell` reuses it.
 */
import { InvalidArgumentError } from '../../shared/errors.js';
import { askRows } from '../../shared/algorithms/variation.js';
import type { EvolutionState } from '../../shared/algorithms/types.js';
import { paramCount, sampleRows, type MlpSpec } from '../../shared/model/mlp.js';
import { macroF1Dense } from '../../shared/fitness/metrics.js';
import { CounterRng, RngPurpose } from '../../shared/rng/philox.js';
import { WasmMlp } from './mlp_wasm.js';
import { noiseFuncs, noiseRegions, writeZigguratTables } from './noise_wasm.js';
import { foldKey, type BlockFunction } from './stream_keys.js';
import type { FitnessKind } from './types.js';

/** Stream id of macro-F1 sampling noise (distinct from the algorithms' purposes). */
export const FITNESS_SAMPLING_PURPOSE = 11;

const TWO32 = 4294967296;

export class AgentKernel {
  readonly numParams: number;
  private readonly mlp: WasmMlp;
  private readonly varyRowFn: (
    adaptive: number,
    pm0: number,
    pm1: number,
    ps0: number,
    ps1: number,
    agent: number,
    n: number,
    s: number,
  ) => void;
  // Keys of (seed, purpose, generation) for the mutation and σ streams, folded once per generation.
  private prefixSeed = -1;
  private prefixGeneration = -1;
  private readonly mutationPrefix = new Uint32Array(2);
  private readonly sigmaPrefix = new Uint32Array(2);
  private readonly ids = new Uint32Array(3);
  private logits = new Float32Array(0);
  /** The batch's labels (validated by setLabels). */
  private labels = new Int32Array(0);
  private pred = new Int32Array(0);
  private readonly counts: Float64Array;
  /** Philox blocks for key folding, computed in the kernel (≈3× the JavaScript speed). */
  private readonly philox: BlockFunction;

  private constructor(
    readonly spec: MlpSpec,
    mlp: WasmMlp,
  ) {
    this.numParams = paramCount(spec);
    this.mlp = mlp;
    const e = mlp.exports;
    this.varyRowFn = e.varyRow as AgentKernel['varyRowFn'];
    writeZigguratTables(mlp.u32, mlp.f64, mlp.regions);
    const block = e.block as (c0: number, c1: number, c2: number, c3: number, k0: number, k1: number) => void;
    const at = mlp.regions.block >> 2;
    this.philox = (c0, c1, c2, c3, k0, k1, out) => {
      block(c0 | 0, c1 | 0, c2 | 0, c3 | 0, k0 | 0, k1 | 0);
      const u32 = this.mlp.u32;
      out[0] = u32[at];
      out[1] = u32[at + 1];
      out[2] = u32[at + 2];
      out[3] = u32[at + 3];
    };
    this.counts = new Float64Array(3 * spec.outputs);
  }

  /** The kernel for `spec`, or undefined where WebAssembly SIMD is unavailable. */
  static create(spec: MlpSpec): AgentKernel | undefined {
    const n = paramCount(spec);
    const mlp = WasmMlp.create(spec, {
      regions: noiseRegions(n),
      funcs: (regions) => noiseFuncs(regions, WasmMlp.FIRST_EXTRA_FUNC),
    });
    return mlp === undefined ? undefined : new AgentKernel(spec, mlp);
  }

  /** Loads the batch every following evaluation runs on (rows of x: n × inputs, labels y). */
  setBatch(x: Float32Array, y: ArrayLike<number>, n: number): void {
    this.mlp.setBatch(x, n);
    this.mlp.setLabels(y);
    if (this.labels.length !== n) this.labels = new Int32Array(n);
    for (let s = 0; s < n; s++) this.labels[s] = y[s];
  }

  /** Copies one agent's parameters in, to be evaluated next. */
  loadParams(params: Float32Array, offset = 0): void {
    this.mlp.f32.set(params.subarray(offset, offset + this.numParams), this.mlp.paramsAt >> 2);
  }

  /**
   * Varies row `agent` of `state` exactly as `askRows(state, agent, agent + 1)` (reusing it if already
   * varied), stores it (and its σ) in the state's population buffers, and loads it for evaluation.
   * The caller checks the state is live (not yet passed to `tell`).
   */
  varyAgent(state: EvolutionState, agent: number): void {
    const n = state.numParams;
    if (n !== this.numParams) {
      throw new InvalidArgumentError(
        `the population has ${n} parameters per agent; the network ${JSON.stringify(this.spec)} has ${this.numParams}`,
      );
    }
    const { population, populationSigma, varied } = state.scratch;
    const mutation = state.config.mutation;
    const row = agent * n;
    if (
      varied[agent] !== 0 ||
      agent < state.protectedRows ||
      (mutation.mode === 'fixed_sigma' && mutation.probability < 1)
    ) {
      // Elites, sparse masks and rows computed elsewhere: the algorithms' own code (or its result).
      askRows(state, agent, agent + 1);
      this.loadParams(population, row);
      return;
    }
    if (state.seed !== this.prefixSeed || state.generation !== this.prefixGeneration) {
      // Keys of (seed, purpose, generation): two of the three folds, shared by every agent of the generation.
      const seedLo = state.seed % TWO32;
      const seedHi = Math.floor(state.seed / TWO32);
      this.ids[0] = RngPurpose.mutation;
      this.ids[1] = state.generation;
      foldKey(seedLo, seedHi, this.ids.subarray(0, 2), 0, 3, this.mutationPrefix, this.philox);
      this.ids[0] = RngPurpose.sigma;
      foldKey(seedLo, seedHi, this.ids.subarray(0, 2), 0, 3, this.sigmaPrefix, this.philox);
      this.prefixSeed = state.seed;
      this.prefixGeneration = state.generation;
    }
    const v = this.views();
    v.src.set(state.params.subarray(row, row + n));
    const adaptive = mutation.mode === 'adaptive_sigma';
    if (adaptive) v.sigma.set(state.sigma.subarray(row, row + n));
    const mp = this.mutationPrefix;
    const sp = this.sigmaPrefix;
    this.varyRowFn(
      adaptive ? 1 : 0,
      mp[0] | 0,
      mp[1] | 0,
      sp[0] | 0,
      sp[1] | 0,
      agent,
      n,
      adaptive ? mutation.sigmaNoise : mutation.sigma,
    );
    if (adaptive) populationSigma.set(v.dstSigma, row);
    population.set(v.params, row);
    varied[agent] = 1;
  }

  private regionViews:
    | { buffer: ArrayBuffer; src: Float32Array; sigma: Float32Array; params: Float32Array; dstSigma: Float32Array }
    | undefined;

  /** Views of the variation regions, rebuilt when memory has grown (which detaches the old ones). */
  private views(): NonNullable<AgentKernel['regionViews']> {
    const f32 = this.mlp.f32;
    if (this.regionViews === undefined || this.regionViews.buffer !== f32.buffer) {
      const r = this.mlp.regions;
      const n = this.numParams;
      const at = (byte: number): Float32Array => f32.subarray(byte >> 2, (byte >> 2) + n);
      this.regionViews = {
        buffer: f32.buffer as ArrayBuffer,
        src: at(r.src),
        sigma: at(r.sigma),
        params: at(this.mlp.paramsAt),
        dstSigma: at(r.dstSigma),
      };
    }
    return this.regionViews;
  }

  /**
   * Fitness of the loaded parameters on the batch: mean cross-entropy, argmax accuracy, or macro-F1 of
   * `trials` sampled action sets keyed by (seed, generation, agent), against the batch's labels.
   */
  evaluate(kind: FitnessKind, seed: number, generation: number, agent: number, trials = 10): number {
    const mlp = this.mlp;
    mlp.forward();
    if (kind === 'ce') return mlp.crossEntropyLoaded();
    const n = mlp.n;
    const k = this.spec.outputs;
    const y = this.labels;
    if (this.pred.length !== n) this.pred = new Int32Array(n);
    if (kind === 'accuracy') {
      const f32 = mlp.f32;
      const base = mlp.logitsBase;
      let hit = 0;
      for (let s = 0; s < n; s++) {
        const row = base + (s >> 2) * k * 4 + (s & 3);
        let best = 0;
        let bv = f32[row];
        for (let j = 1; j < k; j++) {
          if (f32[row + 4 * j] > bv) {
            bv = f32[row + 4 * j];
            best = j;
          }
        }
        if (best === y[s]) hit++;
      }
      return hit / n;
    }
    if (this.logits.length < n * k) this.logits = new Float32Array(n * k);
    const logits = mlp.readLogits(this.logits.subarray(0, n * k));
    return sampledF1(
      logits,
      y,
      n,
      k,
      trials,
      CounterRng.from(seed, FITNESS_SAMPLING_PURPOSE, generation, agent),
      this.pred,
      this.counts,
    );
  }
}

/** Mean macro-F1 over `trials` action sets sampled from softmax(logits). */
export function sampledF1(
  logits: Float32Array,
  y: ArrayLike<number>,
  n: number,
  k: number,
  trials: number,
  rng: CounterRng,
  pred: Int32Array,
  counts: Float64Array,
): number {
  let sum = 0;
  for (let t = 0; t < trials; t++) {
    sampleRows(logits, n, k, rng, pred);
    sum += macroF1Dense(y, pred, k, counts);
  }
  return sum / trials;
}

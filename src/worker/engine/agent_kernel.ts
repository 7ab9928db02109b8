/**
 * Everything one generation does to a population's rows, in one WebAssembly SIMD instance: vary them (bit
 * for bit what `askRows` computes), run them over the batch, score them. Rows go through in chunks: one
 * copy in of their parameters and σ, one call that varies the whole chunk (vary_wasm.ts), one copy out
 * into the state's population buffers (so `tell` reuses them), one call that scores it.
 */
import { InvalidArgumentError } from '../../shared/errors.js';
import { askRows } from '../../shared/algorithms/variation.js';
import type { EvolutionState } from '../../shared/algorithms/types.js';
import { paramCount, sampleRows, type MlpSpec } from '../../shared/model/mlp.js';
import { macroF1Dense } from '../../shared/fitness/metrics.js';
import { CounterRng, RngPurpose } from '../../shared/rng/philox.js';
import { WasmMlp } from './mlp_wasm.js';
import { noiseRegions, streamFuncs, writeZigguratTables } from './noise_wasm.js';
import { foldKey, type BlockFunction } from './stream_keys.js';
import type { FitnessKind } from './types.js';
import { chunkRows, evalRowsFunc, normalsRowBytes, rowsFunc, varyRegions } from './vary_wasm.js';

/** Stream id of macro-F1 sampling noise (from the one purpose table). */
export const FITNESS_SAMPLING_PURPOSE = RngPurpose.fitnessSampling;

const TWO32 = 4294967296;
/** Memory `drawAhead` may keep normals in (bytes), and agents it draws between checks of `stop`. */
const AHEAD_BYTES = 32 * 1024 * 1024;
const AHEAD_BATCH = 2;

/** Normals drawn ahead for (seed, generation): agents [lo, hi), agent a's at `at + (hi − 1 − a)·rowBytes`. */
interface Ahead {
  seed: number;
  generation: number;
  adaptive: boolean;
  lo: number;
  hi: number;
  at: number;
  /** The kernel memory's layout epoch they were drawn in. */
  epoch: number;
}

/** The signature of vary_wasm.ts's row functions. */
type RowsFunction = (
  adaptive: number,
  pm0: number,
  pm1: number,
  ps0: number,
  ps1: number,
  agent0: number,
  count: number,
  s: number,
  ptr: number,
) => void;

export class AgentKernel {
  readonly numParams: number;
  /** Rows varied and scored per kernel call. */
  readonly chunk: number;
  private readonly mlp: WasmMlp;
  private readonly varyRowsFn: RowsFunction;
  private readonly normalsRowsFn: RowsFunction;
  private readonly applyRowsFn: RowsFunction;
  private ahead: Ahead | undefined;
  private readonly evalRowsFn: (count: number, nBlocks: number, n: number) => void;
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
    this.chunk = chunkRows(this.numParams);
    this.mlp = mlp;
    const e = mlp.exports;
    this.varyRowsFn = e.varyRows as RowsFunction;
    this.normalsRowsFn = e.normalsRows as RowsFunction;
    this.applyRowsFn = e.applyRows as RowsFunction;
    this.evalRowsFn = e.evalRows as AgentKernel['evalRowsFn'];
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
      regions: [...noiseRegions(n), ...varyRegions(n)],
      funcs: (regions) => {
        const stream = streamFuncs(regions, WasmMlp.FIRST_EXTRA_FUNC);
        return [
          ...stream.funcs,
          rowsFunc('varyRows', regions, n, stream.index),
          rowsFunc('normalsRows', regions, n, stream.index),
          rowsFunc('applyRows', regions, n, stream.index),
          evalRowsFunc(regions, n, WasmMlp.FORWARD_FUNC, WasmMlp.CE_FUNC),
        ];
      },
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

  /** Whether row `agent` of `state` goes through the kernel's own variation (else through `askRows`). */
  private fast(state: EvolutionState, agent: number): boolean {
    const mutation = state.config.mutation;
    return (
      state.scratch.varied[agent] === 0 &&
      agent >= state.protectedRows &&
      (mutation.mode === 'adaptive_sigma' || mutation.probability >= 1)
    );
  }

  /** Folds (seed, purpose, generation) into the stream keys' prefixes, once per generation. */
  private prefixes(seed: number, generation: number): void {
    if (seed === this.prefixSeed && generation === this.prefixGeneration) return;
    const seedLo = seed % TWO32;
    const seedHi = Math.floor(seed / TWO32);
    this.ids[0] = RngPurpose.mutation;
    this.ids[1] = generation;
    foldKey(seedLo, seedHi, this.ids.subarray(0, 2), 0, 3, this.mutationPrefix, this.philox);
    this.ids[0] = RngPurpose.sigma;
    foldKey(seedLo, seedHi, this.ids.subarray(0, 2), 0, 3, this.sigmaPrefix, this.philox);
    this.prefixSeed = seed;
    this.prefixGeneration = generation;
  }

  /** Calls a row function with the stream keys' prefixes. */
  private rows(fn: RowsFunction, adaptive: boolean, agent0: number, count: number, s: number, ptr: number): void {
    const mp = this.mutationPrefix;
    const sp = this.sigmaPrefix;
    fn(adaptive ? 1 : 0, mp[0] | 0, mp[1] | 0, sp[0] | 0, sp[1] | 0, agent0, count, s, ptr);
  }

  /**
   * Draws the normals of agents hi − 1, hi − 2, … (not below lo) of `generation` ahead of time, a couple
   * at a time until `stop()` says so, so that a later `varyAndEvaluate` of that generation only applies
   * them: what a pool thread does while its caller runs `tell`. They are the very draws `varyRange` would
   * make (same kernel code), kept until other normals are drawn ahead or the batch memory moves.
   */
  drawAhead(seed: number, generation: number, adaptive: boolean, lo: number, hi: number, stop: () => boolean): void {
    const rowBytes = normalsRowBytes(this.numParams);
    const count = Math.min(hi - lo, Math.floor(AHEAD_BYTES / rowBytes));
    if (count <= 0 || generation >= TWO32) return;
    const at = this.mlp.tail(count * rowBytes);
    const ahead: Ahead = { seed, generation, adaptive, lo: hi, hi, at, epoch: this.mlp.layoutEpoch };
    this.ahead = ahead;
    this.prefixes(seed, generation);
    const floor = hi - count;
    while (ahead.lo > floor && !stop()) {
      const k = Math.min(AHEAD_BATCH, ahead.lo - floor);
      this.rows(this.normalsRowsFn, adaptive, ahead.lo - 1, k, 0, at + (hi - ahead.lo) * rowBytes);
      ahead.lo -= k;
    }
  }

  /** The normals drawn ahead for this state's generation, if any. */
  private aheadFor(state: EvolutionState): Ahead | undefined {
    const a = this.ahead;
    if (a === undefined || a.seed !== state.seed || a.generation !== state.generation || a.lo >= a.hi) return undefined;
    if (a.adaptive !== (state.config.mutation.mode === 'adaptive_sigma') || a.epoch !== this.mlp.layoutEpoch) {
      return undefined;
    }
    return a;
  }

  private checkState(state: EvolutionState): void {
    if (state.numParams !== this.numParams) {
      throw new InvalidArgumentError(
        `the population has ${state.numParams} parameters per agent; the network ${JSON.stringify(this.spec)} has ${this.numParams}`,
      );
    }
  }

  /**
   * Varies rows [a, a + count) of `state` (all `fast`, count ≤ chunk) in the kernel's chunk regions and
   * stores them (and their σ) in the state's population buffers.
   */
  private varyChunk(state: EvolutionState, a: number, count: number, ahead: Ahead | undefined): void {
    this.prefixes(state.seed, state.generation);
    const n = this.numParams;
    const r = this.mlp.regions;
    const mutation = state.config.mutation;
    const adaptive = mutation.mode === 'adaptive_sigma';
    const s = adaptive ? mutation.sigmaNoise : mutation.sigma;
    const f32 = this.mlp.f32;
    f32.set(state.params.subarray(a * n, (a + count) * n), r.src >> 2);
    if (adaptive) f32.set(state.sigma.subarray(a * n, (a + count) * n), r.sigma >> 2);
    if (ahead === undefined) this.rows(this.varyRowsFn, adaptive, a, count, s, 0);
    else this.rows(this.applyRowsFn, adaptive, a, count, s, ahead.at + (ahead.hi - 1 - a) * normalsRowBytes(n));
    const { population, populationSigma, varied } = state.scratch;
    population.set(f32.subarray(r.rows >> 2, (r.rows >> 2) + count * n), a * n);
    if (adaptive) populationSigma.set(f32.subarray(r.rowSigma >> 2, (r.rowSigma >> 2) + count * n), a * n);
    varied.fill(1, a, a + count);
  }

  /**
   * Varies rows [start, end) of `state` exactly as `askRows(state, start, end)` (reusing rows already
   * varied), storing them (and σ) in the state's population buffers. The caller checks the state is live.
   */
  varyRange(state: EvolutionState, start: number, end: number): void {
    this.checkState(state);
    const ahead = this.aheadFor(state);
    for (let a = start; a < end;) {
      if (!this.fast(state, a)) {
        askRows(state, a, a + 1);
        a++;
        continue;
      }
      const b = this.chunkEnd(state, a, end, ahead);
      this.varyChunk(state, a, b - a, ahead !== undefined && a >= ahead.lo && a < ahead.hi ? ahead : undefined);
      a = b;
    }
  }

  /** End of the chunk from `fast` row a: at most `chunk` fast rows, all drawn ahead or none. */
  private chunkEnd(state: EvolutionState, a: number, end: number, ahead: Ahead | undefined): number {
    let limit = Math.min(end, a + this.chunk);
    if (ahead !== undefined) limit = Math.min(limit, a < ahead.lo ? ahead.lo : a < ahead.hi ? ahead.hi : limit);
    let b = a + 1;
    while (b < limit && this.fast(state, b)) b++;
    return b;
  }

  /**
   * Varies rows [start, end) of `state` (as `varyRange`) and writes their fitness on the loaded batch to
   * out[outOffset …]: one generation's work on a share of the population.
   */
  varyAndEvaluate(
    state: EvolutionState,
    start: number,
    end: number,
    kind: FitnessKind,
    trials: number,
    out: Float32Array,
    outOffset = 0,
  ): void {
    this.checkState(state);
    const n = this.numParams;
    const mlp = this.mlp;
    const ahead = this.aheadFor(state);
    for (let a = start; a < end;) {
      if (!this.fast(state, a)) {
        askRows(state, a, a + 1);
        this.loadParams(state.scratch.population, a * n);
        out[outOffset + a - start] = this.evaluate(kind, state.seed, state.generation, a, trials);
        a++;
        continue;
      }
      const b = this.chunkEnd(state, a, end, ahead);
      const count = b - a;
      this.varyChunk(state, a, count, ahead !== undefined && a >= ahead.lo && a < ahead.hi ? ahead : undefined);
      if (kind === 'ce') {
        this.evalRowsFn(count, mlp.blocks, mlp.n);
        const f64 = mlp.f64;
        const at = mlp.regions.fitness >> 3;
        for (let i = 0; i < count; i++) out[outOffset + a - start + i] = f64[at + i];
      } else {
        for (let i = 0; i < count; i++) {
          const agent = a + i;
          out[outOffset + agent - start] = this.evaluateAt(
            mlp.regions.rows + 4 * n * i,
            kind,
            state.seed,
            state.generation,
            agent,
            trials,
          );
        }
      }
      a = b;
    }
  }

  /**
   * Fitness of the loaded parameters on the batch: mean cross-entropy, argmax accuracy, or macro-F1 of
   * `trials` sampled action sets keyed by (seed, generation, agent), against the batch's labels.
   */
  evaluate(kind: FitnessKind, seed: number, generation: number, agent: number, trials = 10): number {
    return this.evaluateAt(this.mlp.paramsAt, kind, seed, generation, agent, trials);
  }

  /** `evaluate` for the parameters at byte offset `paramsAt` of the kernel's memory. */
  private evaluateAt(
    paramsAt: number,
    kind: FitnessKind,
    seed: number,
    generation: number,
    agent: number,
    trials: number,
  ): number {
    const mlp = this.mlp;
    mlp.forward(paramsAt);
    if (kind === 'ce') return mlp.crossEntropyLoaded();
    const n = mlp.n;
    const k = this.spec.outputs;
    const y = this.labels;
    if (this.pred.length !== n) this.pred = new Int32Array(n);
    if (kind === 'accuracy' || kind === 'macro_f1_exact') {
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
        this.pred[s] = best;
      }
      return kind === 'accuracy' ? hit / n : macroF1Dense(y, this.pred, k, this.counts);
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

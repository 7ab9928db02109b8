/**
 * One network shape's WebAssembly SIMD kernels and their memory: load a batch once, then run the forward
 * pass of many parameter vectors over it (population fitness), or forward + backward (SGD).
 *
 * Memory: a header of region pointers, fixed regions sized by the parameter count (params, grad, and the
 * noise kernels' buffers, see noise_wasm.ts), then the batch-sized regions (blocked input, activations and
 * deltas per layer), re-laid out when a larger batch arrives.
 */
import { InvalidArgumentError } from '../../shared/errors.js';
import { layout, paramCount, type LayerLayout, type MlpSpec } from '../../shared/model/mlp.js';
import { HDR, backwardFunc, hdrDelta } from './mlp_wasm_code.js';
import { forwardFunc } from './forward_wasm_code.js';
import { ceFunc, hdrLabels } from './loss_wasm.js';
import { IMPORTS, instantiate, type WasmKernel } from './simd.js';
import type { DefinedFunc } from '../../shared/rng/wasm_encoding.js';

const PAGE = 65536;
const align = (bytes: number): number => Math.ceil(bytes / 64) * 64;

/** Byte offsets of the fixed regions and the functions that need them. */
export interface FixedRegion {
  readonly name: string;
  readonly bytes: number;
}

export class WasmMlp {
  readonly layers: readonly LayerLayout[];
  readonly numParams: number;
  /** Byte offset of the parameters the kernels run on (`paramsView`). */
  readonly paramsAt: number;
  readonly gradAt: number;
  /** Byte offsets of extra fixed regions requested at creation, by name. */
  readonly regions: Readonly<Record<string, number>>;
  private readonly fixedEnd: number;
  private readonly kernel: WasmKernel;
  private readonly fwd: (pParams: number, nBlocks: number) => void;
  private readonly bwd: (pParams: number, nBlocks: number, pGrad: number) => void;
  private readonly ce: (nBlocks: number, n: number) => number;
  /** Rows of the labels loaded by `setLabels` (0: none). */
  private labelRows = 0;
  /** Sample blocks the batch regions hold now. */
  private capacityBlocks = 0;
  private batchBlocks = 0;
  /** Rows of the current batch. */
  n = 0;
  /** End of the batch regions: where `tail` memory starts. */
  private tailAt = 0;
  /** Counts re-layouts of the batch regions, each of which moves the tail. */
  private layouts = 0;
  private views!: { f32: Float32Array; i32: Int32Array; u32: Uint32Array; f64: Float64Array };

  private constructor(
    readonly spec: MlpSpec,
    kernel: WasmKernel,
    regions: Record<string, number>,
    fixedEnd: number,
  ) {
    this.layers = layout(spec);
    this.numParams = paramCount(spec);
    this.kernel = kernel;
    this.regions = regions;
    this.paramsAt = regions.params;
    this.gradAt = regions.grad;
    this.fixedEnd = fixedEnd;
    this.fwd = kernel.exports.forward as (pParams: number, nBlocks: number) => void;
    this.bwd = kernel.exports.backward as (pParams: number, nBlocks: number, pGrad: number) => void;
    this.ce = kernel.exports.ce as (nBlocks: number, n: number) => number;
    this.refreshViews();
  }

  /** Index of the first of `extra.funcs` in the module (after the imports, forward, backward and ce). */
  static readonly FIRST_EXTRA_FUNC = IMPORTS.count + 3;
  /** Function indices of `forward(pParams, nBlocks)` and `ce(nBlocks, n) → f64`, for extra functions that call them. */
  static readonly FORWARD_FUNC = IMPORTS.count;
  static readonly CE_FUNC = IMPORTS.count + 2;

  /**
   * The kernels for `spec`, plus `extra.funcs` built from the fixed regions' offsets (the noise kernels);
   * undefined where WebAssembly SIMD is unavailable (callers then use the JavaScript kernels).
   */
  static create(
    spec: MlpSpec,
    extra: { regions?: readonly FixedRegion[]; funcs?: (regions: Record<string, number>) => DefinedFunc[] } = {},
  ): WasmMlp | undefined {
    const layers = layout(spec);
    const P = paramCount(spec);
    const regions: Record<string, number> = {};
    let at = 256; // header
    for (const r of [{ name: 'params', bytes: 4 * P }, { name: 'grad', bytes: 4 * P }, ...(extra.regions ?? [])]) {
      regions[r.name] = at;
      at += align(r.bytes);
    }
    const funcs = [
      forwardFunc(layers, spec.activation),
      backwardFunc(layers, spec.activation),
      ceFunc(layers.length, spec.outputs),
      ...(extra.funcs?.(regions) ?? []),
    ];
    let kernel: WasmKernel | undefined;
    try {
      kernel = instantiate(funcs, Math.ceil(at / PAGE) + 1);
    } catch (e) {
      throw new Error(
        `evoscale: the WebAssembly MLP kernel for ${JSON.stringify(spec)} failed to compile: ${(e as Error).message}`,
        { cause: e },
      );
    }
    return kernel === undefined ? undefined : new WasmMlp(spec, kernel, regions, at);
  }

  get exports(): Record<string, unknown> {
    return this.kernel.exports;
  }

  private refreshViews(): void {
    const buffer = this.kernel.memory.buffer;
    this.views = {
      f32: new Float32Array(buffer),
      i32: new Int32Array(buffer),
      u32: new Uint32Array(buffer),
      f64: new Float64Array(buffer),
    };
  }

  /** Whole-memory views (recreated when memory grows: fetch them after `setBatch`). */
  get f32(): Float32Array {
    return this.views.f32;
  }
  get i32(): Int32Array {
    return this.views.i32;
  }
  get u32(): Uint32Array {
    return this.views.u32;
  }
  get f64(): Float64Array {
    return this.views.f64;
  }

  /** Lays out the batch regions for `blocks` sample blocks, growing memory if needed. */
  private reserve(blocks: number): void {
    if (blocks <= this.capacityBlocks) return;
    const L = this.layers.length;
    let at = this.fixedEnd;
    const header = this.views.i32;
    const place = (word: number, width: number): void => {
      header[word] = at;
      at += align(blocks * width * 16);
    };
    place(HDR.x, this.spec.inputs);
    this.layers.forEach((l, li) => place(HDR.act + li, l.outputs));
    this.layers.forEach((l, li) => place(hdrDelta(L, li + 1), l.outputs));
    header[hdrLabels(L)] = at;
    at += align(blocks * 16);
    const needPages = Math.ceil(at / PAGE);
    const havePages = this.kernel.memory.buffer.byteLength / PAGE;
    if (needPages > havePages) {
      this.kernel.memory.grow(needPages - havePages);
      this.refreshViews();
      // The header lives in memory: rewrite it into the (same, grown) memory's new view.
      this.capacityBlocks = 0;
      return this.reserve(blocks);
    }
    this.capacityBlocks = blocks;
    this.tailAt = at;
    this.layouts++;
  }

  /**
   * Byte offset of `bytes` of scratch memory after the batch regions (grown into as needed), for callers'
   * own buffers; they stay put until the batch regions are laid out anew, which changes `layoutEpoch`.
   */
  tail(bytes: number): number {
    if (this.capacityBlocks === 0) this.reserve(1);
    const needPages = Math.ceil((this.tailAt + bytes) / PAGE);
    const havePages = this.kernel.memory.buffer.byteLength / PAGE;
    if (needPages > havePages) {
      this.kernel.memory.grow(needPages - havePages);
      this.refreshViews();
    }
    return this.tailAt;
  }

  /** Changes whenever the batch regions move (and with them `tail` memory). */
  get layoutEpoch(): number {
    return this.layouts;
  }

  /** Loads rows [0, n) of `x` (n × inputs, row-major) as the batch every following call runs on. */
  setBatch(x: Float32Array, n: number): void {
    const d = this.spec.inputs;
    if (!Number.isInteger(n) || n < 1 || x.length < n * d) {
      throw new InvalidArgumentError(`batch needs n ≥ 1 rows of ${d} inputs; got n=${n} with ${x.length} values`);
    }
    const blocks = Math.ceil(n / 4);
    this.reserve(blocks);
    const f32 = this.views.f32;
    const base = this.views.i32[HDR.x] >> 2;
    for (let b = 0; b < blocks; b++) {
      for (let h = 0; h < 4; h++) {
        const s = 4 * b + h;
        const dst = base + b * d * 4 + h;
        if (s < n) for (let i = 0; i < d; i++) f32[dst + 4 * i] = x[s * d + i];
        else for (let i = 0; i < d; i++) f32[dst + 4 * i] = 0;
      }
    }
    this.n = n;
    this.batchBlocks = blocks;
    this.labelRows = 0;
  }

  /** Loads the batch's labels (integers in [0, outputs)) for `crossEntropyLoaded`; call after `setBatch`. */
  setLabels(y: ArrayLike<number>): void {
    const k = this.spec.outputs;
    const n = this.n;
    if (y.length < n) throw new InvalidArgumentError(`the batch has ${n} rows but only ${y.length} labels`);
    const i32 = this.views.i32;
    const base = i32[hdrLabels(this.layers.length)] >> 2;
    for (let s = 0; s < n; s++) {
      const label = y[s];
      if (!(label >= 0 && label < k && Number.isInteger(label))) {
        throw new InvalidArgumentError(`label ${label} at row ${s} is not an integer in [0, ${k})`);
      }
      i32[base + s] = label;
    }
    for (let s = n; s < 4 * this.batchBlocks; s++) i32[base + s] = 0;
    this.labelRows = n;
  }

  /** Mean cross-entropy of the current logits against the labels of `setLabels` (float32 exp/log, float64 sum). */
  crossEntropyLoaded(): number {
    if (this.labelRows !== this.n) throw new InvalidArgumentError('crossEntropyLoaded: call setLabels after setBatch');
    return this.ce(this.batchBlocks, this.n);
  }

  /** Copies one gathered sample (row `src` of `x`) into batch row `s`, for batches assembled row by row. */
  setBatchRows(x: Float32Array, rows: ArrayLike<number>, n: number): void {
    const d = this.spec.inputs;
    const blocks = Math.ceil(n / 4);
    this.reserve(blocks);
    const f32 = this.views.f32;
    const base = this.views.i32[HDR.x] >> 2;
    for (let s = 0; s < 4 * blocks; s++) {
      const dst = base + (s >> 2) * d * 4 + (s & 3);
      if (s < n) {
        const src = rows[s] * d;
        for (let i = 0; i < d; i++) f32[dst + 4 * i] = x[src + i];
      } else {
        for (let i = 0; i < d; i++) f32[dst + 4 * i] = 0;
      }
    }
    this.n = n;
    this.batchBlocks = blocks;
    this.labelRows = 0;
  }

  /** Sample blocks (of four) of the current batch. */
  get blocks(): number {
    return this.batchBlocks;
  }

  /** Forward pass of the parameters at byte offset `paramsAt` (default: the params region) over the batch. */
  forward(paramsAt: number = this.paramsAt): void {
    this.fwd(paramsAt, this.batchBlocks);
  }

  /** Float index of logit (sample s, output j) is logitsBase + logitIndex(s, j). */
  get logitsBase(): number {
    return this.views.i32[HDR.act + this.layers.length - 1] >> 2;
  }

  /** Float index of the output-layer delta region (same blocked shape as the logits). */
  get deltaBase(): number {
    return this.views.i32[hdrDelta(this.layers.length, this.layers.length)] >> 2;
  }

  /** Offset of (sample s, output j) inside a blocked region of `k` outputs. */
  static blockedIndex(s: number, j: number, k: number): number {
    return (s >> 2) * k * 4 + j * 4 + (s & 3);
  }

  /** Copies the logits of the batch out, n × outputs row-major. */
  readLogits(out: Float32Array = new Float32Array(this.n * this.spec.outputs)): Float32Array {
    const k = this.spec.outputs;
    const f32 = this.views.f32;
    const base = this.logitsBase;
    for (let s = 0; s < this.n; s++)
      for (let j = 0; j < k; j++) out[s * k + j] = f32[base + WasmMlp.blockedIndex(s, j, k)];
    return out;
  }

  /** Mean cross-entropy of the current logits against labels y (float64 sums, as crossEntropy). */
  crossEntropy(y: ArrayLike<number>): number {
    const k = this.spec.outputs;
    const f32 = this.views.f32;
    const base = this.logitsBase;
    const n = this.n;
    let total = 0;
    for (let s = 0; s < n; s++) {
      const row = base + (s >> 2) * k * 4 + (s & 3);
      const label = y[s];
      if (!(label >= 0 && label < k)) {
        throw new InvalidArgumentError(`crossEntropy: label ${label} at row ${s} is not an integer in [0, ${k})`);
      }
      let m = -Infinity;
      for (let j = 0; j < k; j++) if (f32[row + 4 * j] > m) m = f32[row + 4 * j];
      let z = 0;
      for (let j = 0; j < k; j++) z += Math.exp(f32[row + 4 * j] - m);
      total += m + Math.log(z) - f32[row + 4 * label];
    }
    return total / n;
  }

  /**
   * Mean cross-entropy and its gradient w.r.t. the parameters in the params region, written to `grad`
   * (after `forward()` on the same batch).
   */
  lossAndGradient(y: ArrayLike<number>, grad: Float32Array): number {
    const k = this.spec.outputs;
    const f32 = this.views.f32;
    const logits = this.logitsBase;
    const delta = this.deltaBase;
    const n = this.n;
    const invN = 1 / n;
    let loss = 0;
    for (let s = 0; s < 4 * this.batchBlocks; s++) {
      const row = (s >> 2) * k * 4 + (s & 3);
      if (s >= n) {
        for (let j = 0; j < k; j++) f32[delta + row + 4 * j] = 0;
        continue;
      }
      const label = y[s];
      if (!(label >= 0 && label < k)) {
        throw new InvalidArgumentError(`label ${label} at row ${s} is not an integer in [0, ${k})`);
      }
      let m = -Infinity;
      for (let j = 0; j < k; j++) if (f32[logits + row + 4 * j] > m) m = f32[logits + row + 4 * j];
      let z = 0;
      for (let j = 0; j < k; j++) {
        const e = Math.exp(f32[logits + row + 4 * j] - m);
        f32[delta + row + 4 * j] = e;
        z += e;
      }
      loss += m + Math.log(z) - f32[logits + row + 4 * label];
      const scale = invN / z;
      for (let j = 0; j < k; j++) f32[delta + row + 4 * j] *= scale;
      f32[delta + row + 4 * label] -= invN;
    }
    this.bwd(this.paramsAt, this.batchBlocks, this.gradAt);
    grad.set(f32.subarray(this.gradAt >> 2, (this.gradAt >> 2) + this.numParams));
    return loss * invN;
  }

  /** A view of the params region (valid until memory grows). */
  paramsView(): Float32Array {
    return this.views.f32.subarray(this.paramsAt >> 2, (this.paramsAt >> 2) + this.numParams);
  }
}

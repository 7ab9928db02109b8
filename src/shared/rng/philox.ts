/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11) and a stream generator on top.
 *
 * A counter-based generator is a pure function of (counter, key): any block of any stream can be regenerated anywhere
 * without replaying the ones before it, which is what lets a run's noise be keyed by (seed, purpose, generation, agent)
 * and stay identical no matter which worker draws it.
 */
import { InvalidArgumentError } from '../errors.js';
import { WASM_MAX_BLOCKS, createWasmPhilox } from './philox_wasm.js';
import { ZIG_F, ZIG_K, ZIG_R, ZIG_W } from './ziggurat.js';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
// The multipliers split into 16-bit halves so that 32x32-bit products can be assembled without 64-bit integers.
const M0_HI = M0 >>> 16;
const M0_LO = M0 & 0xffff;
const M1_HI = M1 >>> 16;
const M1_LO = M1 & 0xffff;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const TWO16 = 65536;
const INV_TWO16 = 1 / 65536;
const INV_TWO32 = 1 / 4294967296;

/** Philox4x32-10 block function: writes the 4 output words for counter (c0..c3) and key (k0, k1) into `out`. */
export function philox4x32_10(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
): void {
  c0 >>>= 0;
  c1 >>>= 0;
  c2 >>>= 0;
  c3 >>>= 0;
  k0 >>>= 0;
  k1 >>>= 0;
  for (let round = 0; round < 10; round++) {
    // High words of the 32x32-bit products from 16-bit pieces (Hacker's Delight mulhu): every partial sum < 2^32.
    let al = c0 & 0xffff;
    let ah = c0 >>> 16;
    let t = ah * M0_LO + ((al * M0_LO) >>> 16);
    let t2 = al * M0_HI + (t & 0xffff);
    const hi0 = (ah * M0_HI + (t >>> 16) + (t2 >>> 16)) >>> 0;
    const lo0 = Math.imul(c0, M0) >>> 0;
    al = c2 & 0xffff;
    ah = c2 >>> 16;
    t = ah * M1_LO + ((al * M1_LO) >>> 16);
    t2 = al * M1_HI + (t & 0xffff);
    const hi1 = (ah * M1_HI + (t >>> 16) + (t2 >>> 16)) >>> 0;
    const lo1 = Math.imul(c2, M1) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

// The purpose ids live in one table of their own; re-exported here, where callers of CounterRng look for them.
export { RngPurpose, type RngPurposeName } from './purposes.js';

const TWO32 = 4294967296;
const INV_TWO24 = 1 / 16777216;
const INV_TWO53 = 1 / 9007199254740992;
// Tag word in the key-derivation counter, so derivation blocks can never coincide with output blocks of a stream.
const DERIVE_TAG = 0x5eed1d5;

/** Blocks generated per refill: amortises the WebAssembly call; 1 KiB of buffer per stream. */
const BUFFER_BLOCKS = 64;
const BUFFER_WORDS = BUFFER_BLOCKS * 4;
const wasm = createWasmPhilox();
const jsBlock = new Uint32Array(4);
const sideBlock = new Uint32Array(4);

/** Writes blocks [ctr, ctr + BUFFER_BLOCKS) of key (k0, k1) into `out`, in WebAssembly when available. */
function fillBuffer(k0: number, k1: number, ctrLo: number, ctrHi: number, out: Uint32Array, useWasm: boolean): void {
  if (useWasm && wasm !== undefined) {
    out.set(wasm.fill(k0, k1, ctrLo, ctrHi, BUFFER_BLOCKS).subarray(0, BUFFER_WORDS));
    return;
  }
  for (let b = 0; b < BUFFER_BLOCKS; b++) {
    const lo = (ctrLo + b) >>> 0;
    philox4x32_10(lo, lo < ctrLo ? (ctrHi + 1) >>> 0 : ctrHi, 0, 0, k0, k1, jsBlock);
    out.set(jsBlock, b * 4);
  }
}

/** Whether CounterRng runs its block function in WebAssembly here (else the identical JavaScript one). */
export const counterRngUsesWasm: boolean = wasm !== undefined;

/**
 * The ziggurat's slow path (~1.2% of draws) for stream word `u` at (block, lane): the tail beyond R for the base
 * layer, the wedge test otherwise, and fresh candidates when rejected. The extra words it needs come from the side
 * blocks (blockLo, blockHi, 1 + lane, k), k = 0, 1, …, never from the main stream (whose blocks have 0 there), so
 * every normal takes exactly one main-stream word and the normal at any position is a pure function of (key,
 * position): batches can be computed in any order and any block regenerated alone.
 */
function slowNormal(u: number, k0: number, k1: number, blockLo: number, blockHi: number, lane: number): number {
  let k = 0;
  let pos = 4;
  const side = (): number => {
    if (pos === 4) {
      philox4x32_10(blockLo, blockHi, 1 + lane, k++, k0, k1, sideBlock);
      pos = 0;
    }
    return sideBlock[pos++];
  };
  for (;;) {
    const i = u & 255;
    const r = u >>> 9;
    const x = r * ZIG_W[i];
    if (r < ZIG_K[i]) return u & 256 ? -x : x;
    if (i === 0) {
      // Marsaglia's tail method; 1 - v keeps the logarithm's argument in (0, 1].
      for (;;) {
        const tx = -Math.log(1 - side() * INV_TWO32) / ZIG_R;
        const ty = -Math.log(1 - side() * INV_TWO32);
        if (ty + ty > tx * tx) return u & 256 ? -(ZIG_R + tx) : ZIG_R + tx;
      }
    }
    const y = ZIG_F[i] + (side() >>> 8) * INV_TWO24 * (ZIG_F[i - 1] - ZIG_F[i]);
    if (y < Math.exp(-0.5 * x * x)) return u & 256 ? -x : x;
    u = side();
  }
}

function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new InvalidArgumentError(
      `seed must be a non-negative integer up to 2^53-1, got ${String(seed)}; pass e.g. 42`,
    );
  }
}

/**
 * A stream of random numbers: Philox4x32-10 with a 64-bit key derived from (seed, streamIds...) and a 64-bit block
 * counter (2^66 words per stream). Same arguments give the same stream on any machine, in Node or a browser.
 */
export class CounterRng {
  private k0: number;
  private k1: number;
  // 64-bit block counter as two 32-bit halves.
  private ctrLo = 0;
  private ctrHi = 0;
  private readonly buf = new Uint32Array(BUFFER_WORDS);
  private pos = BUFFER_WORDS;
  // Block index of buf[0], for the ziggurat's side blocks.
  private bufLo = 0;
  private bufHi = 0;
  /** False only in tests that check the JavaScript and WebAssembly paths agree. */
  private useWasm = true;

  private constructor(k0: number, k1: number) {
    this.k0 = k0;
    this.k1 = k1;
  }

  /** Same stream, forced onto the JavaScript block function (for cross-checking the WebAssembly one). */
  withoutWasm(): this {
    this.useWasm = false;
    return this;
  }

  /**
   * The stream for `seed` (integer in [0, 2^53)) and stream ids (integers in [0, 2^32), e.g. purpose, generation,
   * agent). Word j of the stream is word j mod 4 of the Philox block with counter (j div 4 as 64 bits, 0, 0).
   * Ids are folded into the key one by one through Philox itself, with their position and count mixed in, so
   * `from(s, 1)` and `from(s, 1, 0)` are unrelated streams; with no ids the key is the seed itself.
   */
  static from(seed: number, ...streamIds: number[]): CounterRng {
    checkSeed(seed);
    let k0 = seed % TWO32;
    let k1 = Math.floor(seed / TWO32);
    if (streamIds.length > 0) {
      const block = new Uint32Array(4);
      const n = streamIds.length;
      for (let i = 0; i < n; i++) {
        const id = streamIds[i];
        if (!Number.isInteger(id) || id < 0 || id >= TWO32) {
          throw new InvalidArgumentError(
            `stream id #${i} must be an integer in [0, 2^32), got ${String(id)}; use RngPurpose constants, generation and agent indices`,
          );
        }
        philox4x32_10(id, i, n, DERIVE_TAG, k0, k1, block);
        k0 = block[0];
        k1 = block[1];
      }
    }
    return new CounterRng(k0, k1);
  }

  /** A child stream keyed by this stream's key and more ids; does not consume draws from this stream. */
  derive(...streamIds: number[]): CounterRng {
    const child = new CounterRng(this.k0, this.k1);
    const block = new Uint32Array(4);
    const n = streamIds.length;
    for (let i = 0; i < n; i++) {
      const id = streamIds[i];
      if (!Number.isInteger(id) || id < 0 || id >= TWO32) {
        throw new InvalidArgumentError(`stream id #${i} must be an integer in [0, 2^32), got ${String(id)}`);
      }
      // A different tag from `from` keeps derive(a) distinct from from(seed, a) chains of the same length.
      philox4x32_10(id, i, n, DERIVE_TAG ^ 0xffffffff, child.k0, child.k1, block);
      child.k0 = block[0];
      child.k1 = block[1];
    }
    return child;
  }

  /** Jumps to block `block` (4 words each) of this stream; `skipTo(0)` rewinds to the start. */
  skipTo(block: number): this {
    if (!Number.isSafeInteger(block) || block < 0) {
      throw new InvalidArgumentError(`block index must be a non-negative integer, got ${String(block)}`);
    }
    this.ctrLo = block % TWO32;
    this.ctrHi = Math.floor(block / TWO32);
    this.pos = BUFFER_WORDS;
    return this;
  }

  private refill(): void {
    fillBuffer(this.k0, this.k1, this.ctrLo, this.ctrHi, this.buf, this.useWasm);
    this.bufLo = this.ctrLo;
    this.bufHi = this.ctrHi;
    const lo = (this.ctrLo + BUFFER_BLOCKS) >>> 0;
    if (lo < this.ctrLo) this.ctrHi = (this.ctrHi + 1) >>> 0;
    this.ctrLo = lo;
    this.pos = 0;
  }

  /** Uniform integer in [0, 2^32). */
  nextUint32(): number {
    if (this.pos === BUFFER_WORDS) this.refill();
    return this.buf[this.pos++];
  }

  /** Uniform double in [0, 1) with 53-bit resolution (two 32-bit words, as NumPy's `random()`). */
  nextFloat(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) * INV_TWO53;
  }

  /** Uniform integer in [0, n) without modulo bias (Lemire's multiply-and-reject), n an integer in [1, 2^32]. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO32) {
      throw new InvalidArgumentError(`nextInt(n) needs an integer n in [1, 2^32], got ${String(n)}`);
    }
    // m = x*n < 2^64 is not exact in doubles, so split x into 16-bit halves as in the block function.
    const threshold = (TWO32 - n) % n;
    for (;;) {
      const x = this.nextUint32();
      const lo = (x & 0xffff) * n;
      const hi = (x >>> 16) * n;
      const hiTop = Math.floor(hi * INV_TWO16);
      const mid = (hi - hiTop * TWO16) * TWO16 + lo; // < 2^49 (exact)
      const result = hiTop + Math.floor(mid * INV_TWO32);
      const leftover = mid % TWO32;
      if (leftover >= threshold) return result;
    }
  }

  /** Standard normal draw (256-layer ziggurat, 23-bit resolution per layer); the same sequence `fillNormal` writes. */
  nextNormal(): number {
    if (this.pos === BUFFER_WORDS) this.refill();
    return this.normalAt(this.pos++);
  }

  /** The normal for buffered word p: the ziggurat's fast path inline, else its slow path. */
  private normalAt(p: number): number {
    const u = this.buf[p];
    const i = u & 255;
    const r = u >>> 9;
    if (r < ZIG_K[i]) {
      const x = r * ZIG_W[i];
      return u & 256 ? -x : x;
    }
    const lo = (this.bufLo + (p >>> 2)) >>> 0;
    return slowNormal(u, this.k0, this.k1, lo, lo < this.bufLo ? (this.bufHi + 1) >>> 0 : this.bufHi, p & 3);
  }

  /** Fills `out` with uniform float32 values in [low, high) (24-bit resolution; float32 rounding may give `high`). */
  fillUniform(out: Float32Array, low = 0, high = 1): Float32Array {
    if (!(high >= low) || !Number.isFinite(low) || !Number.isFinite(high)) {
      throw new InvalidArgumentError(`fillUniform needs finite low <= high, got [${low}, ${high})`);
    }
    const scale = (high - low) * INV_TWO24;
    const buf = this.buf;
    let pos = this.pos;
    const n = out.length;
    for (let j = 0; j < n; j++) {
      if (pos === BUFFER_WORDS) {
        this.refill();
        pos = 0;
      }
      out[j] = low + (buf[pos++] >>> 8) * scale;
    }
    this.pos = pos;
    return out;
  }

  /**
   * Fills `out` with normal float32 values of the given mean and std; the same draws as repeated `nextNormal()`.
   * Bulk runs go through WebAssembly (block function and ziggurat fast path), the rest through the buffer.
   */
  fillNormal(out: Float32Array, mean = 0, std = 1): Float32Array {
    if (!Number.isFinite(mean) || !Number.isFinite(std) || std < 0) {
      throw new InvalidArgumentError(`fillNormal needs a finite mean and std >= 0, got mean=${mean}, std=${std}`);
    }
    const n = out.length;
    let j = 0;
    while (j < n && this.pos < BUFFER_WORDS) out[j++] = mean + std * this.normalAt(this.pos++);
    if (this.useWasm && wasm !== undefined) {
      // Here the buffer is empty, so the counter is exactly at the next unread block.
      const { k0, k1 } = this;
      while (n - j >= 4) {
        const blocks = Math.min(WASM_MAX_BLOCKS, (n - j) >>> 2);
        const { ctrLo, ctrHi } = this;
        const rejected = wasm.normals(k0, k1, ctrLo, ctrHi, blocks, mean, std);
        for (let q = 0; q < rejected; q++) {
          const w = wasm.rejects[q];
          const lo = (ctrLo + (w >>> 2)) >>> 0;
          const hi = lo < ctrLo ? (ctrHi + 1) >>> 0 : ctrHi;
          wasm.floats[w] = mean + std * slowNormal(wasm.words[w], k0, k1, lo, hi, w & 3);
        }
        out.set(wasm.floats.subarray(0, 4 * blocks), j);
        j += 4 * blocks;
        const next = (ctrLo + blocks) >>> 0;
        if (next < ctrLo) this.ctrHi = (ctrHi + 1) >>> 0;
        this.ctrLo = next;
      }
    }
    while (j < n) {
      if (this.pos === BUFFER_WORDS) this.refill();
      out[j++] = mean + std * this.normalAt(this.pos++);
    }
    return out;
  }
}

/**
 * A bit-exact port of the NumPy generator Gymnasium seeds its environments with:
 * `Generator(PCG64(SeedSequence(seed)))` (numpy/random/bit_generator.pyx, _pcg64.pyx, src/pcg64/pcg64.h,
 * src/distributions/distributions.c). Only the paths Gymnasium's environments draw from are ported.
 */
import { InvalidArgumentError } from '../errors.js';
import { EXP_R, EXP_ZIGGURAT, NORMAL_INV_R, NORMAL_R, NORMAL_ZIGGURAT } from './numpy_ziggurat.js';

// SeedSequence hashing constants (Melissa O'Neill's seed_seq_fe design, as NumPy uses them).
const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const XSHIFT = 16;
const POOL_SIZE = 4;

function hashmix(value: number, hashConst: { v: number }): number {
  value = (value ^ hashConst.v) >>> 0;
  hashConst.v = Math.imul(hashConst.v, MULT_A) >>> 0;
  value = Math.imul(value, hashConst.v) >>> 0;
  return (value ^ (value >>> XSHIFT)) >>> 0;
}

function mix(x: number, y: number): number {
  const result = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
  return (result ^ (result >>> XSHIFT)) >>> 0;
}

/** NumPy's `_int_to_uint32_array`: little-endian 32-bit words of a non-negative integer (0 gives one word). */
function intToWords(entropy: number | bigint): number[] {
  let n = typeof entropy === 'bigint' ? entropy : BigInt(entropy);
  if (n === 0n) return [0];
  const words: number[] = [];
  while (n > 0n) {
    words.push(Number(n & 0xffffffffn));
    n >>= 32n;
  }
  return words;
}

/** NumPy's `SeedSequence(entropy)` (no spawn key): hashes the entropy into a 4-word pool that seeds bit generators. */
export class SeedSequence {
  readonly entropy: bigint;
  private readonly pool = new Uint32Array(POOL_SIZE);

  constructor(entropy: number | bigint) {
    const ok = typeof entropy === 'bigint' ? entropy >= 0n : Number.isSafeInteger(entropy) && (entropy as number) >= 0;
    if (!ok) {
      throw new InvalidArgumentError(
        `SeedSequence entropy must be a non-negative integer (a bigint above 2^53), got ${String(entropy)}`,
      );
    }
    this.entropy = BigInt(entropy);
    this.mixEntropy(intToWords(entropy));
  }

  private mixEntropy(entropyWords: number[]): void {
    const mixer = this.pool;
    const hashConst = { v: INIT_A };
    for (let i = 0; i < POOL_SIZE; i++) {
      mixer[i] = hashmix(i < entropyWords.length ? entropyWords[i] : 0, hashConst);
    }
    for (let src = 0; src < POOL_SIZE; src++) {
      for (let dst = 0; dst < POOL_SIZE; dst++) {
        if (src !== dst) mixer[dst] = mix(mixer[dst], hashmix(mixer[src], hashConst));
      }
    }
    // Entropy longer than the pool is folded in afterwards, word by word.
    for (let src = POOL_SIZE; src < entropyWords.length; src++) {
      for (let dst = 0; dst < POOL_SIZE; dst++) {
        mixer[dst] = mix(mixer[dst], hashmix(entropyWords[src], hashConst));
      }
    }
  }

  /** `generate_state(nWords, dtype=np.uint32)`: nWords 32-bit words derived from the pool. */
  generateState(nWords: number): Uint32Array {
    if (!Number.isInteger(nWords) || nWords < 0) {
      throw new InvalidArgumentError(`generateState needs a non-negative integer word count, got ${String(nWords)}`);
    }
    const state = new Uint32Array(nWords);
    let hashConst = INIT_B;
    for (let i = 0; i < nWords; i++) {
      let v = (this.pool[i % POOL_SIZE] ^ hashConst) >>> 0;
      hashConst = Math.imul(hashConst, MULT_B) >>> 0;
      v = Math.imul(v, hashConst) >>> 0;
      state[i] = (v ^ (v >>> XSHIFT)) >>> 0;
    }
    return state;
  }
}

// PCG64's 128-bit LCG multiplier 0x2360ed051fc65da44385df649fccf645 as four 32-bit limbs, least significant first.
const N0 = 0x9fccf645;
const N1 = 0x4385df64;
const N2 = 0x1fc65da4;
const N3 = 0x2360ed05;
const INV_2_16 = 1 / 65536;

function limbsOf(x: bigint): number[] {
  return Array.from({ length: 8 }, (_, i) => Number((x >> BigInt(16 * i)) & 0xffffn));
}

/** PCG64's full state, shaped like NumPy's `bit_generator.state['state']` plus its 32-bit buffer. */
export interface PCG64State {
  state: bigint;
  inc: bigint;
  hasUint32: boolean;
  uinteger: number;
}

/**
 * NumPy's PCG64 (PCG XSL-RR 128/64): a 128-bit LCG whose state lives in eight 16-bit limbs, so every partial product
 * stays exact in doubles; far faster than BigInt arithmetic, which allocates on every operation.
 */
export class PCG64 {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private s4 = 0;
  private s5 = 0;
  private s6 = 0;
  private s7 = 0;
  private i0: number;
  private i1: number;
  private i2: number;
  private i3: number;
  private i4: number;
  private i5: number;
  private i6: number;
  private i7: number;
  // Last 64-bit output as two 32-bit halves, read by the public next* methods.
  private outHi = 0;
  private outLo = 0;
  // NumPy buffers the upper half of a 64-bit draw for the next 32-bit request.
  private hasUint32 = false;
  private uinteger = 0;

  private constructor(initState: bigint, initSeq: bigint) {
    // pcg_setseq_128_srandom_r: state = 0, inc = seq<<1 | 1, step, state += initstate, step.
    const inc = limbsOf(((initSeq << 1n) | 1n) & ((1n << 128n) - 1n));
    [this.i0, this.i1, this.i2, this.i3, this.i4, this.i5, this.i6, this.i7] = inc;
    this.step();
    const st = limbsOf((this.stateBigInt() + initState) & ((1n << 128n) - 1n));
    [this.s0, this.s1, this.s2, this.s3, this.s4, this.s5, this.s6, this.s7] = st;
    this.step();
  }

  /** Seeds like `np.random.PCG64(seedSequence)`: four 64-bit words → (initstate, initseq). */
  static fromSeedSequence(ss: SeedSequence): PCG64 {
    const w = ss.generateState(8);
    // generate_state(4, uint64) is the uint32 words paired little-endian.
    const u64 = (i: number): bigint => (BigInt(w[2 * i + 1]) << 32n) | BigInt(w[2 * i]);
    return new PCG64((u64(0) << 64n) | u64(1), (u64(2) << 64n) | u64(3));
  }

  /** The generator's state, as NumPy's `bit_generator.state` holds it (128-bit state and increment, 32-bit buffer). */
  get state(): PCG64State {
    const inc = [this.i0, this.i1, this.i2, this.i3, this.i4, this.i5, this.i6, this.i7];
    return {
      state: this.stateBigInt(),
      inc: inc.reduceRight((acc, l) => (acc << 16n) | BigInt(l), 0n),
      hasUint32: this.hasUint32,
      uinteger: this.uinteger,
    };
  }

  /** A generator continuing from `state` (e.g. one saved with `.state`, or advanced elsewhere). */
  static fromState(state: PCG64State): PCG64 {
    const mask = (1n << 128n) - 1n;
    if ((state.inc & 1n) === 0n || state.state < 0n || state.state > mask || state.inc < 0n || state.inc > mask) {
      throw new InvalidArgumentError('PCG64 state needs 128-bit unsigned state and an odd 128-bit increment');
    }
    const g = new PCG64(0n, 0n);
    [g.i0, g.i1, g.i2, g.i3, g.i4, g.i5, g.i6, g.i7] = limbsOf(state.inc);
    [g.s0, g.s1, g.s2, g.s3, g.s4, g.s5, g.s6, g.s7] = limbsOf(state.state);
    g.hasUint32 = state.hasUint32;
    g.uinteger = state.uinteger >>> 0;
    return g;
  }

  private stateBigInt(): bigint {
    const limbs = [this.s0, this.s1, this.s2, this.s3, this.s4, this.s5, this.s6, this.s7];
    return limbs.reduceRight((acc, l) => (acc << 16n) | BigInt(l), 0n);
  }

  /**
   * state = state * MULT + inc (mod 2^128): 16-bit state limbs times 32-bit multiplier limbs, summed in 16-bit columns;
   * a column holds at most four products below 2^48, so it stays exact in a double.
   */
  private step(): void {
    const s0 = this.s0;
    const s1 = this.s1;
    const s2 = this.s2;
    const s3 = this.s3;
    const s4 = this.s4;
    const s5 = this.s5;
    const s6 = this.s6;
    const s7 = this.s7;
    const t0 = s0 * N0 + this.i0;
    let c = Math.floor(t0 * INV_2_16);
    this.s0 = t0 - c * 65536;
    const t1 = s1 * N0 + this.i1 + c;
    c = Math.floor(t1 * INV_2_16);
    this.s1 = t1 - c * 65536;
    const t2 = s2 * N0 + s0 * N1 + this.i2 + c;
    c = Math.floor(t2 * INV_2_16);
    this.s2 = t2 - c * 65536;
    const t3 = s3 * N0 + s1 * N1 + this.i3 + c;
    c = Math.floor(t3 * INV_2_16);
    this.s3 = t3 - c * 65536;
    const t4 = s4 * N0 + s2 * N1 + s0 * N2 + this.i4 + c;
    c = Math.floor(t4 * INV_2_16);
    this.s4 = t4 - c * 65536;
    const t5 = s5 * N0 + s3 * N1 + s1 * N2 + this.i5 + c;
    c = Math.floor(t5 * INV_2_16);
    this.s5 = t5 - c * 65536;
    const t6 = s6 * N0 + s4 * N1 + s2 * N2 + s0 * N3 + this.i6 + c;
    c = Math.floor(t6 * INV_2_16);
    this.s6 = t6 - c * 65536;
    const t7 = s7 * N0 + s5 * N1 + s3 * N2 + s1 * N3 + this.i7 + c;
    this.s7 = t7 - Math.floor(t7 * INV_2_16) * 65536;
  }

  private next64(): void {
    this.step();
    // XSL-RR output: xor of the state's 64-bit halves, rotated.
    const xHi = ((this.s7 * 65536 + this.s6) ^ (this.s3 * 65536 + this.s2)) >>> 0;
    const xLo = ((this.s5 * 65536 + this.s4) ^ (this.s1 * 65536 + this.s0)) >>> 0;
    // Rotate right by the top 6 bits, branch-free (the amount is random, so branches would mispredict): swap the
    // halves when it is >= 32, then shift by the rest; (w << 1) << (31 - r) is w << (32 - r) but 0 when r = 0.
    const rot = this.s7 >>> 10;
    const r = rot & 31;
    const swap = -(rot >>> 5) | 0;
    const flip = (xHi ^ xLo) & swap;
    const a = xHi ^ flip;
    const b = xLo ^ flip;
    this.outHi = ((a >>> r) | ((b << 1) << (31 - r))) >>> 0;
    this.outLo = ((b >>> r) | ((a << 1) << (31 - r))) >>> 0;
  }

  /** Next raw 64-bit output (`bit_generator.random_raw()`). */
  nextUint64(): bigint {
    this.next64();
    return (BigInt(this.outHi) << 32n) | BigInt(this.outLo);
  }

  /** Next 64-bit output as [high, low] 32-bit halves, without allocating a BigInt. */
  nextUint64Halves(out: Uint32Array): Uint32Array {
    this.next64();
    out[0] = this.outHi;
    out[1] = this.outLo;
    return out;
  }

  /** `next_double`: (next_uint64 >> 11) * 2^-53, uniform in [0, 1). */
  nextDouble(): number {
    this.next64();
    return (this.outHi * 2097152 + (this.outLo >>> 11)) * 1.1102230246251565e-16;
  }

  /** `next_uint32`: the low half of a 64-bit draw, then its high half on the following call. */
  nextUint32(): number {
    if (this.hasUint32) {
      this.hasUint32 = false;
      return this.uinteger;
    }
    this.next64();
    this.hasUint32 = true;
    this.uinteger = this.outHi;
    return this.outLo;
  }
}

const TWO32 = 4294967296;

/** The subset of NumPy's `Generator` that Gymnasium's environments use, draw-for-draw identical to NumPy. */
export class NumpyGenerator {
  constructor(readonly bitGenerator: PCG64) {}

  /** `random()`: uniform double in [0, 1). */
  random(): number {
    return this.bitGenerator.nextDouble();
  }

  /** `uniform(low, high)`: low + (high - low) * random(). */
  uniform(low: number, high: number): number {
    const range = high - low;
    if (!Number.isFinite(range)) {
      throw new InvalidArgumentError(`uniform needs finite low and high, got low=${low}, high=${high}`);
    }
    return low + range * this.bitGenerator.nextDouble();
  }

  /** `uniform(low, high, size)`: `size` draws in order, as float64. */
  uniformArray(low: number, high: number, size: number): Float64Array {
    if (!Number.isInteger(size) || size < 0) {
      throw new InvalidArgumentError(`uniformArray needs a non-negative integer size, got ${String(size)}`);
    }
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = this.uniform(low, high);
    return out;
  }

  /**
   * `integers(low, high)` with the default int64 dtype (high exclusive): NumPy's Lemire rejection on 32-bit draws
   * when high - low - 1 < 2^32, else on 64-bit draws. Bounds must be safe integers.
   */
  integers(low: number, high: number): number {
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || high <= low) {
      throw new InvalidArgumentError(`integers needs safe integers low < high, got low=${low}, high=${high}`);
    }
    const rng = high - low - 1;
    if (rng === 0) return low;
    if (rng < TWO32 - 1) return low + this.lemire32(rng);
    if (rng === TWO32 - 1) return low + this.bitGenerator.nextUint32();
    // The span of two safe integers can exceed 2^53, so the wide path stays in BigInt throughout.
    return Number(BigInt(low) + this.lemire64(BigInt(high) - BigInt(low) - 1n));
  }

  /** `integers(low, high, size)` as a Float64Array of integers. */
  integersArray(low: number, high: number, size: number): Float64Array {
    if (!Number.isInteger(size) || size < 0) {
      throw new InvalidArgumentError(`integersArray needs a non-negative integer size, got ${String(size)}`);
    }
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = this.integers(low, high);
    return out;
  }

  /**
   * `standard_normal()`: NumPy's ziggurat on one 64-bit draw (8 bits of layer, 1 sign bit, 52 bits of abscissa),
   * with its tail and wedge fallbacks.
   */
  standardNormal(): number {
    const { k, w, f } = NORMAL_ZIGGURAT;
    const halves = this.halves;
    for (;;) {
      this.bitGenerator.nextUint64Halves(halves);
      const hi = halves[0];
      const lo = halves[1];
      const idx = lo & 0xff;
      const negative = (lo >>> 8) & 1;
      // Bits 9..60 of the 64-bit word: 23 from the low half, 29 from the high half.
      const rabs = (hi & 0x1fffffff) * 8388608 + (lo >>> 9);
      const x = negative ? -(rabs * w[idx]) : rabs * w[idx];
      if (rabs < k[idx]) return x;
      if (idx === 0) {
        for (;;) {
          const xx = -NORMAL_INV_R * Math.log(1.0 - this.bitGenerator.nextDouble());
          const yy = -Math.log(1.0 - this.bitGenerator.nextDouble());
          if (yy + yy > xx * xx) return (lo >>> 17) & 1 ? -(NORMAL_R + xx) : NORMAL_R + xx;
        }
      }
      if ((f[idx - 1] - f[idx]) * this.bitGenerator.nextDouble() + f[idx] < Math.exp(-0.5 * x * x)) return x;
    }
  }

  /** `standard_exponential()`: NumPy's ziggurat on one 64-bit draw (3 bits dropped, 8 of layer, 53 of abscissa). */
  standardExponential(): number {
    const { k, w, f } = EXP_ZIGGURAT;
    const halves = this.halves;
    for (;;) {
      this.bitGenerator.nextUint64Halves(halves);
      const hi = halves[0];
      const lo = halves[1];
      const idx = (lo >>> 3) & 0xff;
      const ri = hi * 2097152 + (lo >>> 11); // bits 11..63
      const x = ri * w[idx];
      if (ri < k[idx]) return x;
      if (idx === 0) return EXP_R - Math.log(1.0 - this.bitGenerator.nextDouble());
      if ((f[idx - 1] - f[idx]) * this.bitGenerator.nextDouble() + f[idx] < Math.exp(-x)) return x;
    }
  }

  private readonly halves = new Uint32Array(2);

  private lemire32(rng: number): number {
    const rngExcl = rng + 1;
    let x = this.bitGenerator.nextUint32();
    let m = mul32(x, rngExcl);
    if (m.leftover < rngExcl) {
      const threshold = (TWO32 - 1 - rng) % rngExcl;
      while (m.leftover < threshold) {
        x = this.bitGenerator.nextUint32();
        m = mul32(x, rngExcl);
      }
    }
    return m.high;
  }

  private lemire64(rng: bigint): bigint {
    const rngExcl = rng + 1n;
    const mask64 = (1n << 64n) - 1n;
    let m = this.bitGenerator.nextUint64() * rngExcl;
    let leftover = m & mask64;
    if (leftover < rngExcl) {
      const threshold = (mask64 - rng) % rngExcl;
      while (leftover < threshold) {
        m = this.bitGenerator.nextUint64() * rngExcl;
        leftover = m & mask64;
      }
    }
    return m >> 64n;
  }
}

/** 32x32 → 64-bit product split into its high and low words (exact: pieces stay below 2^53). */
function mul32(x: number, y: number): { high: number; leftover: number } {
  const lo = (x & 0xffff) * y;
  const hi = (x >>> 16) * y;
  const hiTop = Math.floor(hi / 65536);
  const mid = (hi - hiTop * 65536) * 65536 + lo;
  const carry = Math.floor(mid / TWO32);
  return { high: hiTop + carry, leftover: mid - carry * TWO32 };
}

/** Fresh 128-bit entropy from the platform CSPRNG (Web Crypto, present in browsers and Node >= 19). */
function osEntropy(): bigint {
  const words = new Uint32Array(4);
  globalThis.crypto.getRandomValues(words);
  let n = 0n;
  for (let i = 3; i >= 0; i--) n = (n << 32n) | BigInt(words[i]);
  return n;
}

/**
 * Gymnasium's `seeding.np_random(seed)`: `Generator(PCG64(SeedSequence(seed)))`. Without a seed it draws 128 bits of
 * OS entropy, as NumPy does. Throws InvalidArgumentError for negative or non-integer seeds.
 */
export function npRandom(seed?: number): NumpyGenerator {
  return npRandomSeeded(seed).rng;
}

/** `npRandom` that also returns the seed used (the OS entropy when none was given), as Gymnasium's `np_random`. */
export function npRandomSeeded(seed?: number): { rng: NumpyGenerator; seed: number | bigint } {
  if (seed !== undefined && (!Number.isSafeInteger(seed) || seed < 0)) {
    throw new InvalidArgumentError(
      `seed must be a non-negative integer (up to 2^53-1), got ${String(seed)}; pass e.g. { seed: 42 } or omit it`,
    );
  }
  const used = seed ?? osEntropy();
  return { rng: new NumpyGenerator(PCG64.fromSeedSequence(new SeedSequence(used))), seed: used };
}

/**
 * Gymnasium's `Discrete` and `Box` spaces (gymnasium/spaces/discrete.py, box.py) as classes. Each space owns its own
 * NumPy-compatible generator, seeded as Gymnasium seeds it (`PCG64(SeedSequence(seed))`), so `seed(s)` then
 * `sample()` draws exactly what Gymnasium draws. The plain fields (`kind`, `n`, `shape`, `low`, `high`) are the
 * space descriptions older evoscale code reads.
 */
import { npRandomSeeded, type NumpyGenerator } from '../rng/numpy.js';
import { EnvError } from './env_error.js';
import type { BoxSpace, DiscreteSpace } from './space_shapes.js';

/** What `seed()` returns: the seed given, or the OS entropy drawn when none was (as Gymnasium returns it). */
export type SpaceSeed = number | bigint;

/** Shared seeding rules: a lazily created generator, reseeded by `seed(s)`. */
abstract class SeededSpace {
  private generator: NumpyGenerator | null = null;

  /** Reseeds this space's generator as Gymnasium's `space.seed(seed)`; returns the seed used. */
  seed(seed?: number): SpaceSeed {
    if (seed !== undefined && (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0)) {
      throw new EnvError(
        `${this.toString()}.seed: seed must be a non-negative integer, got ${String(seed)}; pass e.g. 42 or nothing.`,
        'SPACE_BAD_SEED',
      );
    }
    const { rng, seed: used } = npRandomSeeded(seed);
    this.generator = rng;
    return used;
  }

  /** The space's generator (Gymnasium's `np_random`), seeded from OS entropy on first use when never seeded. */
  get npRandom(): NumpyGenerator {
    if (this.generator === null) this.generator = npRandomSeeded().rng;
    return this.generator;
  }

  abstract toString(): string;
}

/** `Discrete(n, start)`: the integers start, start + 1, …, start + n − 1 (Gymnasium's dtype int64). */
export class Discrete extends SeededSpace implements DiscreteSpace {
  readonly kind = 'discrete' as const;
  readonly shape: readonly number[] = [];
  readonly dtype = 'int64' as const;

  constructor(
    readonly n: number,
    readonly start = 0,
  ) {
    super();
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0) {
      throw new EnvError(`Discrete: n must be a positive integer, got ${String(n)}.`, 'SPACE_BAD_ARGUMENT');
    }
    if (typeof start !== 'number' || !Number.isSafeInteger(start) || !Number.isSafeInteger(start + n)) {
      throw new EnvError(
        `Discrete: start must be an integer with start + n a safe integer, got start=${String(start)}.`,
        'SPACE_BAD_ARGUMENT',
      );
    }
  }

  /**
   * A uniform draw, as Gymnasium's `start + np_random.integers(n)`. With `mask` (length n, entries 0 or 1) the draw is
   * among the 1s, as Gymnasium's `np_random.choice(np.where(mask)[0])`; an all-zero mask returns `start`. With
   * `probability` (length n, each in [0, 1], summing to 1) action i has that probability, drawn as NumPy's
   * `choice(…, p=probability)`: one uniform draw located in the normalised cumulative sum.
   */
  sample(mask?: ArrayLike<number> | null, probability?: ArrayLike<number>): number {
    if (mask !== undefined && mask !== null && probability !== undefined) {
      throw new EnvError(`${this.toString()}.sample: pass a mask or a probability, not both.`, 'SPACE_BAD_MASK');
    }
    if (probability !== undefined) return this.start + this.weighted(probability);
    if (mask === undefined || mask === null) return this.start + this.npRandom.integers(0, this.n);
    if (mask.length !== this.n) {
      throw new EnvError(
        `${this.toString()}.sample: mask must have length ${this.n}, got ${mask.length}.`,
        'SPACE_BAD_MASK',
      );
    }
    const valid: number[] = [];
    for (let i = 0; i < this.n; i++) {
      if (mask[i] === 1) valid.push(i);
      else if (mask[i] !== 0) {
        throw new EnvError(
          `${this.toString()}.sample: mask entries must be 0 or 1, got ${String(mask[i])} at index ${i}.`,
          'SPACE_BAD_MASK',
        );
      }
    }
    if (valid.length === 0) return this.start;
    return this.start + valid[this.npRandom.integers(0, valid.length)];
  }

  private weighted(probability: ArrayLike<number>): number {
    const where = `${this.toString()}.sample`;
    if (probability.length !== this.n) {
      throw new EnvError(
        `${where}: probability must have length ${this.n}, got ${probability.length}.`,
        'SPACE_BAD_MASK',
      );
    }
    const cdf = new Float64Array(this.n);
    let sum = 0;
    for (let i = 0; i < this.n; i++) {
      const p = probability[i];
      if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
        throw new EnvError(`${where}: probability[${i}] must be in [0, 1], got ${String(p)}.`, 'SPACE_BAD_MASK');
      }
      sum += p;
      cdf[i] = sum;
    }
    // Gymnasium's np.isclose(sum, 1): |sum − 1| <= 1e-8 + 1e-5.
    if (!(Math.abs(sum - 1) <= 1e-8 + 1e-5)) {
      throw new EnvError(`${where}: probabilities must sum to 1, got ${sum}.`, 'SPACE_BAD_MASK');
    }
    const u = this.npRandom.random();
    // searchsorted(cdf / cdf[-1], u, side='right'): the number of normalised cumulative values <= u.
    let idx = 0;
    while (idx < this.n && cdf[idx] / sum <= u) idx++;
    return idx;
  }

  /** Whether `x` is an integer in [start, start + n). */
  contains(x: unknown): boolean {
    return typeof x === 'number' && Number.isInteger(x) && x >= this.start && x < this.start + this.n;
  }

  /** Gymnasium's repr: `Discrete(3)`, `Discrete(5, start=-2)`. */
  toString(): string {
    return this.start === 0 ? `Discrete(${this.n})` : `Discrete(${this.n}, start=${this.start})`;
  }
}

/** Which typed arrays NumPy can cast to float32 without loss (`np.can_cast(dtype, float32)`); others never belong. */
function castsToFloat32(x: ArrayLike<number>): boolean {
  if (Array.isArray(x)) return true;
  return (
    x instanceof Float32Array ||
    x instanceof Int8Array ||
    x instanceof Uint8Array ||
    x instanceof Uint8ClampedArray ||
    x instanceof Int16Array ||
    x instanceof Uint16Array
  );
}

function formatBound(b: Float32Array): string {
  if (b.length > 0 && b.every((v) => v === b[0])) return String(b[0]);
  return `[${Array.from(b).map(String).join(', ')}]`;
}

/**
 * `Box(low, high, shape)`: float32 arrays of `shape` (flattened row-major) with low ≤ x ≤ high elementwise. Bounds
 * may be scalars (broadcast over `shape`) or arrays of the box's size; ±Infinity marks an unbounded side.
 */
export class Box extends SeededSpace implements BoxSpace {
  readonly kind = 'box' as const;
  readonly dtype = 'float32' as const;
  readonly shape: readonly number[];
  readonly low: Float32Array;
  readonly high: Float32Array;
  /** Number of elements (the product of `shape`). */
  readonly size: number;

  constructor(low: number | ArrayLike<number>, high: number | ArrayLike<number>, shape?: readonly number[]) {
    super();
    let dims: readonly number[];
    if (shape !== undefined) {
      if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
        throw new EnvError(
          `Box: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}.`,
          'SPACE_BAD_ARGUMENT',
        );
      }
      dims = [...shape];
    } else if (typeof low !== 'number') {
      dims = [low.length];
    } else if (typeof high !== 'number') {
      dims = [high.length];
    } else {
      dims = [1]; // Gymnasium: scalar bounds without a shape give shape (1,)
    }
    const size = dims.reduce((a, b) => a * b, 1);
    const bound = (name: string, v: number | ArrayLike<number>): Float32Array => {
      if (typeof v === 'number') return new Float32Array(size).fill(v);
      if (v.length !== size) {
        throw new EnvError(
          `Box: ${name} has ${v.length} values but shape [${dims.join(', ')}] needs ${size}; pass a scalar or ${size} values.`,
          'SPACE_BAD_ARGUMENT',
        );
      }
      return Float32Array.from(v);
    };
    this.low = bound('low', low);
    this.high = bound('high', high);
    for (let i = 0; i < size; i++) {
      const lo = this.low[i];
      const hi = this.high[i];
      if (Number.isNaN(lo) || Number.isNaN(hi) || lo > hi || lo === Infinity || hi === -Infinity) {
        throw new EnvError(
          `Box: bounds at index ${i} are low=${lo}, high=${hi}; need low <= high, no NaN, low < +Infinity, high > -Infinity.`,
          'SPACE_BAD_ARGUMENT',
        );
      }
    }
    this.shape = dims;
    this.size = size;
  }

  /** Per element: whether the lower bound is finite (Gymnasium's `bounded_below`). */
  get boundedBelow(): boolean[] {
    return Array.from(this.low, (v) => v > -Infinity);
  }

  /** Per element: whether the upper bound is finite (Gymnasium's `bounded_above`). */
  get boundedAbove(): boolean[] {
    return Array.from(this.high, (v) => v < Infinity);
  }

  /**
   * A draw as Gymnasium's `Box.sample()`: normal for unbounded elements, shifted exponential for half-bounded ones,
   * uniform for bounded ones, drawn in that order of kinds (each kind in element order), then rounded to float32.
   */
  sample(): Float32Array {
    const rng = this.npRandom;
    const out = new Float32Array(this.size);
    const below = this.boundedBelow;
    const above = this.boundedAbove;
    for (let i = 0; i < this.size; i++) if (!below[i] && !above[i]) out[i] = rng.standardNormal();
    for (let i = 0; i < this.size; i++) if (below[i] && !above[i]) out[i] = rng.standardExponential() + this.low[i];
    for (let i = 0; i < this.size; i++) if (!below[i] && above[i]) out[i] = -rng.standardExponential() + this.high[i];
    for (let i = 0; i < this.size; i++) if (below[i] && above[i]) out[i] = rng.uniform(this.low[i], this.high[i]);
    return out;
  }

  /**
   * Whether `x` is in the box, as Gymnasium decides: the right size, every element within its bounds after rounding
   * to float32, and of a type NumPy casts to float32 safely (a Float64Array or Int32Array never is; a plain array is
   * converted first, as Gymnasium converts a list).
   */
  contains(x: unknown): boolean {
    if (!(Array.isArray(x) || ArrayBuffer.isView(x))) return false;
    const arr = x as ArrayLike<unknown>;
    if (arr.length !== this.size || !castsToFloat32(arr as ArrayLike<number>)) return false;
    for (let i = 0; i < this.size; i++) {
      const v = arr[i];
      if (typeof v !== 'number') return false;
      const f = Math.fround(v);
      if (!(f >= this.low[i] && f <= this.high[i])) return false;
    }
    return true;
  }

  /** Gymnasium's repr with evoscale's number formatting: `Box(-1, 1, (3,), float32)`. */
  toString(): string {
    const shape = this.shape.length === 1 ? `(${this.shape[0]},)` : `(${this.shape.join(', ')})`;
    return `Box(${formatBound(this.low)}, ${formatBound(this.high)}, ${shape}, float32)`;
  }
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Box, Discrete } from '../../../src/shared/envs/spaces.js';
import { EnvError } from '../../../src/shared/envs/types.js';
import { bound, gymnasiumApi } from './gymnasium_api.js';

describe('Discrete(n, start)', () => {
  for (const c of gymnasiumApi.discrete) {
    it(`Discrete(${c.n}, start=${c.start}) after seed(${c.seed}) samples what Gymnasium samples`, () => {
      const space = new Discrete(c.n, c.start);
      assert.equal(space.seed(c.seed), c.seed_returned);
      assert.deepEqual(
        Array.from({ length: c.samples.length }, () => space.sample()),
        c.samples,
      );
    });
  }

  for (const c of gymnasiumApi.discrete_masked) {
    it(`sample(mask=[${c.mask.join(',')}]) draws among the allowed actions as Gymnasium does`, () => {
      const space = new Discrete(c.n, c.start);
      space.seed(c.seed);
      assert.deepEqual(
        Array.from({ length: c.samples.length }, () => space.sample(c.mask)),
        c.samples,
      );
    });
  }

  for (const c of gymnasiumApi.discrete_probability) {
    it(`sample(null, probability=[${c.probability.join(',')}]) draws what Gymnasium draws`, () => {
      const space = new Discrete(c.n, c.start);
      space.seed(c.seed);
      assert.deepEqual(
        Array.from({ length: c.samples.length }, () => space.sample(null, c.probability)),
        c.samples,
      );
    });
  }

  it('refuses probabilities that are not a distribution over the n actions', () => {
    const space = new Discrete(3);
    assert.throws(() => space.sample(null, [0.5, 0.5]), /probability must have length 3, got 2/);
    assert.throws(() => space.sample(null, [0.5, 0.6, -0.1]), /probability\[2\] must be in \[0, 1\], got -0.1/);
    assert.throws(() => space.sample(null, [0.5, 0.2, 0.2]), /probabilities must sum to 1, got 0.89999/);
    assert.throws(() => space.sample([1, 1, 1], [1, 0, 0]), /a mask or a probability, not both/);
  });

  it('contains exactly the integers start … start + n − 1', () => {
    const space = new Discrete(3, -1);
    assert.deepEqual(
      [-2, -1, 0, 1, 2, 0.5, Number.NaN, '0'].map((x) => space.contains(x)),
      [false, true, true, true, false, false, false, false],
    );
  });

  it('prints as Gymnasium does and keeps the fields older code reads', () => {
    assert.equal(String(new Discrete(3)), 'Discrete(3)');
    assert.equal(String(new Discrete(5, -2)), 'Discrete(5, start=-2)');
    const d = new Discrete(4);
    assert.deepEqual([d.kind, d.n, d.start, d.dtype, d.shape], ['discrete', 4, 0, 'int64', []]);
  });

  it('refuses a bad n, start, seed or mask with a message naming it', () => {
    assert.throws(
      () => new Discrete(0),
      (e: unknown) => e instanceof EnvError && /n must be a positive integer/.test(e.message),
    );
    assert.throws(() => new Discrete(2.5), /n must be a positive integer, got 2.5/);
    assert.throws(() => new Discrete(2, 0.5), /start must be an integer/);
    assert.throws(() => new Discrete(2).seed(-1), /seed must be a non-negative integer, got -1/);
    assert.throws(() => new Discrete(3).sample([1, 0]), /mask must have length 3, got 2/);
    assert.throws(() => new Discrete(2).sample([1, 2]), /mask entries must be 0 or 1, got 2 at index 1/);
  });

  it('without seed() draws from OS entropy and returns that entropy from seed()', () => {
    const space = new Discrete(1000);
    assert.ok(space.contains(space.sample()));
    assert.equal(typeof space.seed(), 'bigint');
  });
});

describe('Box(low, high, shape)', () => {
  for (const c of gymnasiumApi.box) {
    const low = c.low.map(bound);
    const high = c.high.map(bound);
    const kinds = low.map(
      (l, i) => `${l === -Infinity ? '(' : '['}${l}, ${high[i]}${high[i] === Infinity ? ')' : ']'}`,
    );
    it(`seed(${c.seed}) then sample() on ${kinds.join(' ')} × shape [${c.shape}] equals Gymnasium's float32 draws`, () => {
      const space = new Box(low.length === 1 ? low[0] : low, high.length === 1 ? high[0] : high, c.shape);
      space.seed(c.seed);
      for (const [k, expected] of c.samples.entries()) {
        const got = space.sample();
        assert.ok(got instanceof Float32Array);
        assert.deepEqual(Array.from(got), expected, `sample ${k}`);
        assert.ok(space.contains(got), `sample ${k} lies in the box`);
      }
    });
  }

  it('contains arrays of the right size within the bounds, compared in float32 as Gymnasium casts them', () => {
    const box = new Box(-1, 1, [2]);
    assert.equal(box.contains(Float32Array.of(-1, 1)), true);
    assert.equal(box.contains([0.5, -0.25]), true);
    assert.equal(box.contains([1.00000001, 0]), true); // rounds to 1 in float32
    assert.equal(box.contains([1.001, 0]), false);
    assert.equal(box.contains([0]), false);
    assert.equal(box.contains([Number.NaN, 0]), false);
    // NumPy cannot cast float64 to float32 safely, so Gymnasium's contains() is False for a float64 array.
    assert.equal(box.contains(Float64Array.of(0, 0)), false);
    assert.equal(box.contains(0), false);
  });

  it('broadcasts scalar bounds, infers the shape from array bounds, and prints like Gymnasium', () => {
    const a = new Box(-1, 1, [3]);
    assert.deepEqual(
      [a.kind, a.dtype, a.shape, Array.from(a.low), Array.from(a.high)],
      ['box', 'float32', [3], [-1, -1, -1], [1, 1, 1]],
    );
    assert.equal(String(a), 'Box(-1, 1, (3,), float32)');
    const b = new Box([-1, -2], 2);
    assert.deepEqual(b.shape, [2]);
    assert.equal(String(b), 'Box([-1, -2], 2, (2,), float32)');
    assert.deepEqual(new Box(-Infinity, 0, [2, 3]).boundedBelow, [false, false, false, false, false, false]);
    assert.equal(new Box(-Infinity, 0, [2, 3]).size, 6);
  });

  it('refuses bounds that do not fit the shape or cross, naming the problem', () => {
    assert.throws(() => new Box([0, 0], [1, 1, 1]), /high has 3 values but shape \[2\] needs 2/);
    assert.throws(() => new Box(1, 0, [1]), /low=1, high=0; need low <= high/);
    assert.throws(() => new Box(0, Number.NaN, [1]), /no NaN/);
    assert.throws(() => new Box(0, 1, [1.5]), /shape must be an array of non-negative integers/);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bestParams, simpleEs, softmaxWeights } from '../../../src/shared/algorithms/index.js';
import { negativeSphere, row, rowOf, startingAgent } from './helpers.js';

describe('simpleEs', () => {
  it('defaults to the proposal: population 50, fixed_sigma with σ = 1e-3', () => {
    const state = simpleEs.init(startingAgent(3), undefined, 0);
    assert.equal(state.populationSize, 50);
    assert.deepEqual(state.config.mutation, { mode: 'fixed_sigma', sigma: 1e-3, probability: 1 });
  });

  it('leaves every agent identical (θ and σ) after selection', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 40 }),
        fc.boolean(),
        fc.array(fc.double({ noNaN: false }), { minLength: 40, maxLength: 40 }),
        (P, adaptive, pool) => {
          const n = 7;
          const state = simpleEs.init(
            startingAgent(n),
            { populationSize: P, mutation: { mode: adaptive ? 'adaptive_sigma' : 'fixed_sigma' } },
            3,
          );
          simpleEs.ask(state);
          const next = simpleEs.tell(state, pool.slice(0, P));
          const first = row(next, 0);
          for (let i = 1; i < P; i++) assert.deepEqual(row(next, i), first);
          if (adaptive) {
            const s0 = rowOf(next.sigma, n, 0);
            for (let i = 1; i < P; i++) assert.deepEqual(rowOf(next.sigma, n, i), s0);
          }
          for (const x of first) assert.ok(Number.isFinite(x));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('weights agents by the softmax of their z-scored fitness', () => {
    // f = [1, 2, 3]: mean 2, population std √(2/3), z = [-√1.5, 0, √1.5].
    const z = Math.sqrt(1.5);
    const e = [Math.exp(-z), 1, Math.exp(z)];
    const total = e[0] + e[1] + e[2];
    const w = softmaxWeights(Float64Array.from([1, 2, 3]));
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(w[i] - e[i] / total) < 1e-15);
    // Standardising makes the weights blind to the fitness scale and offset.
    const w2 = softmaxWeights(Float64Array.from([-70, 30, 130]));
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(w2[i] - w[i]) < 1e-15);
  });

  it('averages uniformly when all fitness values are equal (zero std)', () => {
    assert.deepEqual(Array.from(softmaxWeights(Float64Array.from([4, 4, 4, 4]))), [0.25, 0.25, 0.25, 0.25]);
  });

  it('gives no weight to NaN fitness', () => {
    const w = softmaxWeights(Float64Array.from([-Infinity, 1, 2, 3]));
    assert.equal(w[0], 0);
    const v = softmaxWeights(Float64Array.from([1, 2, 3]));
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(w[i + 1] - v[i]) < 1e-15);
  });

  it('sets the new agent to the weighted sum of the varied agents', () => {
    const n = 3;
    const state = simpleEs.init(startingAgent(n), { populationSize: 3 }, 4);
    const varied = simpleEs.ask(state).slice();
    const fitness = [1, 2, 3];
    const w = softmaxWeights(Float64Array.from(fitness));
    const next = simpleEs.tell(state, fitness);
    for (let j = 0; j < n; j++) {
      const expected = w[0] * varied[j] + w[1] * varied[n + j] + w[2] * varied[2 * n + j];
      assert.equal(next.params[j], Math.fround(expected));
    }
    assert.equal(next.bestFitness, 3);
  });

  it('brings a 10-D sphere closer to its optimum than the start, in both mutation modes', () => {
    for (const mutation of [
      { mode: 'fixed_sigma', sigma: 0.05 },
      { mode: 'adaptive_sigma', sigmaInit: 0.05 },
    ] as const) {
      const n = 10;
      const start = startingAgent(n);
      let state = simpleEs.init(start, { mutation }, 321);
      const initial = negativeSphere(start, 1, n)[0];
      for (let g = 0; g < 200; g++) state = simpleEs.tell(state, negativeSphere(simpleEs.ask(state), 50, n));
      const final = negativeSphere(bestParams(state), 1, n)[0];
      assert.ok(final > initial * 0.5, `${mutation.mode}: ${final} vs start ${initial}`);
    }
  });
});

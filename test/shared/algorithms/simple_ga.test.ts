import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bestParams, rankOrder, simpleGa } from '../../../src/shared/algorithms/index.js';
import { negativeSphere, row, rowOf, startingAgent } from './helpers.js';

describe('simpleGa', () => {
  it('defaults to the proposal: population 50, fixed_sigma with σ = 1e-3, maximising', () => {
    const state = simpleGa.init(startingAgent(3), undefined, 0);
    assert.equal(state.populationSize, 50);
    assert.deepEqual(state.config.mutation, { mode: 'fixed_sigma', sigma: 1e-3, probability: 1 });
    assert.equal(state.config.direction, 'maximize');
  });

  it('keeps the top half in place and copies the i-th best over the i-th worst row', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 11 }),
        fc.boolean(),
        fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 11, maxLength: 11 }),
        (P, adaptive, pool) => {
          const n = 4;
          const state = simpleGa.init(
            startingAgent(n),
            { populationSize: P, mutation: { mode: adaptive ? 'adaptive_sigma' : 'fixed_sigma' } },
            5,
          );
          const varied = simpleGa.ask(state).slice();
          const variedSigma = state.scratch.populationSigma.slice();
          // Small integer fitness values force ties, which must break by index.
          const fitness = Float64Array.from(pool.slice(0, P));
          const order = rankOrder(Float64Array.from(fitness));
          const next = simpleGa.tell(state, fitness);
          const half = Math.floor(P / 2);
          for (let r = 0; r < P; r++) {
            const slot = order[r];
            const source = r < P - half ? slot : order[r - (P - half)];
            assert.deepEqual(row(next, slot), rowOf(varied, n, source), `rank ${r}`);
            if (adaptive) assert.deepEqual(rowOf(next.sigma, n, slot), rowOf(variedSigma, n, source));
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('ranks equal fitness by agent index, so selection is deterministic', () => {
    const order = rankOrder(Float64Array.from([1, 3, 3, -Infinity, 1, 3]));
    assert.deepEqual(Array.from(order), [1, 2, 5, 0, 4, 3]);
  });

  it('never keeps an agent whose fitness is NaN over one with a number', () => {
    const state = simpleGa.init(startingAgent(2), { populationSize: 4 }, 1);
    const varied = simpleGa.ask(state).slice();
    const next = simpleGa.tell(state, [NaN, -5, NaN, -7]);
    assert.deepEqual(row(next, 0), rowOf(varied, 2, 1));
    assert.deepEqual(row(next, 2), rowOf(varied, 2, 3));
    assert.equal(next.bestFitness, -5);
  });

  it('minimises when told direction "minimize" (e.g. raw cross-entropy)', () => {
    const state = simpleGa.init(startingAgent(2), { populationSize: 2, direction: 'minimize' }, 1);
    const varied = simpleGa.ask(state).slice();
    const next = simpleGa.tell(state, [0.9, 0.2]);
    assert.deepEqual(row(next, 0), rowOf(varied, 2, 1));
    assert.deepEqual(bestParams(next), rowOf(varied, 2, 1));
    assert.equal(next.bestFitness, 0.2);
  });

  it('re-perturbs every agent each generation, the best one included (no elite)', () => {
    const state = simpleGa.init(startingAgent(5), { populationSize: 4 }, 2);
    const next = simpleGa.tell(state, negativeSphere(simpleGa.ask(state), 4, 5));
    const best = bestParams(next);
    const again = simpleGa.ask(next);
    for (let i = 0; i < 4; i++) assert.notDeepEqual(rowOf(again, 5, i), best);
  });

  it('brings a 10-D sphere closer to its optimum than the start, in both mutation modes', () => {
    for (const mutation of [
      { mode: 'fixed_sigma', sigma: 0.05 },
      { mode: 'adaptive_sigma', sigmaInit: 0.05 },
    ] as const) {
      const n = 10;
      const start = startingAgent(n);
      let state = simpleGa.init(start, { mutation }, 123);
      const initial = negativeSphere(start, 1, n)[0];
      for (let g = 0; g < 200; g++) state = simpleGa.tell(state, negativeSphere(simpleGa.ask(state), 50, n));
      const final = negativeSphere(bestParams(state), 1, n)[0];
      assert.ok(final > initial * 0.05, `${mutation.mode}: ${final} vs start ${initial}`);
    }
  });
});

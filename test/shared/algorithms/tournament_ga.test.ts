import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bestParams, tournamentGa } from '../../../src/shared/algorithms/index.js';
import { negativeSphere, row, rowOf, startingAgent } from './helpers.js';

describe('tournamentGa', () => {
  it('defaults to experiment 1: population 100, tournaments of 3, one elite, θ += 0.01·N(0, 1) everywhere', () => {
    const state = tournamentGa.init(startingAgent(3), undefined, 0);
    assert.equal(state.populationSize, 100);
    assert.equal(state.config.algorithm, 'tournament_ga');
    if (state.config.algorithm !== 'tournament_ga') return;
    assert.equal(state.config.tournamentSize, 3);
    assert.equal(state.config.eliteCount, 1);
    assert.deepEqual(state.config.mutation, { mode: 'fixed_sigma', sigma: 0.01, probability: 1 });
  });

  it('never loses the best agent: its evaluated parameters survive selection and the next variation unchanged', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 30 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.double({ noNaN: false }), { minLength: 4 * 30, maxLength: 4 * 30 }),
        (P, eliteCount, pool) => {
          const n = 5;
          let state = tournamentGa.init(
            startingAgent(n),
            { populationSize: P, eliteCount: Math.min(eliteCount, P) },
            17,
          );
          for (let g = 0; g < 4; g++) {
            const varied = tournamentGa.ask(state).slice();
            const fitness = pool.slice(g * P, (g + 1) * P);
            let best = 0;
            for (let i = 1; i < P; i++) {
              const fi = Number.isNaN(fitness[i]) ? -Infinity : fitness[i];
              const fb = Number.isNaN(fitness[best]) ? -Infinity : fitness[best];
              if (fi > fb) best = i;
            }
            state = tournamentGa.tell(state, fitness);
            assert.deepEqual(row(state, 0), rowOf(varied, n, best));
            assert.deepEqual(bestParams(state), rowOf(varied, n, best));
            // The elite is evaluated again next generation exactly as it was.
            assert.deepEqual(rowOf(tournamentGa.ask(state), n, 0), rowOf(varied, n, best));
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('never lets the best fitness drop under a deterministic fitness function', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (seed) => {
        const P = 10;
        const n = 6;
        let state = tournamentGa.init(
          startingAgent(n),
          { populationSize: P, mutation: { mode: 'fixed_sigma', sigma: 0.3 } },
          seed,
        );
        let previous = -Infinity;
        for (let g = 0; g < 15; g++) {
          state = tournamentGa.tell(state, negativeSphere(tournamentGa.ask(state), P, n));
          assert.ok(state.bestFitness >= previous, `generation ${g}: ${state.bestFitness} < ${previous}`);
          previous = state.bestFitness;
        }
      }),
      { numRuns: 30 },
    );
  });

  it('fills every other row with a varied agent from the evaluated population', () => {
    const P = 12;
    const n = 4;
    const state = tournamentGa.init(startingAgent(n), { populationSize: P }, 9);
    const varied = tournamentGa.ask(state).slice();
    const rows = new Set<string>();
    for (let i = 0; i < P; i++) rows.add(rowOf(varied, n, i).join(','));
    const next = tournamentGa.tell(state, negativeSphere(varied, P, n));
    for (let i = 0; i < P; i++) assert.ok(rows.has(row(next, i).join(',')), `row ${i}`);
  });

  it('lets fitter agents win more tournaments', () => {
    // Fitness = agent index: with k = 3 drawn with replacement, agent i wins with probability
    // ((i+1)³ − i³)/P³, so the mean winner index is far above the uniform (P−1)/2.
    const P = 100;
    const n = 1;
    const state = tournamentGa.init(startingAgent(n), { populationSize: P, eliteCount: 0 }, 13);
    const varied = tournamentGa.ask(state).slice();
    const indexOf = new Map<number, number>();
    for (let i = 0; i < P; i++) indexOf.set(varied[i], i);
    const next = tournamentGa.tell(
      state,
      Float64Array.from({ length: P }, (_, i) => i),
    );
    let sum = 0;
    for (let i = 0; i < P; i++) sum += indexOf.get(next.params[i]) ?? NaN;
    let expected = 0;
    for (let i = 0; i < P; i++) expected += (i * ((i + 1) ** 3 - i ** 3)) / P ** 3;
    // Expected ≈ 74; the std of a mean of 100 winners is ≈ 1.9.
    assert.ok(Math.abs(sum / P - expected) < 8, `mean winner ${sum / P} vs ${expected}`);
  });

  it('brings a 10-D sphere closer to its optimum than the start', () => {
    const n = 10;
    const start = startingAgent(n);
    let state = tournamentGa.init(start, { mutation: { mode: 'fixed_sigma', sigma: 0.05 } }, 7);
    const initial = negativeSphere(start, 1, n)[0];
    for (let g = 0; g < 100; g++) state = tournamentGa.tell(state, negativeSphere(tournamentGa.ask(state), 100, n));
    const final = negativeSphere(bestParams(state), 1, n)[0];
    assert.ok(final > initial * 0.05, `${final} vs start ${initial}`);
  });
});

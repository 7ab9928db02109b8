import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  askRows,
  cloneState,
  getAlgorithm,
  restoreState,
  simpleEs,
  simpleGa,
  snapshotState,
  tournamentGa,
} from '../../../src/shared/algorithms/index.js';
import type { EvolutionState, MutationOptions } from '../../../src/shared/algorithms/index.js';
import { negativeSphere, rowOf, startingAgent } from './helpers.js';

const FIXED: MutationOptions = { mode: 'fixed_sigma' };
const ADAPTIVE: MutationOptions = { mode: 'adaptive_sigma' };

/** The same parents, seed and config at another generation index. */
function atGeneration(state: EvolutionState, generation: number): EvolutionState {
  return restoreState({ ...snapshotState(state), generation });
}

function meanStd(xs: ArrayLike<number>): { mean: number; std: number } {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  const mean = s / xs.length;
  let q = 0;
  for (let i = 0; i < xs.length; i++) q += (xs[i] - mean) ** 2;
  return { mean, std: Math.sqrt(q / xs.length) };
}

describe('variation (ask)', () => {
  it('gives the same population for the same seed, config and starting parameters', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.boolean(), (seed, adaptive) => {
        const mutation = adaptive ? ADAPTIVE : FIXED;
        const a = simpleGa.init(startingAgent(17), { populationSize: 6, mutation }, seed);
        const b = simpleGa.init(startingAgent(17), { populationSize: 6, mutation }, seed);
        assert.deepEqual(simpleGa.ask(a), simpleGa.ask(b));
      }),
      { numRuns: 50 },
    );
  });

  it('gives different populations for different seeds', () => {
    const a = simpleGa.ask(simpleGa.init(startingAgent(17), { populationSize: 4 }, 1));
    const b = simpleGa.ask(simpleGa.init(startingAgent(17), { populationSize: 4 }, 2));
    for (let i = 0; i < 4; i++) assert.notDeepEqual(rowOf(a, 17, i), rowOf(b, 17, i));
  });

  it('perturbs every agent with its own noise', () => {
    const n = 9;
    const P = 8;
    const population = simpleEs.ask(simpleEs.init(startingAgent(n), { populationSize: P }, 7));
    const rows = new Set<string>();
    for (let i = 0; i < P; i++) rows.add(rowOf(population, n, i).join(','));
    assert.equal(rows.size, P);
  });

  it('draws fresh noise at every generation for the same parents', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 1000 }), (g, dg) => {
        const base = simpleGa.init(startingAgent(5), { populationSize: 3, mutation: ADAPTIVE }, 11);
        const x = simpleGa.ask(atGeneration(base, g));
        const y = simpleGa.ask(atGeneration(base, g + dg));
        for (let i = 0; i < 3; i++) assert.notDeepEqual(rowOf(x, 5, i), rowOf(y, 5, i));
      }),
      { numRuns: 30 },
    );
  });

  it('computes any shard of rows exactly as the full ask does', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('simple_ga', 'simple_es', 'tournament_ga' as const).map(getAlgorithm),
        fc.boolean(),
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 3 }),
        fc.nat(),
        fc.nat(),
        (algorithm, adaptive, P, n, generations, a, b) => {
          const mutation = algorithm === tournamentGa ? FIXED : adaptive ? ADAPTIVE : FIXED;
          let state = algorithm.init(startingAgent(n), { populationSize: P, mutation }, 99);
          // Move a few generations on so shards see selected parents, σ and (for tournament_ga) elites.
          for (let g = 0; g < generations; g++) {
            state = algorithm.tell(state, negativeSphere(algorithm.ask(state), P, n));
          }
          const start = a % (P + 1);
          const end = start + (b % (P - start + 1));
          // The shard and the full population come from independent copies, so neither reads the other's rows.
          const shard = askRows(cloneState(state), start, end).slice();
          const full = algorithm.ask(cloneState(state));
          assert.deepEqual(shard, full.slice(start * n, end * n));
          // Rows computed by a shard, then completed by a full ask, agree with both.
          askRows(state, start, end);
          assert.deepEqual(algorithm.ask(state), full);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('adds N(0, 1e-3²) to every parameter in fixed_sigma mode', () => {
    const n = 1000;
    const P = 50;
    const start = startingAgent(n);
    const state = simpleGa.init(start, { populationSize: P, mutation: FIXED }, 3);
    const population = simpleGa.ask(state);
    const eps = new Float64Array(P * n);
    for (let i = 0; i < P * n; i++) eps[i] = population[i] - start[i % n];
    const { mean, std } = meanStd(eps);
    // 50 000 draws: the sample std is within 1% of σ and the mean within 4 standard errors of 0.
    assert.ok(Math.abs(std - 1e-3) < 1e-5, `std ${std}`);
    assert.ok(Math.abs(mean) < (4 * 1e-3) / Math.sqrt(P * n), `mean ${mean}`);
  });

  it('perturbs each parameter with the configured probability', () => {
    const n = 1000;
    const P = 20;
    const start = startingAgent(n);
    const state = tournamentGa.init(
      start,
      { populationSize: P, mutation: { mode: 'fixed_sigma', probability: 0.1 } },
      5,
    );
    const population = tournamentGa.ask(state);
    let changed = 0;
    for (let i = 0; i < P * n; i++) if (population[i] !== start[i % n]) changed++;
    // Binomial(20 000, 0.1): std ≈ 42, so ±200 is ~5 standard deviations.
    assert.ok(Math.abs(changed - 2000) < 200, `changed ${changed}`);
  });

  it('moves σ by ×(1 + N(0, 1e-2²)) and θ by N(0, σ²) in adaptive_sigma mode', () => {
    const n = 1000;
    const P = 50;
    const state = simpleEs.init(startingAgent(n), { populationSize: P, mutation: ADAPTIVE }, 8);
    simpleEs.ask(state);
    const sigma = state.scratch.populationSigma;
    const xi = new Float64Array(P * n);
    const z = new Float64Array(P * n);
    for (let i = 0; i < P * n; i++) {
      xi[i] = sigma[i] / Math.fround(1e-3) - 1;
      z[i] = (state.scratch.population[i] - state.params[i]) / sigma[i];
    }
    const s = meanStd(xi);
    const t = meanStd(z);
    assert.ok(Math.abs(s.std - 1e-2) < 2e-4, `ξ std ${s.std}`);
    assert.ok(Math.abs(s.mean) < 4e-2 / Math.sqrt(P * n), `ξ mean ${s.mean}`);
    // θ is float32, so the recovered ε/σ carries ~1e-4 relative rounding; the std still lands within 2%.
    assert.ok(Math.abs(t.std - 1) < 2e-2, `ε/σ std ${t.std}`);
  });

  it('keeps every σ positive and finite, whatever the σ noise and fitness', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('simple_ga', 'simple_es' as const).map(getAlgorithm),
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.double({ min: 1e-30, max: 1e30, noNaN: true }),
        fc.array(fc.double({ noNaN: false }), { minLength: 4 * 10, maxLength: 4 * 10 }),
        (algorithm, sigmaNoise, sigmaInit, fitnessPool) => {
          const P = 4;
          let state = algorithm.init(
            startingAgent(6),
            { populationSize: P, mutation: { mode: 'adaptive_sigma', sigmaNoise, sigmaInit } },
            21,
          );
          for (let g = 0; g < 10; g++) {
            algorithm.ask(state);
            for (const s of state.scratch.populationSigma) assert.ok(s > 0 && Number.isFinite(s), `varied σ ${s}`);
            state = algorithm.tell(state, fitnessPool.slice(g * P, (g + 1) * P));
            for (const s of state.sigma) assert.ok(s > 0 && Number.isFinite(s), `selected σ ${s}`);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('rejects a shard outside the population', () => {
    const state = simpleGa.init(startingAgent(3), { populationSize: 4 }, 0);
    assert.throws(() => askRows(state, 2, 5), /askRows/);
    assert.throws(() => askRows(state, 3, 2), /askRows/);
    assert.throws(() => askRows(state, 0, 2, new Float32Array(5)), /out holds 5/);
  });
});

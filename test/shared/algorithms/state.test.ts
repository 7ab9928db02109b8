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
  tell,
  tournamentGa,
} from '../../../src/shared/algorithms/index.js';
import type { EvolutionState, MutationOptions } from '../../../src/shared/algorithms/index.js';
import { InvalidArgumentError } from '../../../src/shared/errors.js';
import { negativeSphere, startingAgent } from './helpers.js';

const algorithmArb = fc.constantFrom('simple_ga', 'simple_es', 'tournament_ga' as const).map(getAlgorithm);
const mutationArb = fc.constantFrom<MutationOptions>(
  { mode: 'fixed_sigma' },
  { mode: 'adaptive_sigma' },
  { mode: 'fixed_sigma', probability: 0.3 },
);

/** The fields that define a state (its working buffers aside). */
function essence(state: EvolutionState): unknown {
  return snapshotState(state);
}

describe('population state', () => {
  it('tell depends on nothing but the state and the fitness (ask, shards or neither beforehand)', () => {
    fc.assert(
      fc.property(
        algorithmArb,
        mutationArb,
        fc.integer({ min: 2, max: 9 }),
        fc.array(fc.double({ noNaN: false }), { minLength: 9, maxLength: 9 }),
        fc.nat(),
        (algorithm, mutation, P, pool, cut) => {
          const n = 6;
          let start = algorithm.init(startingAgent(n), { populationSize: P, mutation }, 31);
          start = algorithm.tell(start, negativeSphere(algorithm.ask(start), P, n));
          const fitness = pool.slice(0, P);

          const asked = cloneState(start);
          algorithm.ask(asked);
          const sharded = cloneState(start);
          askRows(sharded, 0, cut % (P + 1));
          askRows(sharded, cut % (P + 1), P);
          const bare = cloneState(start);

          const expected = essence(algorithm.tell(asked, fitness));
          assert.deepEqual(essence(algorithm.tell(sharded, fitness)), expected);
          assert.deepEqual(essence(algorithm.tell(bare, fitness)), expected);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('lets a worker that only receives generation indices and fitness values stay in step with the coordinator', () => {
    for (const algorithm of [simpleGa, simpleEs, tournamentGa]) {
      const P = 12;
      const n = 8;
      const options = { populationSize: P, mutation: { mode: 'adaptive_sigma' } as const };
      let coordinator = algorithm.init(startingAgent(n), options, 77);
      // The worker rebuilt its state from the run seed; it evaluates rows 4…9 only.
      let worker = cloneState(coordinator);
      for (let g = 0; g < 5; g++) {
        const population = algorithm.ask(coordinator);
        const fitness = negativeSphere(population, P, n);
        const shard = askRows(worker, 4, 10);
        assert.deepEqual(negativeSphere(shard, 6, n), fitness.slice(4, 10));
        coordinator = algorithm.tell(coordinator, fitness);
        worker = algorithm.tell(worker, fitness);
        assert.deepEqual(essence(worker), essence(coordinator), `${algorithm.name} generation ${g}`);
      }
    }
  });

  it('resumes from a checkpoint exactly where the run left off', () => {
    for (const algorithm of [simpleGa, simpleEs, tournamentGa]) {
      const P = 10;
      const n = 5;
      const run = (state: EvolutionState, generations: number): EvolutionState => {
        for (let g = 0; g < generations; g++) state = algorithm.tell(state, negativeSphere(algorithm.ask(state), P, n));
        return state;
      };
      const half = run(
        algorithm.init(startingAgent(n), { populationSize: P, mutation: { mode: 'adaptive_sigma' } }, 5),
        3,
      );
      // structuredClone stands in for msgpackr/disk: plain numbers, strings and typed arrays survive it.
      const checkpoint = structuredClone(snapshotState(half));
      const straight = run(half, 4);
      const resumed = run(restoreState(checkpoint), 4);
      assert.deepEqual(essence(resumed), essence(straight), algorithm.name);
      assert.equal(resumed.generation, 7);
    }
  });

  it('accepts a snapshot whose arrays came back as plain number arrays (JSON)', () => {
    const state = simpleGa.init(startingAgent(3), { populationSize: 2, mutation: { mode: 'adaptive_sigma' } }, 1);
    const snapshot = snapshotState(state);
    const json = JSON.parse(
      JSON.stringify({
        ...snapshot,
        params: Array.from(snapshot.params),
        sigma: Array.from(snapshot.sigma),
        bestFitness: 0,
      }),
    );
    const restored = restoreState(json);
    assert.deepEqual(restored.params, state.params);
    assert.deepEqual(simpleGa.ask(restored), simpleGa.ask(state));
  });

  it('rejects a damaged snapshot with a message naming the field', () => {
    const snapshot = snapshotState(simpleGa.init(startingAgent(3), { populationSize: 2 }, 1));
    assert.throws(() => restoreState({ ...snapshot, params: new Float32Array(5) }), /params must be 6 numbers/);
    assert.throws(() => restoreState({ ...snapshot, generation: -1 }), /generation/);
    assert.throws(() => restoreState({ ...snapshot, populationSize: 3 }), /populationSize/);
    assert.throws(() => restoreState({ ...snapshot, seed: 1.5 }), /seed/);
  });

  it('starts from one Float32Array per agent when given a whole population', () => {
    const agents = [startingAgent(3, 1), startingAgent(3, 2)];
    const state = simpleGa.init(agents, { populationSize: 2 }, 0);
    assert.deepEqual(state.params, Float32Array.from([...agents[0], ...agents[1]]));
    assert.throws(() => simpleGa.init([startingAgent(3), startingAgent(3)], { populationSize: 3 }, 0), /array of 3/);
    assert.throws(() => simpleGa.init([startingAgent(3), startingAgent(4)], { populationSize: 2 }, 0), /agent 1/);
  });

  it('refuses a state already consumed by tell, whose buffers the next state now owns', () => {
    const state = simpleGa.init(startingAgent(3), { populationSize: 2 }, 0);
    simpleGa.tell(state, [1, 2]);
    assert.throws(() => simpleGa.ask(state), /already passed to tell/);
    assert.throws(() => simpleGa.tell(state, [1, 2]), InvalidArgumentError);
  });

  it('rejects bad arguments with errors that say what to change', () => {
    const agent = startingAgent(3);
    assert.throws(() => simpleGa.init(agent, undefined, -1), /seed must be a non-negative integer/);
    assert.throws(() => simpleGa.init(new Float32Array([1, NaN]), undefined, 0), /must be finite/);
    assert.throws(() => simpleGa.init(agent, { populationSize: 1 }, 0), /populationSize must be an integer in \[2/);
    assert.throws(() => simpleEs.init(agent, { mutation: { mode: 'fixed_sigma', sigma: -1 } }, 0), /mutation.sigma/);
    assert.throws(
      () => simpleEs.init(agent, { mutation: { mode: 'adaptive_sigma', sigmaInit: 0 } }, 0),
      /mutation.sigmaInit/,
    );
    assert.throws(() => tournamentGa.init(agent, { tournamentSize: 0 }, 0), /tournamentSize must be an integer in \[1/);
    assert.throws(
      () => tournamentGa.init(agent, { mutation: { mode: 'fixed_sigma', probability: 2 } }, 0),
      /probability/,
    );
    assert.throws(
      () => simpleGa.tell(simpleGa.init(agent, { populationSize: 4 }, 0), [1, 2, 3]),
      /one number per agent \(4\)/,
    );
  });

  it('dispatches tell on the algorithm recorded in the state', () => {
    for (const name of ['tournament_ga', 'simple_ga', 'simple_es'] as const) {
      const algorithm = getAlgorithm(name);
      const a = algorithm.init(startingAgent(4), { populationSize: 6 }, 3);
      const b = cloneState(a);
      const fitness = negativeSphere(algorithm.ask(a), 6, 4);
      assert.deepEqual(essence(tell(a, fitness)), essence(algorithm.tell(b, fitness)));
    }
    assert.throws(() => getAlgorithm('cma_es' as never), /unknown algorithm 'cma_es'/);
  });
});

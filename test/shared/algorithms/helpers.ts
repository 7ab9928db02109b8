/**
 * Small fixtures shared by the algorithm tests.
 */
import type { EvolutionState } from '../../../src/shared/algorithms/index.js';

/** A deterministic, non-trivial starting agent of n parameters. */
export function startingAgent(n: number, scale = 1): Float32Array {
  const x = new Float32Array(n);
  for (let j = 0; j < n; j++) x[j] = scale * Math.sin(1.7 * j + 0.3);
  return x;
}

/** Negative squared distance to the origin of each row: the fitness a sphere-minimising run maximises. */
export function negativeSphere(population: Float32Array, P: number, n: number): Float64Array {
  const f = new Float64Array(P);
  for (let i = 0; i < P; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += population[i * n + j] ** 2;
    f[i] = -s;
  }
  return f;
}

/** Row i of a state's parameters, copied. */
export function row(state: EvolutionState, i: number): Float32Array {
  return state.params.slice(i * state.numParams, (i + 1) * state.numParams);
}

/** Row i of a P×n matrix, copied. */
export function rowOf(matrix: Float32Array, n: number, i: number): Float32Array {
  return matrix.slice(i * n, (i + 1) * n);
}

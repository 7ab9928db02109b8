/** The standard test functions (minimised; global minimum 0) and a loop that runs a search on one. */
import type { SearchDriver } from '../../../../src/shared/algorithms/index.js';

export type Objective = (x: Float32Array) => number;

export const sphere: Objective = (x) => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
};

export const rosenbrock: Objective = (x) => {
  let s = 0;
  for (let i = 0; i < x.length - 1; i++) s += 100 * (x[i] * x[i] - x[i + 1]) ** 2 + (x[i] - 1) ** 2;
  return s;
};

export const rastrigin: Objective = (x) => {
  let s = 10 * x.length;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i] - 10 * Math.cos(2 * Math.PI * x[i]);
  return s;
};

/** Fitness of every candidate of the driver's current generation. */
export function evaluate(driver: SearchDriver, f: Objective, n: number): Float64Array {
  const pop = driver.ask();
  const P = driver.populationSize();
  const out = new Float64Array(P);
  for (let k = 0; k < P; k++) out[k] = f(pop.subarray(k * n, (k + 1) * n));
  return out;
}

/** Runs until some candidate scores below `target` or `maxEvals` are spent; returns evaluations used and the best value. */
export function minimise(
  driver: SearchDriver,
  f: Objective,
  n: number,
  target: number,
  maxEvals: number,
): { evaluations: number; best: number } {
  let evaluations = 0;
  let best = Infinity;
  while (evaluations < maxEvals) {
    const fit = evaluate(driver, f, n);
    evaluations += fit.length;
    for (const v of fit) best = Math.min(best, v);
    if (best < target) break;
    driver.tell(fit);
  }
  return { evaluations, best };
}

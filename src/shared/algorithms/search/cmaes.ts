/**
 * CMA-ES (Hansen & Ostermeier 2001; Hansen's tutorial arXiv:1604.00772) as a pure ask/tell state machine.
 *
 * - `ask`: λ candidates x_k = m + σ·B·D·z_k, z_k ~ N(0, I) keyed by (seed, generation, k), rounded to float32
 *   (what the engine evaluates);
 * - `tell`: the update equations of pycma's `purecma.CMAES.tell`, step for step, on those float32 candidates:
 *   weighted recombination of the best μ, cumulation of p_σ and p_c (with hσ), rank-one and rank-μ update
 *   of C, and σ ← σ·exp(min(1, c_σ/d_σ·(‖p_σ‖²/n − 1)/2)); the eigendecomposition is refreshed lazily, as
 *   purecma does, once `lazyGapEvals` evaluations have passed.
 * - covariance 'diagonal' is sep-CMA-ES (Ros & Hansen 2008): C kept diagonal, larger learning rates, O(n)
 *   per candidate; 'auto' chooses it above DIAGONAL_ABOVE parameters.
 * - optional IPOP restarts (Auger & Hansen 2005): when a run meets purecma's stopping tests (tolfun, tolx,
 *   condition > 1e14) it starts again from x₀ with λ multiplied by `popsizeFactor`. With no restart left the
 *   distribution stays where it stopped and later generations sample it unchanged.
 *
 * The algorithm minimises a cost internally: cost = fitness for `direction: 'minimize'`, −fitness otherwise;
 * NaN costs rank last.
 */
import { InvalidArgumentError } from '../../errors.js';
import { CounterRng, RngPurpose } from '../../rng/philox.js';
import { cmaesParameters, resolveCmaesConfig } from './cmaes_params.js';
import { symmetricEigen } from './eigen.js';
import type { CmaesOptions, CmaesSnapshot, CmaesState, SearchAlgorithm } from './types.js';

/** purecma's condition-number limit. */
const MAX_CONDITION = 1e14;

function identityState(n: number, diagonal: boolean): Pick<CmaesSnapshot, 'C' | 'B' | 'D' | 'pc' | 'ps'> {
  const C = new Float64Array(diagonal ? n : n * n);
  const B = new Float64Array(diagonal ? 0 : n * n);
  if (diagonal) C.fill(1);
  else for (let i = 0; i < n; i++) C[i * n + i] = B[i * n + i] = 1;
  return { C, B, D: new Float64Array(n).fill(1), pc: new Float64Array(n), ps: new Float64Array(n) };
}

function init(center: Float32Array, options: CmaesOptions | undefined, seed: number): CmaesState {
  if (!(center instanceof Float32Array) || center.length === 0) {
    throw new InvalidArgumentError('cmaes: init needs a non-empty Float32Array as the starting point');
  }
  for (let j = 0; j < center.length; j++) {
    if (!Number.isFinite(center[j])) {
      throw new InvalidArgumentError(`cmaes: starting point parameter ${j} is ${center[j]}; it must be finite`);
    }
  }
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new InvalidArgumentError(`cmaes: seed must be a non-negative integer (got ${String(seed)})`);
  }
  const n = center.length;
  const config = resolveCmaesConfig(options, n);
  return {
    config,
    seed,
    generation: 0,
    numParams: n,
    restart: 0,
    lambda: config.populationSize,
    x0: Float64Array.from(center),
    mean: Float64Array.from(center),
    sigma: config.sigma,
    ...identityState(n, config.covariance === 'diagonal'),
    countEval: 0,
    eigenEval: 0,
    evaluations: 0,
    bestFitness: NaN,
    stopped: '',
    scratch: { population: null },
  };
}

function ask(state: CmaesState): Float32Array {
  if (state.scratch.population !== null) return state.scratch.population;
  const n = state.numParams;
  const full = state.config.covariance === 'full';
  const { mean, sigma, B, D } = state;
  const out = new Float32Array(state.lambda * n);
  const dz = new Float64Array(n);
  for (let k = 0; k < state.lambda; k++) {
    const rng = CounterRng.from(state.seed, RngPurpose.cmaesSample, state.generation, k);
    for (let j = 0; j < n; j++) dz[j] = D[j] * rng.nextNormal();
    const o = k * n;
    if (full) {
      for (let i = 0; i < n; i++) {
        let y = 0;
        const r = i * n;
        for (let j = 0; j < n; j++) y += B[r + j] * dz[j];
        out[o + i] = mean[i] + sigma * y;
      }
    } else {
      for (let i = 0; i < n; i++) out[o + i] = mean[i] + sigma * dz[i];
    }
  }
  state.scratch.population = out;
  return out;
}

/** Indices of `costs` from lowest to highest, NaN last, ties to the lower index (a stable sort). */
function argsort(costs: Float64Array): Int32Array {
  const order = Int32Array.from({ length: costs.length }, (_, i) => i);
  const key = (i: number): number => (Number.isNaN(costs[i]) ? Infinity : costs[i]);
  return order.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : a - b;
  });
}

/** C^(-1/2)·y: B·diag(1/D)·Bᵀ·y (full) or y/D (diagonal). */
function invsqrtTimes(state: CmaesSnapshot, y: Float64Array): Float64Array {
  const n = state.numParams;
  const { B, D } = state;
  const z = new Float64Array(n);
  if (state.config.covariance === 'diagonal') {
    for (let i = 0; i < n; i++) z[i] = y[i] / D[i];
    return z;
  }
  const t = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += B[i * n + j] * y[i];
    t[j] = s / D[j];
  }
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += B[i * n + j] * t[j];
    z[i] = s;
  }
  return z;
}

/** A fresh run of an IPOP restart: back to x₀ and σ₀ with λ grown. */
function restarted(
  state: CmaesSnapshot,
  fields: Pick<CmaesSnapshot, 'generation' | 'evaluations' | 'bestFitness'>,
): CmaesState {
  const { config } = state;
  const restart = state.restart + 1;
  return {
    ...state,
    ...fields,
    ...identityState(state.numParams, config.covariance === 'diagonal'),
    restart,
    lambda: Math.round(config.populationSize * config.popsizeFactor ** restart),
    mean: Float64Array.from(state.x0),
    sigma: config.sigma,
    countEval: 0,
    eigenEval: 0,
    stopped: '',
    scratch: { population: null },
  };
}

function tell(state: CmaesState, fitness: ArrayLike<number>): CmaesState {
  const lambda = state.lambda;
  if (fitness.length !== lambda) {
    throw new InvalidArgumentError(
      `cmaes: tell needs ${lambda} fitness values (one per candidate of ask); got ${fitness.length}`,
    );
  }
  const arx = ask(state);
  const n = state.numParams;
  const { config } = state;
  const minimize = config.direction === 'minimize';
  const costs = new Float64Array(lambda);
  let bestFitness = NaN;
  for (let k = 0; k < lambda; k++) {
    costs[k] = minimize ? fitness[k] : -fitness[k];
    if (
      !Number.isNaN(costs[k]) &&
      (Number.isNaN(bestFitness) || (minimize ? fitness[k] < bestFitness : fitness[k] > bestFitness))
    ) {
      bestFitness = fitness[k];
    }
  }
  const generation = state.generation + 1;
  const evaluations = state.evaluations + lambda;
  if (state.stopped !== '') {
    return { ...state, generation, evaluations, bestFitness, scratch: { population: null } };
  }
  const diagonal = config.covariance === 'diagonal';
  const par = cmaesParameters(n, lambda, config.covariance);
  const order = argsort(costs);
  const xold = state.mean;
  const sigma = state.sigma;

  // Recombination: m' = Σ wᵢ x_{i:λ}.
  const mean = new Float64Array(n);
  for (let i = 0; i < par.mu; i++) {
    const w = par.weights[i];
    const o = order[i] * n;
    for (let j = 0; j < n; j++) mean[j] += w * arx[o + j];
  }
  const y = new Float64Array(n);
  for (let j = 0; j < n; j++) y[j] = mean[j] - xold[j];

  // Cumulation.
  const z = invsqrtTimes(state, y);
  const csn = Math.sqrt(par.cs * (2 - par.cs) * par.mueff) / sigma;
  const ps = new Float64Array(n);
  let psSquares = 0;
  for (let i = 0; i < n; i++) {
    ps[i] = (1 - par.cs) * state.ps[i] + csn * z[i];
    psSquares += ps[i] * ps[i];
  }
  const countEval = state.countEval + lambda;
  const hsig = psSquares / n / (1 - (1 - par.cs) ** ((2 * countEval) / lambda)) < 2 + 4 / (n + 1) ? 1 : 0;
  const ccn = Math.sqrt(par.cc * (2 - par.cc) * par.mueff) / sigma;
  const pc = new Float64Array(n);
  for (let i = 0; i < n; i++) pc[i] = (1 - par.cc) * state.pc[i] + ccn * hsig * y[i];

  // Covariance: C ← (1 − c1a − cμ·Σw)·C + c1·pc·pcᵀ + Σ wₖ·cμ/σ²·(x_k − m)(x_k − m)ᵀ.
  const c1a = par.c1 * (1 - (1 - hsig * hsig) * par.cc * (2 - par.cc));
  let wsum = 0;
  for (let i = 0; i < par.mu; i++) wsum += par.weights[i];
  const C = Float64Array.from(state.C);
  const decay = 1 - c1a - par.cmu * wsum;
  for (let i = 0; i < C.length; i++) C[i] *= decay;
  const dx = new Float64Array(n);
  if (diagonal) {
    for (let i = 0; i < n; i++) C[i] += par.c1 * pc[i] * pc[i];
    for (let k = 0; k < par.mu; k++) {
      const f = (par.weights[k] * par.cmu) / (sigma * sigma);
      const o = order[k] * n;
      for (let i = 0; i < n; i++) {
        const d = arx[o + i] - xold[i];
        C[i] += f * d * d;
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      const a = par.c1 * pc[i];
      for (let j = 0; j < n; j++) C[i * n + j] += a * pc[j];
    }
    for (let k = 0; k < par.mu; k++) {
      const f = (par.weights[k] * par.cmu) / (sigma * sigma);
      const o = order[k] * n;
      for (let i = 0; i < n; i++) dx[i] = arx[o + i] - xold[i];
      for (let i = 0; i < n; i++) {
        const a = f * dx[i];
        for (let j = 0; j < n; j++) C[i * n + j] += a * dx[j];
      }
    }
  }
  const newSigma = sigma * Math.exp(Math.min(1, ((par.cs / par.damps) * (psSquares / n - 1)) / 2));

  // Eigendecomposition: every generation for the diagonal (it is just √C), lazily for the full matrix.
  let B = state.B;
  let D = state.D;
  let eigenEval = state.eigenEval;
  let reason = '';
  if (diagonal) {
    D = new Float64Array(n);
    for (let i = 0; i < n; i++) D[i] = Math.sqrt(C[i]);
  } else if (countEval > state.eigenEval + par.lazyGapEvals) {
    const eig = symmetricEigen(C, n);
    B = eig.vectors;
    D = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (!(eig.values[i] > 0)) reason = 'covariance not positive definite';
      D[i] = Math.sqrt(eig.values[i]);
    }
    eigenEval = countEval;
  }

  // purecma's stopping tests (without maxfevals/ftarget, which the caller's budget owns).
  let dMax = 0;
  let dMin = Infinity;
  for (let i = 0; i < n; i++) {
    dMax = Math.max(dMax, D[i]);
    dMin = Math.min(dMin, D[i]);
  }
  const worst = costs[order[lambda - 1]];
  const best = costs[order[0]];
  if (reason === '') {
    if ((dMax * dMax) / (dMin * dMin) > MAX_CONDITION) reason = 'condition';
    else if (Number.isFinite(worst) && Number.isFinite(best) && worst - best < config.tolFun) reason = 'tolfun';
    else if (newSigma * dMax < config.tolX) reason = 'tolx';
    else if (!Number.isFinite(newSigma) || newSigma <= 0) reason = 'sigma out of range';
  }
  if (reason !== '' && state.restart < config.restarts) {
    return restarted(state, { generation, evaluations, bestFitness });
  }
  if (reason !== '') {
    // Nothing left to restart: keep the last sound distribution (the new one may be degenerate).
    return { ...state, generation, evaluations, bestFitness, stopped: reason, scratch: { population: null } };
  }
  return {
    ...state,
    generation,
    evaluations,
    bestFitness,
    mean,
    sigma: newSigma,
    C,
    B,
    D,
    pc,
    ps,
    countEval,
    eigenEval,
    scratch: { population: null },
  };
}

function snapshot(state: CmaesState): CmaesSnapshot {
  const { scratch: _scratch, ...rest } = state;
  return rest;
}

function float64(field: string, value: unknown, length: number): Float64Array {
  const ok =
    value instanceof Float64Array ||
    value instanceof Float32Array ||
    (Array.isArray(value) && value.every((v) => typeof v === 'number'));
  if (!ok || (value as ArrayLike<number>).length !== length) {
    throw new InvalidArgumentError(
      `cmaes state: ${field} must be ${length} numbers; the snapshot is damaged or from another run`,
    );
  }
  return Float64Array.from(value as ArrayLike<number>);
}

function count(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(`cmaes state: ${field} must be a non-negative integer (got ${String(value)})`);
  }
  return value;
}

function restore(s: CmaesSnapshot): CmaesState {
  if (s === null || typeof s !== 'object' || s.config?.algorithm !== 'cmaes') {
    throw new InvalidArgumentError('cmaes state: expected a snapshot as cmaes.snapshot() makes');
  }
  const n = count('numParams', s.numParams);
  const config = resolveCmaesConfig(s.config, n);
  const diagonal = config.covariance === 'diagonal';
  if (typeof s.sigma !== 'number' || !(s.sigma > 0))
    throw new InvalidArgumentError(`cmaes state: sigma must be > 0 (got ${String(s.sigma)})`);
  if (typeof s.bestFitness !== 'number') throw new InvalidArgumentError('cmaes state: bestFitness must be a number');
  return {
    config,
    seed: count('seed', s.seed),
    generation: count('generation', s.generation),
    numParams: n,
    restart: count('restart', s.restart),
    lambda: count('lambda', s.lambda),
    x0: float64('x0', s.x0, n),
    mean: float64('mean', s.mean, n),
    sigma: s.sigma,
    C: float64('C', s.C, diagonal ? n : n * n),
    B: float64('B', s.B, diagonal ? 0 : n * n),
    D: float64('D', s.D, n),
    pc: float64('pc', s.pc, n),
    ps: float64('ps', s.ps, n),
    countEval: count('countEval', s.countEval),
    eigenEval: count('eigenEval', s.eigenEval),
    evaluations: count('evaluations', s.evaluations),
    bestFitness: s.bestFitness,
    stopped: typeof s.stopped === 'string' ? s.stopped : '',
    scratch: { population: null },
  };
}

/** CMA-ES: purecma's update equations, full or diagonal covariance, optional IPOP restarts. */
export const cmaes: SearchAlgorithm<CmaesOptions, CmaesState, CmaesSnapshot> = {
  name: 'cmaes',
  init,
  ask,
  tell,
  populationSize: (state) => state.lambda,
  center: (state) => Float32Array.from(state.mean),
  snapshot,
  restore,
};

/**
 * CMA-ES's strategy parameters and option defaults. The formulas are pycma's `purecma.CMAESParameters`
 * (Hansen, version 3.0.0; equal to the tutorial's, arXiv:1604.00772, except d_σ, which purecma sets to
 * 2μ_eff/λ + 0.3 + c_σ together with its squared-norm σ update); the diagonal learning rates are
 * Ros & Hansen (2008), "A simple modification in CMA-ES achieving linear time and space complexity".
 */
import { InvalidArgumentError } from '../../errors.js';
import type { CmaesConfig, CmaesOptions, CovarianceMode } from './types.js';

/**
 * Above this many parameters 'auto' adapts only the diagonal: the full update costs O(n²) per candidate
 * and an O(n³) eigendecomposition, and its learning rates (~2/n²) make it slow to learn anything for
 * networks of hundreds of weights, where sep-CMA-ES's (n+2)/3 times larger rates learn in O(n) generations.
 */
export const DIAGONAL_ABOVE = 200;

export const CMAES_DEFAULTS = {
  sigma: 0.1,
  restarts: 0,
  popsizeFactor: 2,
  tolX: 1e-11,
  tolFun: 1e-12,
} as const;

/** Hansen's default λ = 4 + ⌊3 ln n⌋. */
export function defaultLambda(n: number): number {
  return 4 + Math.floor(3 * Math.log(n));
}

/** The strategy parameters of one run (dimension n, λ candidates). */
export interface CmaesParameters {
  readonly lambda: number;
  readonly mu: number;
  /** Positive recombination weights w₁ ≥ … ≥ w_μ, summing to 1. */
  readonly weights: Float64Array;
  readonly mueff: number;
  readonly cc: number;
  readonly cs: number;
  readonly c1: number;
  readonly cmu: number;
  readonly damps: number;
  /** Evaluations between two eigendecompositions (purecma's `lazy_gap_evals`). */
  readonly lazyGapEvals: number;
}

export function cmaesParameters(n: number, lambda: number, covariance: CovarianceMode): CmaesParameters {
  const mu = Math.floor(lambda / 2);
  const weights = new Float64Array(mu);
  let sum = 0;
  for (let i = 0; i < mu; i++) {
    weights[i] = Math.log(mu + 0.5) - Math.log(i + 1);
    sum += weights[i];
  }
  let squares = 0;
  for (let i = 0; i < mu; i++) {
    weights[i] /= sum;
    squares += weights[i] * weights[i];
  }
  let wsum = 0;
  for (let i = 0; i < mu; i++) wsum += weights[i];
  const mueff = (wsum * wsum) / squares;
  const cc = (4 + mueff / n) / (n + 4 + (2 * mueff) / n);
  const cs = (mueff + 2) / (n + mueff + 5);
  let c1 = 2 / ((n + 1.3) ** 2 + mueff);
  let cmu = Math.min(1 - c1, (2 * (mueff - 2 + 1 / mueff)) / ((n + 2) ** 2 + mueff));
  if (covariance === 'diagonal') {
    // Ros & Hansen (2008): a diagonal C has n, not n², degrees of freedom, so it may learn (n+2)/3 times faster.
    c1 *= (n + 2) / 3;
    cmu = Math.min(1 - c1, (cmu * (n + 2)) / 3);
  }
  const damps = (2 * mueff) / lambda + 0.3 + cs;
  const lazyGapEvals = (0.5 * n * lambda) / (c1 + cmu) / (n * n);
  return { lambda, mu, weights, mueff, cc, cs, c1, cmu, damps, lazyGapEvals };
}

function fail(field: string, expected: string, got: unknown): never {
  throw new InvalidArgumentError(`cmaes: ${field} must be ${expected} (got ${String(got)})`);
}

function positive(field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) fail(field, 'a finite number > 0', value);
  return value;
}

/** CMA-ES's configuration for n parameters, defaults filled in; throws InvalidArgumentError naming a bad field. */
export function resolveCmaesConfig(options: CmaesOptions = {}, n: number): CmaesConfig {
  const populationSize = options.populationSize ?? defaultLambda(n);
  // μ = ⌊λ/2⌋ must be at least 1.
  if (!Number.isInteger(populationSize) || populationSize < 2 || populationSize > 1 << 24) {
    fail('populationSize', 'an integer in [2, 16777216]', populationSize);
  }
  const covariance = options.covariance ?? 'auto';
  if (covariance !== 'auto' && covariance !== 'full' && covariance !== 'diagonal') {
    fail('covariance', "'auto', 'full' or 'diagonal'", covariance);
  }
  const restarts = options.restarts ?? CMAES_DEFAULTS.restarts;
  if (!Number.isInteger(restarts) || restarts < 0 || restarts > 20) fail('restarts', 'an integer in [0, 20]', restarts);
  const popsizeFactor = positive('popsizeFactor', options.popsizeFactor ?? CMAES_DEFAULTS.popsizeFactor);
  if (popsizeFactor < 1) fail('popsizeFactor', '≥ 1', popsizeFactor);
  const direction = options.direction ?? 'maximize';
  if (direction !== 'maximize' && direction !== 'minimize') fail('direction', "'maximize' or 'minimize'", direction);
  return {
    algorithm: 'cmaes',
    populationSize,
    sigma: positive('sigma', options.sigma ?? CMAES_DEFAULTS.sigma),
    covariance: covariance === 'auto' ? (n > DIAGONAL_ABOVE ? 'diagonal' : 'full') : covariance,
    restarts,
    popsizeFactor,
    tolX: positive('tolX', options.tolX ?? CMAES_DEFAULTS.tolX),
    tolFun: positive('tolFun', options.tolFun ?? CMAES_DEFAULTS.tolFun),
    direction,
  };
}

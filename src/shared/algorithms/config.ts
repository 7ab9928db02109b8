/**
 * Defaults and validation of algorithm configurations: checked once, at `init`, with errors that say
 * which field to change.
 */
import { InvalidArgumentError } from '../errors.js';
import type {
  AlgorithmConfig,
  AlgorithmName,
  CommonOptions,
  FitnessDirection,
  MutationConfig,
  MutationOptions,
  TournamentGaOptions,
} from './types.js';

/** σ is kept within float32's normal range: it never collapses to 0 (from where it could not grow back) nor overflows. */
export const SIGMA_MIN = 1.1754943508222875e-38;
export const SIGMA_MAX = 3.4028234663852886e38;

/** The proposal's `fixed_sigma` mode: θᵢ += N(0, σ=1e-3) on every parameter. */
export const FIXED_SIGMA_DEFAULTS = { mode: 'fixed_sigma', sigma: 1e-3, probability: 1 } as const;

/** The proposal's `adaptive_sigma` mode: σᵢ starts at 1e-3 and moves by ×(1 + N(0, 1e-2)). */
export const ADAPTIVE_SIGMA_DEFAULTS = { mode: 'adaptive_sigma', sigmaInit: 1e-3, sigmaNoise: 1e-2 } as const;

/**
 * Experiment 1's "Gaussian noise with mutation rate 0.01", read as a noise scale: every parameter of
 * every offspring gets θ += 0.01·N(0, 1), i.e. `param += torch.randn_like(param) * 0.01`, the usual way
 * such a GA is written with PyTorch. A "rate" as a per-parameter probability would need a second number
 * (the noise scale) that the proposal never gives, so that reading is less plausible; it stays available
 * as `{ mode: 'fixed_sigma', sigma, probability }`.
 */
export const TOURNAMENT_GA_MUTATION_DEFAULTS = { mode: 'fixed_sigma', sigma: 0.01, probability: 1 } as const;

/** Experiment 1: population 100, tournaments of 3, one elite. */
export const TOURNAMENT_GA_DEFAULTS = { populationSize: 100, tournamentSize: 3, eliteCount: 1 } as const;

/** Experiment 2: population 50 for both `simple_ga` and `simple_es`. */
export const SIMPLE_DEFAULTS = { populationSize: 50 } as const;

function fail(algorithm: AlgorithmName, field: string, expected: string, got: unknown): never {
  throw new InvalidArgumentError(`${algorithm}: ${field} must be ${expected} (got ${String(got)})`);
}

function checkInteger(algorithm: AlgorithmName, field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(algorithm, field, `an integer in [${min}, ${max}]`, value);
  }
  return value;
}

function checkNonNegative(algorithm: AlgorithmName, field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail(algorithm, field, 'a finite number ≥ 0', value);
  }
  return value;
}

function resolveMutation(
  algorithm: AlgorithmName,
  options: MutationOptions | undefined,
  fallback: MutationConfig,
): MutationConfig {
  if (options === undefined) return fallback;
  if (options.mode === 'fixed_sigma') {
    const base = fallback.mode === 'fixed_sigma' ? fallback : FIXED_SIGMA_DEFAULTS;
    const sigma = checkNonNegative(algorithm, 'mutation.sigma', options.sigma ?? base.sigma);
    const probability = checkNonNegative(algorithm, 'mutation.probability', options.probability ?? base.probability);
    if (probability > 1) fail(algorithm, 'mutation.probability', 'in [0, 1]', probability);
    return { mode: 'fixed_sigma', sigma, probability };
  }
  if (options.mode === 'adaptive_sigma') {
    const base = fallback.mode === 'adaptive_sigma' ? fallback : ADAPTIVE_SIGMA_DEFAULTS;
    const sigmaInit = checkNonNegative(algorithm, 'mutation.sigmaInit', options.sigmaInit ?? base.sigmaInit);
    // σ only ever changes by a factor, so one that starts at 0 could never move.
    if (!(sigmaInit >= SIGMA_MIN && sigmaInit <= SIGMA_MAX)) {
      fail(algorithm, 'mutation.sigmaInit', 'a number > 0 within float32 range (1.2e-38 … 3.4e38)', sigmaInit);
    }
    const sigmaNoise = checkNonNegative(algorithm, 'mutation.sigmaNoise', options.sigmaNoise ?? base.sigmaNoise);
    return { mode: 'adaptive_sigma', sigmaInit, sigmaNoise };
  }
  return fail(algorithm, 'mutation.mode', "'fixed_sigma' or 'adaptive_sigma'", (options as { mode: unknown }).mode);
}

function resolveDirection(algorithm: AlgorithmName, direction: FitnessDirection | undefined): FitnessDirection {
  const value = direction ?? 'maximize';
  if (value !== 'maximize' && value !== 'minimize') fail(algorithm, 'direction', "'maximize' or 'minimize'", value);
  return value;
}

function resolveCommon(
  algorithm: AlgorithmName,
  options: CommonOptions,
  populationSize: number,
  mutation: MutationConfig,
): { populationSize: number; mutation: MutationConfig; direction: FitnessDirection } {
  return {
    // Selection compares agents, so it needs at least two; 2^24 keeps P·n indexing far from 2^53.
    populationSize: checkInteger(algorithm, 'populationSize', options.populationSize ?? populationSize, 2, 1 << 24),
    mutation: resolveMutation(algorithm, options.mutation, mutation),
    direction: resolveDirection(algorithm, options.direction),
  };
}

/** Experiment 1's GA configuration with defaults filled in; throws InvalidArgumentError on a bad field. */
export function resolveTournamentGaConfig(options: TournamentGaOptions = {}): AlgorithmConfig {
  const common = resolveCommon(
    'tournament_ga',
    options,
    TOURNAMENT_GA_DEFAULTS.populationSize,
    TOURNAMENT_GA_MUTATION_DEFAULTS,
  );
  const tournamentSize = checkInteger(
    'tournament_ga',
    'tournamentSize',
    options.tournamentSize ?? TOURNAMENT_GA_DEFAULTS.tournamentSize,
    1,
    1 << 24,
  );
  const eliteCount = checkInteger(
    'tournament_ga',
    'eliteCount',
    options.eliteCount ?? TOURNAMENT_GA_DEFAULTS.eliteCount,
    0,
    common.populationSize,
  );
  return { algorithm: 'tournament_ga', ...common, tournamentSize, eliteCount };
}

/** `simple_ga`'s configuration with defaults filled in (population 50, `fixed_sigma` unless told otherwise). */
export function resolveSimpleGaConfig(options: CommonOptions = {}): AlgorithmConfig {
  return {
    algorithm: 'simple_ga',
    ...resolveCommon('simple_ga', options, SIMPLE_DEFAULTS.populationSize, FIXED_SIGMA_DEFAULTS),
  };
}

/** `simple_es`'s configuration with defaults filled in (population 50, `fixed_sigma` unless told otherwise). */
export function resolveSimpleEsConfig(options: CommonOptions = {}): AlgorithmConfig {
  return {
    algorithm: 'simple_es',
    ...resolveCommon('simple_es', options, SIMPLE_DEFAULTS.populationSize, FIXED_SIGMA_DEFAULTS),
  };
}

/** Re-validates a configuration read back from a checkpoint or a message, whatever its algorithm. */
export function resolveConfig(config: AlgorithmConfig): AlgorithmConfig {
  switch (config.algorithm) {
    case 'tournament_ga':
      return resolveTournamentGaConfig(config);
    case 'simple_ga':
      return resolveSimpleGaConfig(config);
    case 'simple_es':
      return resolveSimpleEsConfig(config);
    default:
      throw new InvalidArgumentError(
        `algorithm must be 'tournament_ga', 'simple_ga' or 'simple_es' (got ${String((config as { algorithm: unknown }).algorithm)})`,
      );
  }
}

/** Argument checks shared by the vectorized environments, with messages that say what to pass instead. */
import { EnvError } from '../types.js';
import { AUTORESET_MODES } from './types.js';
import type { AutoresetMode, VectorEnvOptions, VectorResetOptionsBag } from './types.js';

/** Validates the copy count: a positive integer. */
export function checkNumEnvs(id: string, numEnvs: number): void {
  if (!Number.isInteger(numEnvs) || numEnvs < 1) {
    throw new EnvError(`${id}: numEnvs must be a positive integer, got ${String(numEnvs)}`, 'INVALID_ARGUMENT');
  }
}

/**
 * The per-sub-env seeds of a vector reset (undefined when none was given): `seed + i` for a number, the entries
 * for an array; every one must be a non-negative safe integer.
 */
export function subEnvSeeds(
  id: string,
  seed: number | readonly number[] | undefined,
  numEnvs: number,
): number[] | undefined {
  if (seed === undefined) return undefined;
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed) || seed < 0 || !Number.isSafeInteger(seed + numEnvs - 1)) {
      throw new EnvError(
        `${id}: seed must be a non-negative integer (sub-env i gets seed + i, up to 2^53-1), got ${String(seed)}`,
        'INVALID_ARGUMENT',
      );
    }
    return Array.from({ length: numEnvs }, (_, i) => seed + i);
  }
  if (!Array.isArray(seed) || seed.length !== numEnvs) {
    throw new EnvError(`${id}: a seed array needs one seed per sub-env (${numEnvs})`, 'INVALID_ARGUMENT');
  }
  seed.forEach((s: unknown, i) => {
    if (typeof s !== 'number' || !Number.isSafeInteger(s) || s < 0) {
      throw new EnvError(`${id}: seed[${i}] must be a non-negative integer, got ${String(s)}`, 'INVALID_ARGUMENT');
    }
  });
  return seed.slice();
}

/** Validates one action array: one entry per sub-env. */
export function checkActionsLength(id: string, actions: ArrayLike<number>, numEnvs: number): void {
  if (actions.length !== numEnvs) {
    throw new EnvError(
      `${id}: step() needs one action per sub-env (${numEnvs}), got ${actions.length}`,
      'INVALID_ARGUMENT',
    );
  }
}

/** The action error, named after the sub-env that received it. */
export function badAction(id: string, index: number, action: number, n: number): EnvError {
  return new EnvError(
    `${id}: action for sub-env ${index} must be an integer in [0, ${n}), got ${String(action)}`,
    'INVALID_ACTION',
  );
}

/** Resolves the autoreset option, rejecting unknown modes. */
export function autoresetOf(id: string, options: VectorEnvOptions | undefined): AutoresetMode {
  const mode = options?.autoresetMode ?? 'next-step';
  if (!AUTORESET_MODES.includes(mode)) {
    throw new EnvError(
      `${id}: autoresetMode must be one of ${AUTORESET_MODES.map((m) => `'${m}'`).join(', ')}, got ${String(mode)}`,
      'INVALID_ARGUMENT',
    );
  }
  return mode;
}

/** The sub-envs `options.resetMask` selects (undefined: all), validated as Gymnasium validates `reset_mask`. */
export function resetMaskOf(
  id: string,
  options: VectorResetOptionsBag | undefined,
  numEnvs: number,
): Uint8Array | undefined {
  const mask = options?.resetMask;
  if (mask === undefined) return undefined;
  if (mask.length !== numEnvs) {
    throw new EnvError(
      `${id}: options.resetMask needs one entry per sub-env (${numEnvs}), got ${mask.length}`,
      'INVALID_ARGUMENT',
    );
  }
  const out = new Uint8Array(numEnvs);
  for (let i = 0; i < numEnvs; i++) out[i] = mask[i] ? 1 : 0;
  if (!out.includes(1)) {
    throw new EnvError(`${id}: options.resetMask must select at least one sub-env`, 'INVALID_ARGUMENT');
  }
  return out;
}

/** Gymnasium's `maybe_parse_reset_bounds`: `options.low`/`high` or the defaults, with low <= high. */
export function resetBoundsOf(
  id: string,
  options: VectorResetOptionsBag | undefined,
  low: number,
  high: number,
): [number, number] {
  const lo = options?.low ?? low;
  const hi = options?.high ?? high;
  if (typeof lo !== 'number' || typeof hi !== 'number' || !Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
    throw new EnvError(
      `${id}: reset options low/high must be finite numbers with low <= high, got low=${String(lo)}, high=${String(hi)}`,
      'INVALID_ARGUMENT',
    );
  }
  return [lo, hi];
}

/** The error for stepping before the first reset. */
export function notReset(id: string): EnvError {
  return new EnvError(`${id}: call reset() before step()`, 'NOT_RESET');
}

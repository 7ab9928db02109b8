/** Argument checks shared by the vectorized environments, with messages that say what to pass instead. */
import { EnvError } from '../types.js';
import type { AutoresetMode, VectorEnvOptions } from './types.js';

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
  const mode = options?.autoreset ?? 'next-step';
  if (mode !== 'next-step' && mode !== 'disabled') {
    throw new EnvError(`${id}: autoreset must be 'next-step' or 'disabled', got ${String(mode)}`, 'INVALID_ARGUMENT');
  }
  return mode;
}

/** The error for stepping before the first reset. */
export function notReset(id: string): EnvError {
  return new EnvError(`${id}: call reset() before step()`, 'NOT_RESET');
}

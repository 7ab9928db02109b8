/**
 * The spaces of a batch, as Gymnasium's `batch_space` builds them from a sub-env's: a `Box` gains a leading
 * dimension of `numEnvs` (bounds repeated per sub-env), a `Discrete(n)` becomes `MultiDiscrete([n] * numEnvs)`.
 * Plain objects structurally like the single-env spaces (`kind`, `shape`, bounds / `n`).
 */
import type { BoxSpace, DiscreteSpace } from '../types.js';

export interface BatchBoxSpace {
  readonly kind: 'box';
  /** `[numEnvs, ...single.shape]`. */
  readonly shape: readonly number[];
  /** Row-major, `numEnvs` copies of the single space's bounds. */
  readonly low: Float32Array;
  readonly high: Float32Array;
}

export interface MultiDiscreteSpace {
  readonly kind: 'multi-discrete';
  readonly shape: readonly number[];
  /** The number of actions of each sub-env (Gymnasium's `nvec`). */
  readonly nvec: Int32Array;
  /** The smallest action of each sub-env (Gymnasium's `start`); 0 for every env here. */
  readonly start: Int32Array;
}

/** `batch_space(Box)`: the sub-env's bounds repeated `numEnvs` times under a leading dimension. */
export function batchBox(single: BoxSpace, numEnvs: number): BatchBoxSpace {
  const d = single.low.length;
  const low = new Float32Array(numEnvs * d);
  const high = new Float32Array(numEnvs * d);
  for (let i = 0; i < numEnvs; i++) {
    low.set(single.low, i * d);
    high.set(single.high, i * d);
  }
  return { kind: 'box', shape: [numEnvs, ...single.shape], low, high };
}

/** `batch_space(Discrete(n))`: `MultiDiscrete` with `n` for every sub-env. */
export function batchDiscrete(single: DiscreteSpace, numEnvs: number): MultiDiscreteSpace {
  const start = (single as { start?: number }).start ?? 0;
  return {
    kind: 'multi-discrete',
    shape: [numEnvs],
    nvec: new Int32Array(numEnvs).fill(single.n),
    start: new Int32Array(numEnvs).fill(start),
  };
}

/**
 * The sample order of each training epoch, shared by every SGD backend so the hand-written and the
 * TensorFlow.js trainers see the same mini-batches.
 */
import { CounterRng, RngPurpose } from '../../shared/rng/philox.js';

/** A Fisher–Yates permutation of 0…n−1 keyed by (seed, batch purpose, epoch): reproducible after a resume. */
export function epochPermutation(
  seed: number,
  epoch: number,
  n: number,
  out: Uint32Array = new Uint32Array(n),
): Uint32Array {
  for (let i = 0; i < n; i++) out[i] = i;
  const rng = CounterRng.from(seed, RngPurpose.batch, epoch);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

/**
 * CounterRng's key derivation restated over raw keys, so the WebAssembly noise kernel can reproduce a
 * stream's draws without a CounterRng object. It follows the definition documented at `CounterRng.from`
 * in src/shared/rng/philox.ts; the engine's tests check the kernel against CounterRng itself, bit for bit.
 */
import { philox4x32_10 } from '../../shared/rng/philox.js';

/** Tag word of key-derivation blocks (philox.ts's DERIVE_TAG). */
export const DERIVE_TAG = 0x5eed1d5;

const block = new Uint32Array(4);

/** A Philox4x32-10 block function: writes the block for counter (c0…c3) and key (k0, k1) into `out`. */
export type BlockFunction = (
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
) => void;

/**
 * Folds ids[from…] into key (k0, k1) as `CounterRng.from(seed, ...ids)` does, where `count` is the total
 * number of ids of the stream; writes the key into out[0], out[1]. Folding a common prefix once and the
 * last id per agent saves two thirds of the work.
 */
export function foldKey(
  k0: number,
  k1: number,
  ids: ArrayLike<number>,
  from: number,
  count: number,
  out: Uint32Array,
  philox: BlockFunction = philox4x32_10,
): void {
  for (let i = from; i < ids.length; i++) {
    philox(ids[i], i, count, DERIVE_TAG, k0, k1, block);
    k0 = block[0];
    k1 = block[1];
  }
  out[0] = k0;
  out[1] = k1;
}

/** `makeVec(id, n)`: the fastest vectorized form of an environment id (Gymnasium's `gym.make_vec`). */
import { make } from '../registry.js';
import { EnvError } from '../types.js';
import { CartPoleVectorEnv } from './cartpole.js';
import { SyncVectorEnv } from './sync.js';
import type { VectorEnv, VectorEnvOptions } from './types.js';

export interface MakeVecOptions extends VectorEnvOptions {
  /**
   * `'auto'` (default): a specialised struct-of-arrays kernel where one exists (CartPole-v1), else `'sync'`;
   * `'sync'`: N ordinary envs from `make(id)` stepped in turn (works for every id).
   */
  vectorization?: 'auto' | 'sync';
}

/** N copies of environment `id` stepped together; sub-env i is seeded with seed + i on `reset({ seed })`. */
export function makeVec(id: string, numEnvs: number, options?: MakeVecOptions): VectorEnv {
  const mode = options?.vectorization ?? 'auto';
  if (mode !== 'auto' && mode !== 'sync') {
    throw new EnvError(`makeVec: vectorization must be 'auto' or 'sync', got ${String(mode)}`, 'INVALID_ARGUMENT');
  }
  const rest: VectorEnvOptions = options?.autoreset === undefined ? {} : { autoreset: options.autoreset };
  if (mode === 'auto' && id === 'CartPole-v1') return new CartPoleVectorEnv(numEnvs, rest);
  // make() validates the id (unknown ids throw its error) before N copies are built.
  const first = make(id);
  let made = 0;
  return new SyncVectorEnv(() => (made++ === 0 ? first : make(id)), numEnvs, rest);
}

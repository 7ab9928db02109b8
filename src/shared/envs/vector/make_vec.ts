/** `makeVec(id, n, options)`: Gymnasium's `gymnasium.make_vec`, with its vectorization and autoreset modes. */
import { make } from '../registry.js';
import { EnvError } from '../types.js';
import { CartPoleVectorEnv } from './cartpole.js';
import { SyncVectorEnv } from './sync.js';
import type { VectorEnv, VectorEnvOptions, VectorizationMode } from './types.js';

export interface MakeVecOptions extends VectorEnvOptions {
  /**
   * Defaults as `make_vec`'s: `'vector'` for ids with their own vectorized implementation (CartPole-v1, whose
   * `CartPoleVectorEnv` draws every reset from one generator), else `'sync'`. `'sync'` equals Gymnasium's
   * `SyncVectorEnv` (sub-env i seeded with seed + i); for CartPole-v1 it runs on the same fast kernel with one
   * generator per sub-env, giving `SyncVectorEnv`'s trajectories.
   */
  vectorizationMode?: VectorizationMode;
  /** Time limit per episode (Gymnasium's `max_episode_steps`; default: the id's own). */
  maxEpisodeSteps?: number;
}

/** Ids with a vector entry point, as in Gymnasium's registry. */
const VECTOR_ENTRY_POINTS: readonly string[] = ['CartPole-v1'];

/** N copies of environment `id` stepped together; call `reset({ seed })` before stepping. */
export function makeVec(id: string, numEnvs: number, options?: MakeVecOptions): VectorEnv {
  const hasVector = VECTOR_ENTRY_POINTS.includes(id);
  const mode = options?.vectorizationMode ?? (hasVector ? 'vector' : 'sync');
  if (mode !== 'vector' && mode !== 'sync') {
    throw new EnvError(
      `makeVec: vectorizationMode must be 'vector' or 'sync', got ${String(mode)}`,
      'INVALID_ARGUMENT',
    );
  }
  const envOptions = options?.maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps: options.maxEpisodeSteps };
  // make() validates the id and options (a bad one throws its error) before N copies are built.
  const first = make(id, envOptions);
  if (mode === 'vector' && !hasVector) {
    throw new EnvError(
      `makeVec: ${id} has no vectorized implementation (Gymnasium's vector entry point; only ${VECTOR_ENTRY_POINTS.join(', ')} has one); use vectorizationMode 'sync'`,
      'INVALID_ARGUMENT',
    );
  }
  const autoreset: VectorEnvOptions =
    options?.autoresetMode === undefined ? {} : { autoresetMode: options.autoresetMode };
  if (id === 'CartPole-v1') {
    return new CartPoleVectorEnv(numEnvs, {
      ...autoreset,
      seeding: mode === 'vector' ? 'shared' : 'per-env',
      ...(options?.maxEpisodeSteps === undefined ? {} : { maxEpisodeSteps: options.maxEpisodeSteps }),
    });
  }
  let made = 0;
  return new SyncVectorEnv(() => (made++ === 0 ? first : make(id, envOptions)), numEnvs, autoreset);
}

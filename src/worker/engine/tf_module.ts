/**
 * The TensorFlow.js module with its full type, for the code that runs its ops (TfjsEngine, TfjsSgdTrainer).
 * No published declaration imports this file, so evoscale's typings never name the optional peer
 * @tensorflow/tfjs; the module's type is only needed where it is installed, i.e. where a tfjs backend loads.
 */
import type * as TfTypes from '@tensorflow/tfjs';
import { loadBackend, type TfModule } from './backends.js';

export type Tf = typeof TfTypes;

/** The full type of a module that loadBackend loaded (it is always the TensorFlow.js package it imported). */
export function tfOf(m: TfModule): Tf {
  return m as Tf;
}

/**
 * Loads a TensorFlow.js flavour ('auto': native GPU, native CPU, then pure JS); fails with what to install
 * when none loads.
 */
export async function loadTf(
  preferred: 'auto' | 'tfjs' | 'tfjs-node' | 'tfjs-node-gpu' = 'auto',
): Promise<{ tf: Tf; flavour: string }> {
  const order = preferred === 'auto' ? (['tfjs-node-gpu', 'tfjs-node', 'tfjs'] as const) : [preferred];
  let last: unknown;
  for (const name of order) {
    try {
      const { tf, label } = await loadBackend(name);
      if (tf !== undefined) return { tf: tfOf(tf), flavour: label };
    } catch (e) {
      last = e;
    }
  }
  throw last;
}

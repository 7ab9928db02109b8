import { CpuEngine, sharedCpuEngine } from './cpu_engine.js';
import { TfjsEngine } from './tfjs_engine.js';
import type { EvaluationEngine } from './types.js';

export type BackendName = 'auto' | 'cpu' | 'tfjs' | 'tfjs-node' | 'tfjs-node-gpu';

/**
 * The engine for `backend`. 'auto' picks tfjs-node-gpu when it is installed (GPU workers) and the CPU
 * kernels otherwise: on CPU the hand-written kernels beat every TensorFlow.js backend for these small MLPs.
 * `threads` applies to the CPU engine's population evaluation (see CpuEngineOptions).
 */
export async function createEngine(
  backend: BackendName = 'auto',
  options: { threads?: number } = {},
): Promise<EvaluationEngine> {
  if (backend === 'cpu') return new CpuEngine(options);
  if (backend === 'auto') {
    try {
      return await TfjsEngine.create('tfjs-node-gpu');
    } catch {
      return new CpuEngine(options);
    }
  }
  return TfjsEngine.create(backend);
}

export { CpuEngine, TfjsEngine, sharedCpuEngine };
export type { CpuEngineOptions } from './cpu_engine.js';
export * from './types.js';
export { evaluateShardInline, FITNESS_SAMPLING_PURPOSE } from './cpu_kernel.js';
export { evaluateShardJs, fitnessFromLogits } from './js_kernel.js';
export { varyAndEvaluateRows, type PopulationRequest } from './generation.js';
export { CpuPool, EnginePoolError } from './pool.js';

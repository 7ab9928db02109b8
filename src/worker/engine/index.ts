import { CpuEngine, sharedCpuEngine } from './cpu_engine.js';
import { TfjsEngine } from './tfjs_engine.js';
import { loadBackend, type BackendName } from './backends.js';
import type { EvaluationEngine } from './types.js';

/**
 * The engine for `backend` (see loadBackend: 'auto' takes tfjs-node-gpu, then tfjs-node, then the CPU
 * kernels; a named flavour that is not installed is refused with how to install it). `threads` applies to
 * the CPU engine's population evaluation (see CpuEngineOptions).
 */
export async function createEngine(
  backend: BackendName = 'auto',
  options: { threads?: number } = {},
): Promise<EvaluationEngine> {
  const loaded = await loadBackend(backend);
  return loaded.tf === undefined ? new CpuEngine(options) : TfjsEngine.fromBackend(loaded);
}

export { CpuEngine, TfjsEngine, sharedCpuEngine };
export type { CpuEngineOptions } from './cpu_engine.js';
export * from './types.js';
export {
  BACKEND_NAMES,
  BackendUnavailableError,
  CPU_BACKEND,
  loadBackend,
  parseBackend,
  type BackendName,
  type ConcreteBackend,
  type LoadedBackend,
} from './backends.js';
export { evaluateShardInline, FITNESS_SAMPLING_PURPOSE } from './cpu_kernel.js';
export { evaluateShardJs, fitnessFromLogits } from './js_kernel.js';
export { varyAndEvaluateRows, type PopulationRequest } from './generation.js';
export { CpuPool, EnginePoolError } from './pool.js';

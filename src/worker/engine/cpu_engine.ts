/** The default engine: the CPU kernel, inline in the calling thread. */
import { evaluateShardInline } from './cpu_kernel.js';
import type { EvaluationEngine, ShardRequest } from './types.js';

export class CpuEngine implements EvaluationEngine {
  readonly backend = 'cpu';
  async evaluate(request: ShardRequest): Promise<Float32Array> {
    return evaluateShardInline(request);
  }
  async close(): Promise<void> {}
}

/**
 * The CPU evaluation kernel: forward passes of many agents over one batch, then the requested fitness.
 * Runs the WebAssembly SIMD kernel (float32, four samples per v128, spec-specialised code) where the
 * engine has it, else the JavaScript kernel. A pure function of its inputs, so any thread (or machine
 * with the same kernel) computes the same values for the same agents.
 */
import { InvalidArgumentError } from '../../shared/errors.js';
import { paramCount } from '../../shared/model/mlp.js';
import { agentKernel } from './generation.js';
import { evaluateShardJs } from './js_kernel.js';
import type { ShardRequest } from './types.js';

export { FITNESS_SAMPLING_PURPOSE } from './agent_kernel.js';

/** Evaluates agents [start, end) of `req` into `out` (length end − start). */
export function evaluateShardInline(
  req: ShardRequest,
  out: Float32Array = new Float32Array(req.end - req.start),
): Float32Array {
  const { spec, n } = req;
  const P = paramCount(spec);
  const A = req.end - req.start;
  if (!Number.isInteger(A) || A < 0 || req.params.length < A * P) {
    throw new InvalidArgumentError(
      `shard [${req.start}, ${req.end}) needs ${A}×${P} parameters; got ${req.params.length}`,
    );
  }
  if (!Number.isInteger(n) || n < 1 || req.x.length < n * spec.inputs || req.y.length < n) {
    throw new InvalidArgumentError(`the batch needs n ≥ 1 rows of ${spec.inputs} inputs and n labels; got n=${n}`);
  }
  const kernel = agentKernel(spec);
  if (kernel === null) return evaluateShardJs(req, out);
  kernel.setBatch(req.x, req.y, n);
  const trials = req.trials ?? 10;
  for (let a = req.start; a < req.end; a++) {
    const row = a - req.start;
    kernel.loadParams(req.params, row * P);
    out[row] = kernel.evaluate(req.fitness, req.seed, req.generation, a, trials);
  }
  return out;
}

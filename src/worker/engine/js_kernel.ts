/**
 * The JavaScript evaluation kernel, for engines without WebAssembly SIMD: forward passes with the
 * 4-samples-per-weight loops of src/shared/model (float64 accumulation), then the requested fitness.
 * Gives the WebAssembly kernel's fitness to float32 tolerance, not bit for bit.
 */
import { argmaxRows, forward, forwardScratch, paramCount } from '../../shared/model/mlp.js';
import { crossEntropy, macroF1Dense } from '../../shared/fitness/metrics.js';
import { CounterRng } from '../../shared/rng/philox.js';
import { FITNESS_SAMPLING_PURPOSE, sampledF1 } from './agent_kernel.js';
import type { ShardRequest } from './types.js';

/** Scratch for `fitnessFromLogits`, sized for one batch. */
export interface FitnessScratch {
  pred: Int32Array;
  counts: Float64Array;
}

/**
 * Fitness of one agent from its logits (n × k row-major): mean cross-entropy, argmax accuracy, or mean
 * macro-F1 of `trials` action sets sampled with noise keyed by (seed, generation, agent).
 */
export function fitnessFromLogits(
  kind: ShardRequest['fitness'],
  logits: Float32Array,
  y: Int32Array,
  n: number,
  k: number,
  trials: number,
  seed: number,
  generation: number,
  agent: number,
  scratch: FitnessScratch = { pred: new Int32Array(n), counts: new Float64Array(3 * k) },
): number {
  if (kind === 'ce') return crossEntropy(logits, y, k);
  if (kind === 'accuracy') {
    argmaxRows(logits, n, k, scratch.pred);
    let hit = 0;
    for (let s = 0; s < n; s++) if (scratch.pred[s] === y[s]) hit++;
    return hit / n;
  }
  if (kind === 'macro_f1_exact') {
    argmaxRows(logits, n, k, scratch.pred);
    return macroF1Dense(y, scratch.pred, k, scratch.counts);
  }
  const rng = CounterRng.from(seed, FITNESS_SAMPLING_PURPOSE, generation, agent);
  return sampledF1(logits, y, n, k, trials, rng, scratch.pred, scratch.counts);
}

/** Evaluates agents [start, end) of `req` into `out` (length end − start) with the JavaScript kernel. */
export function evaluateShardJs(
  req: ShardRequest,
  out: Float32Array = new Float32Array(req.end - req.start),
): Float32Array {
  const { spec, n } = req;
  const P = paramCount(spec);
  const k = spec.outputs;
  const logits = new Float32Array(n * k);
  const scratch = forwardScratch(spec, n);
  const fs: FitnessScratch = { pred: new Int32Array(n), counts: new Float64Array(3 * k) };
  const trials = req.trials ?? 10;
  const y = req.y.length === n ? req.y : req.y.subarray(0, n);
  for (let a = req.start; a < req.end; a++) {
    const row = a - req.start;
    forward(spec, req.params.subarray(row * P, row * P + P), req.x, n, logits, scratch);
    out[row] = fitnessFromLogits(req.fitness, logits, y, n, k, trials, req.seed, req.generation, a, fs);
  }
  return out;
}

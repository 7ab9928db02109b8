/**
 * The CPU evaluation kernel: forward passes of many agents over one batch with the 4-samples-per-weight
 * inner loop of src/shared/model, then the requested fitness. Pure function of its inputs, so any thread
 * (or machine) computes the same values for the same agents.
 */
import { forward, forwardScratch, paramCount, sampleRows, argmaxRows } from '../../shared/model/mlp.js';
import { crossEntropy, macroF1Dense } from '../../shared/fitness/metrics.js';
import { CounterRng } from '../../shared/rng/philox.js';
import type { ShardRequest } from './types.js';

/** Stream id of macro-F1 sampling noise (distinct from the algorithms' purposes). */
export const FITNESS_SAMPLING_PURPOSE = 11;

/** Evaluates agents [start, end) of `req` into `out` (length end − start). */
export function evaluateShardInline(req: ShardRequest, out: Float32Array = new Float32Array(req.end - req.start)): Float32Array {
  const { spec, n } = req;
  const P = paramCount(spec);
  const k = spec.outputs;
  const logits = new Float32Array(n * k);
  const scratch = forwardScratch(spec, n);
  const pred = new Int32Array(n);
  const counts = new Float64Array(3 * k);
  const trials = req.trials ?? 10;
  for (let a = req.start; a < req.end; a++) {
    const row = a - req.start;
    const params = req.params.subarray(row * P, row * P + P);
    forward(spec, params, req.x, n, logits, scratch);
    let f: number;
    if (req.fitness === 'ce') f = crossEntropy(logits, req.y, k);
    else if (req.fitness === 'accuracy') {
      argmaxRows(logits, n, k, pred);
      let hit = 0;
      for (let s = 0; s < n; s++) if (pred[s] === req.y[s]) hit++;
      f = hit / n;
    } else {
      const rng = CounterRng.from(req.seed, FITNESS_SAMPLING_PURPOSE, req.generation, a);
      let sum = 0;
      for (let t = 0; t < trials; t++) {
        sampleRows(logits, n, k, rng, pred);
        sum += macroF1Dense(req.y, pred, k, counts);
      }
      f = sum / trials;
    }
    out[row] = f;
  }
  return out;
}

/** Test-set and environment evaluation of one parameter vector, shared by every method. */
import { actionMatch, crossEntropy, macroF1, sampledMacroF1 } from '../shared/fitness/metrics.js';
import { argmaxRows, forward, greedyPolicy, type MlpSpec } from '../shared/model/mlp.js';
import { CounterRng, RngPurpose } from '../shared/rng/philox.js';
import { make } from '../shared/envs/registry.js';
import type { LabelledData } from '../worker/sgd/trainer.js';

export interface TestMetrics {
  testLoss: number;
  /** Macro-F1 of actions sampled from the policy's softmax, averaged over `trials` (the proposal's metric). */
  testMacroF1: number;
  /** Macro-F1 of the greedy (argmax) actions. */
  testMacroF1Greedy: number;
  testActionMatch: number;
}

/** Scores `params` on labelled data. Sampling noise is keyed by (seed, evalIndex): reproducible, no shared state. */
export function evaluateOnData(
  spec: MlpSpec,
  params: Float32Array,
  data: LabelledData,
  seed: number,
  evalIndex: number,
  trials = 10,
): TestMetrics {
  const k = spec.outputs;
  const logits = new Float32Array(data.n * k);
  forward(spec, params, data.x, data.n, logits, scratchFor(spec, data.n));
  return scoreLogits(logits, data, k, seed, evalIndex, trials);
}

let scratch = new Float32Array(0);

/**
 * This thread's forward-pass scratch, grown to fit: a test set of 38 400 rows needs 15 MB of it for 8→50→4, whose
 * allocation (and zeroing) cost about as much as the forward pass itself when it was made for every evaluation.
 * `forward` writes every element it reads, so what an earlier evaluation left there changes nothing. The size
 * is `forwardScratch`'s.
 */
function scratchFor(spec: MlpSpec, n: number): Float32Array {
  const need = 2 * n * Math.max(...spec.hidden, 1);
  if (scratch.length < need) scratch = new Float32Array(need);
  return scratch.subarray(0, need);
}

/** Scores a model's logits (n × k) on labelled data, as `evaluateOnData` does for one MLP. */
export function scoreLogits(
  logits: Float32Array,
  data: LabelledData,
  k: number,
  seed: number,
  evalIndex: number,
  trials = 10,
): TestMetrics {
  const pred = argmaxRows(logits, data.n, k);
  return {
    testLoss: crossEntropy(logits, data.y, k),
    testMacroF1: sampledMacroF1(logits, data.y, k, trials, CounterRng.from(seed, RngPurpose.evalSampling, evalIndex)),
    testMacroF1Greedy: macroF1(data.y, pred),
    testActionMatch: actionMatch(data.y, pred),
  };
}

/** Mean return of the greedy policy over `episodes` episodes seeded seedBase, seedBase+1, … */
export function meanEpisodeReturn(
  envId: string,
  spec: MlpSpec,
  params: Float32Array,
  episodes: number,
  seedBase: number,
): { mean: number; returns: number[] } {
  return policyEpisodeReturns(envId, greedyPolicy(spec, params), episodes, seedBase);
}

/** Mean return of any policy (obs → action) over `episodes` episodes seeded seedBase, seedBase+1, … */
export function policyEpisodeReturns(
  envId: string,
  policy: (obs: Float32Array) => number,
  episodes: number,
  seedBase: number,
): { mean: number; returns: number[] } {
  const env = make(envId);
  const returns: number[] = [];
  for (let e = 0; e < episodes; e++) {
    let { obs } = env.reset({ seed: seedBase + e });
    let total = 0;
    for (;;) {
      const r = env.step(policy(obs));
      total += r.reward;
      obs = r.obs;
      if (r.terminated || r.truncated) break;
    }
    returns.push(total);
  }
  return { mean: returns.reduce((a, b) => a + b, 0) / Math.max(1, episodes), returns };
}

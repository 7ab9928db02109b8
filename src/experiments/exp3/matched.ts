/**
 * Experiment 3's matched-episode evaluation: a trained model plays as many episodes as the participant's test set,
 * reset with the same seeds; a with-CL model is fed constant session/run inputs (the test set's medians). Then its
 * returns are compared with the human's: % difference of the means and a two-sided Mann–Whitney U test.
 */
import { make } from '../../shared/envs/registry.js';
import { argmaxRows, forward, forwardScratch, sampleRows, type MlpSpec } from '../../shared/model/mlp.js';
import { CounterRng, RngPurpose } from '../../shared/rng/philox.js';
import { ksTwoSample, mannWhitneyU, significanceMarker } from '../../shared/stats/index.js';

/** How a model picks actions when it plays: sampled from its softmax (default, human-like variability) or argmax. */
export type PlayPolicy = 'sample' | 'greedy';

/** Returns of `params` playing `envId` once per seed; `cl` (session, run) is appended to every observation. */
export function playMatchedEpisodes(
  envId: string,
  spec: MlpSpec,
  params: Float32Array,
  seeds: readonly number[],
  opts: {
    cl?: { session: number; run: number };
    policy: PlayPolicy;
    rngSeed: number;
    /** Incremented by the env steps played (for FLOPs of rollout objectives). */
    counter?: { steps: number };
  },
): number[] {
  const env = make(envId);
  const d = env.observationSpace.shape[0];
  const input = new Float32Array(spec.inputs);
  if (opts.cl) {
    input[d] = opts.cl.session;
    input[d + 1] = opts.cl.run;
  }
  const logits = new Float32Array(spec.outputs);
  const scratch = forwardScratch(spec, 1);
  const action = new Int32Array(1);
  return seeds.map((seed, e) => {
    const rng = CounterRng.from(opts.rngSeed, RngPurpose.matchedPlay, e);
    let { obs } = env.reset({ seed });
    let total = 0;
    for (;;) {
      input.set(obs.subarray(0, d));
      forward(spec, params, input, 1, logits, scratch);
      if (opts.policy === 'sample') sampleRows(logits, 1, spec.outputs, rng, action);
      else argmaxRows(logits, 1, spec.outputs, action);
      const r = env.step(action[0]);
      if (opts.counter) opts.counter.steps++;
      total += r.reward;
      obs = r.obs;
      if (r.terminated || r.truncated) return total;
    }
  });
}

export interface HumanComparison {
  meanReturn: number;
  stdReturn: number;
  humanMeanReturn: number;
  /** (model − human) / |human| × 100 of the mean returns. */
  pctDiff: number;
  /** Standard deviation across episodes of (model_i − human mean) / |human mean| × 100. */
  pctDiffStd: number;
  mannWhitneyU: number;
  pValue: number;
  marker: '***' | '**' | '';
  /** Two-sample Kolmogorov–Smirnov statistic D of model against human returns (0: same distribution), and its p. */
  ksStatistic: number;
  ksPValue: number;
}

function meanStd(xs: readonly number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.length > 1 ? xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1) : 0;
  return { mean, std: Math.sqrt(v) };
}

/** Compares a model's episode returns with the human's (same number of episodes, same seeds). */
export function compareWithHuman(model: readonly number[], human: readonly number[]): HumanComparison {
  const m = meanStd(model);
  const h = meanStd(human);
  // A human mean of exactly 0 makes the % difference undefined; report it as NaN rather than a made-up number.
  const scale = Math.abs(h.mean);
  const test = mannWhitneyU(model, human);
  const ks = ksTwoSample(model, human);
  return {
    meanReturn: m.mean,
    stdReturn: m.std,
    humanMeanReturn: h.mean,
    pctDiff: scale > 0 ? ((m.mean - h.mean) / scale) * 100 : Number.NaN,
    pctDiffStd: scale > 0 ? (m.std / scale) * 100 : Number.NaN,
    mannWhitneyU: test.statistic,
    pValue: test.pValue,
    marker: significanceMarker(test.pValue),
    ksStatistic: ks.statistic,
    ksPValue: ks.pValue,
  };
}

/**
 * The one table of stream ids for `CounterRng.from(seed, purpose, ...)`: two uses of one seed with different
 * purposes never share draws, so every purpose needs an id of its own. Every caller takes its id from here, and a
 * test fails when two purposes share an id.
 *
 * An id is part of every result drawn with it: changing one changes the random streams of every run that uses
 * that purpose. Add new purposes with fresh ids; never renumber one that runs use.
 */
export const RngPurpose = {
  /** Initial parameters of a model. */
  init: 1,
  /** Mutation noise of a population row. */
  mutation: 2,
  /** Self-adaptive σ noise of a population row. */
  sigma: 3,
  /** Tournament selection. */
  selection: 4,
  /** Minibatch order (a permutation per epoch). */
  batch: 5,
  /** Episode seeds of `evoscale rollout`. */
  rollout: 6,
  /** Train/test split and training subsets. */
  split: 7,
  /** Seeds of generated datasets' episodes. */
  dataset: 8,
  /** Environment reset seeds of episode-return fitness. */
  envReset: 9,
  /** Crossover (reserved: no algorithm draws it yet). */
  crossover: 10,
  /** Sampling noise of sampled macro-F1 fitness during training. */
  fitnessSampling: 11,
  /** Sampling noise of sampled macro-F1 on the test set. */
  evalSampling: 12,
  /**
   * Dropout masks (reserved: nothing draws it yet). It shared id 11 with `fitnessSampling` until both were put in
   * this table; default runs draw fitness sampling with 11, so dropout took the fresh id.
   */
  dropout: 13,
  /**
   * Which agents of a worker's shard the coordinator re-evaluates to check its values. Drawn with a secret per
   * coordinator process as well, so a worker that knows the run's seed cannot tell which agents will be checked.
   * Never feeds into a run's results.
   */
  audit: 14,
  /** Bootstrap resampling of seeds in the power-law fits' confidence intervals. */
  bootstrap: 0xb007,
  /** Standard-normal vectors z of CMA-ES's candidates (one stream per generation and candidate). */
  cmaesSample: 15,
  /** Antithetic perturbations ε of OpenAI-ES (one stream per generation and mirrored pair). */
  openaiEsNoise: 16,
  /** Action sampling of a trained model in experiment 3's matched episodes. */
  matchedPlay: 0x3e3,
  /** Simulated participants of experiment 3 (traits, schedule, play). */
  syntheticHuman: 0x5e1f,
} as const;

export type RngPurposeName = keyof typeof RngPurpose;

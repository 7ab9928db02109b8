/**
 * DL→GA hybrids as a learner the trial loop drives like any other: an SGD/Adam phase of `method.dlSteps` steps,
 * then a neuroevolution phase on the same engine that starts from what SGD trained (see `HybridMethod`). Both
 * phases are keyed by the trial's seed and checkpoint their state, so a hybrid is as reproducible and resumable
 * as the methods it is made of; FLOPs add up both phases (and SM-G's gradients, and the feature extraction).
 */
import {
  bestParams,
  getAlgorithm,
  isSearchAlgorithm,
  restoreState,
  snapshotState,
  type EvolutionState,
} from '../shared/algorithms/index.js';
import { InvalidArgumentError } from '../shared/errors.js';
import { bodyFeatures, featureHeadLogits, headSpec, initialHead } from '../shared/model/feature_head.js';
import { neuroevolutionFlops, forwardFlopsPerSample, sgdFlops } from '../shared/model/flops.js';
import { argmaxRows, describeSpec, initParams, type MlpSpec } from '../shared/model/mlp.js';
import { outputSensitivity, safeMutationScale, sensitivityFlops } from '../shared/model/sensitivity.js';
import { CounterRng, RngPurpose } from '../shared/rng/philox.js';
import type { LabelledData } from '../worker/sgd/trainer.js';
import { scoreLogits } from './evaluate.js';
import type { BeforeGeneration, Checkpoint, CompositeModel, EpisodeObjective, Learner } from './learner.js';
import type { HybridMethod } from './methods.js';

interface HybridData {
  readonly train: LabelledData;
  readonly test: LabelledData;
}

/** How the trial loop builds the two phases' learners (its own SGD and NE learners, with its backend and threads). */
export interface HybridParts {
  sgd(init: Float32Array, cp: Checkpoint | undefined): Learner;
  ne(
    model: MlpSpec,
    data: HybridData,
    init: Float32Array,
    cp: Checkpoint | undefined,
    before?: BeforeGeneration,
  ): Learner;
  /** Rollout fitness for `objective: 'human_likeness'` (experiment 3 supplies it; absent elsewhere). */
  objective?: EpisodeObjective;
}

/**
 * Neuroevolution on a rollout objective: `ask`, score every agent by playing episodes (JS, this thread: the engine
 * scores labelled rows, not episodes), `tell`. Samples seen are env steps, one forward pass each.
 */
function rolloutLearner(
  method: HybridMethod,
  model: MlpSpec,
  seed: number,
  init: Float32Array,
  objective: EpisodeObjective,
  cp: Checkpoint | undefined,
): Learner {
  if (isSearchAlgorithm(method.ne.algorithm)) {
    throw new InvalidArgumentError(
      `${method.name}: the human-likeness phase evolves a GA population; CMA-ES/OpenAI-ES are not supported there`,
    );
  }
  const algo = getAlgorithm(method.ne.algorithm);
  const options = {
    populationSize: method.ne.populationSize,
    mutation: method.ne.mutation,
    direction: 'maximize' as const,
  };
  let state: EvolutionState = cp?.ne ? restoreState(cp.ne) : algo.init(init, options as never, seed);
  let steps = cp?.samplesSeen ?? 0;
  const n = state.numParams;
  return {
    step: () => {
      const population = algo.ask(state);
      const fitness = new Float64Array(state.populationSize);
      for (let a = 0; a < state.populationSize; a++) {
        const r = objective(model, population.slice(a * n, (a + 1) * n), state.generation);
        fitness[a] = r.fitness;
        steps += r.steps;
      }
      const sorted = Float64Array.from(fitness).sort();
      const mid = sorted.length >> 1;
      const med = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
      state = algo.tell(state, fitness);
      return { bestFitness: sorted[sorted.length - 1], medianFitness: med };
    },
    params: () => bestParams(state),
    samplesSeen: () => steps,
    flops: () => neuroevolutionFlops(model, steps),
    checkpoint: () => ({ ne: snapshotState(state) }),
    dispose: () => {},
  };
}

/** Rewrites every agent's σ row with σ₀ × SM-G's scale at the recommended agent, every `refreshEvery` generations. */
function safeMutations(method: HybridMethod, model: MlpSpec, count: (flops: number) => void): BeforeGeneration {
  const smg = method.smg ?? { refreshEvery: 10, rows: 32, maxScale: 100 };
  const sigma0 = method.ne.mutation.mode === 'adaptive_sigma' ? (method.ne.mutation.sigmaInit ?? 1e-3) : 1e-3;
  return (state: EvolutionState, x: Float32Array, n: number) => {
    if (state.generation % smg.refreshEvery !== 0) return;
    const rows = Math.min(n, smg.rows);
    const scale = safeMutationScale(outputSensitivity(model, bestParams(state), x, rows), smg.maxScale);
    count(sensitivityFlops(model, rows));
    const P = state.numParams;
    const row = new Float32Array(P);
    for (let j = 0; j < P; j++) row[j] = Math.fround(sigma0 * scale[j]);
    for (let a = 0; a < state.populationSize; a++) state.sigma.set(row, a * P);
  };
}

/** The feature hybrid's train and test sets: the frozen network's features of each row. */
function featureData(model: MlpSpec, dlParams: Float32Array, data: HybridData): HybridData {
  const map = (d: LabelledData): LabelledData => ({ x: bodyFeatures(model, dlParams, d.x, d.n), y: d.y, n: d.n });
  return { train: map(data.train), test: map(data.test) };
}

/** A hybrid method's learner; `cp` resumes either phase. */
export function hybridLearner(
  method: HybridMethod,
  model: MlpSpec,
  seed: number,
  data: HybridData,
  init: Float32Array,
  parts: HybridParts,
  cp: Checkpoint | undefined,
): Learner {
  const resumedNe = cp?.ne !== undefined && cp.hybrid !== undefined;
  const dl = resumedNe ? undefined : parts.sgd(init, cp);
  let dlParams = cp?.hybrid?.dlParams;
  let dlSamples = cp?.hybrid?.dlSamples ?? 0;
  let extraFlops = cp?.hybrid?.extraFlops ?? 0;
  let ne: Learner | undefined;
  let head: MlpSpec | undefined;
  let features: HybridData | undefined;
  // In the DL phase the trial's step count is the SGD step count.
  let dlSteps = resumedNe ? method.dlSteps : (cp?.step ?? 0);

  const startEvolution = (neCp: Checkpoint | undefined): void => {
    const trained = dlParams as Float32Array;
    if (method.variant === 'feature') {
      head = headSpec(model, method.head ?? []);
      features = featureData(model, trained, data);
      // Extracting the training set's features is one forward pass of the frozen network per row, paid once.
      if (neCp === undefined) extraFlops += forwardFlopsPerSample(model) * data.train.n;
      const start = initialHead(model, trained, head, initParams(head, CounterRng.from(seed, RngPurpose.init, 1)));
      ne = parts.ne(head, features, start, neCp);
      return;
    }
    if (method.objective === 'human_likeness') {
      if (parts.objective === undefined) {
        throw new InvalidArgumentError(
          `${method.name}: the human-likeness objective needs the human's episodes; run it in experiment 3 (--methods ${method.name})`,
        );
      }
      ne = rolloutLearner(method, model, seed, trained, parts.objective, neCp);
      return;
    }
    const before = method.variant === 'smg' ? safeMutations(method, model, (f) => (extraFlops += f)) : undefined;
    ne = parts.ne(model, data, trained, neCp, before);
  };
  if (resumedNe) {
    startEvolution({ ...(cp as Checkpoint), samplesSeen: cp?.hybrid?.neSamples ?? 0 });
  }

  const headModel = (): MlpSpec => head ?? model;
  const composite = (): CompositeModel => {
    const body = dlParams as Float32Array;
    const h = headModel();
    const hp = (ne as Learner).params();
    return {
      evaluate: (test, s, evalIndex) =>
        scoreLogits(featureHeadLogits(model, body, h, hp, test.x, test.n), test, h.outputs, s, evalIndex),
      policy: () => (obs) => argmaxRows(featureHeadLogits(model, body, h, hp, obs, 1), 1, h.outputs)[0],
      params: Float32Array.of(...body, ...hp),
      describe: `${describeSpec(model)} frozen → head ${describeSpec(h)}`,
    };
  };

  return {
    step: () => {
      if (ne === undefined && dl !== undefined && dlSteps < method.dlSteps) {
        dlSteps++;
        return dl.step();
      }
      if (ne === undefined) {
        dlParams = Float32Array.from((dl as Learner).params());
        dlSamples = (dl as Learner).samplesSeen();
        dl?.dispose();
        startEvolution(undefined);
      }
      return (ne as Learner).step();
    },
    params: () => (ne !== undefined ? ne.params() : (dl as Learner).params()),
    samplesSeen: () => (ne !== undefined ? dlSamples + ne.samplesSeen() : (dl as Learner).samplesSeen()),
    flops: () =>
      ne !== undefined
        ? sgdFlops(model, dlSamples) + neuroevolutionFlops(headModel(), ne.samplesSeen()) + extraFlops
        : (dl as Learner).flops(),
    checkpoint: () =>
      ne !== undefined
        ? {
            ne: ne.checkpoint().ne,
            hybrid: { dlParams: dlParams as Float32Array, dlSamples, neSamples: ne.samplesSeen(), extraFlops },
          }
        : (dl as Learner).checkpoint(),
    dispose: () => {
      dl?.dispose();
      ne?.dispose();
    },
    // Until evolution starts, the feature hybrid's model is the DL network itself.
    ...(method.variant === 'feature' ? { composite: () => (ne !== undefined ? composite() : undefined) } : {}),
  };
}

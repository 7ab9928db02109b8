/**
 * What the trial loop drives: one learner per method kind (SGD, neuroevolution, and hybrids composed of both),
 * and the checkpoint a learner's state goes into.
 */
import type { EvolutionSnapshot, EvolutionState, SearchSnapshot } from '../shared/algorithms/index.js';
import type { MlpSpec } from '../shared/model/mlp.js';
import type { LabelledData, SgdTrainerSnapshot } from '../worker/sgd/trainer.js';
import type { TestMetrics } from './evaluate.js';

export interface Checkpoint {
  step: number;
  wallSeconds: number;
  evalIndex: number;
  samplesSeen: number;
  /** The trial's thinned best-fitness series (see shared/stats/thinned_series.ts); stride and count absent in older checkpoints. */
  fitnessHistory: number[];
  fitnessHistoryEvery?: number;
  fitnessHistorySeen?: number;
  sgd?: SgdTrainerSnapshot;
  ne?: EvolutionSnapshot;
  /** CMA-ES or OpenAI-ES: the search distribution's state. */
  search?: SearchSnapshot;
  /** A hybrid in its evolution phase: the network SGD trained and what each phase has consumed. */
  hybrid?: { dlParams: Float32Array; dlSamples: number; neSamples: number; extraFlops: number };
}

/** The uniform interface every kind of method presents to the trial loop. */
export interface Learner {
  step(): { trainLoss?: number; bestFitness?: number; medianFitness?: number };
  params(): Float32Array;
  samplesSeen(): number;
  flops(): number;
  checkpoint(): Pick<Checkpoint, 'sgd' | 'ne' | 'search' | 'hybrid'>;
  /** Frees what the backend holds (TensorFlow.js variables; GPU memory on tfjs-node-gpu). */
  dispose(): void;
  /**
   * A learner whose model is not the spec's plain MLP (the feature hybrid) scores and plays itself; absent, the
   * trial scores `params()` as `spec.model` (as it does when this returns undefined).
   */
  composite?(): CompositeModel | undefined;
}

/** A trained model that is not one MLP: how it scores, plays and is saved. */
export interface CompositeModel {
  evaluate(test: LabelledData, seed: number, evalIndex: number): TestMetrics;
  policy(): (obs: Float32Array) => number;
  /** What final_params.f32 holds (the parts concatenated) and how the summary names the model. */
  readonly params: Float32Array;
  readonly describe: string;
}

/** Hook a composed learner runs before each generation's evaluation (SM-G rewrites the σ matrix there). */
export type BeforeGeneration = (state: EvolutionState, x: Float32Array, n: number) => void;

/**
 * Fitness from env rollouts, supplied by the experiment that owns the episodes (experiment 3's human-likeness):
 * the agent's score for `generation` and the env steps it played (one forward pass each, for FLOPs).
 */
export type EpisodeObjective = (
  model: MlpSpec,
  params: Float32Array,
  generation: number,
) => { fitness: number; steps: number };

/** The evaluation engine's contract: fitness of a shard of a population on a batch of labelled samples. */
import type { MlpSpec } from '../../shared/model/mlp.js';

/**
 * Fitness on a labelled batch: mean cross-entropy (minimised), argmax accuracy (action match), macro-F1 of
 * actions sampled from the softmax (mean over `trials`), or exact macro-F1 of the argmax actions (no noise).
 */
export type FitnessKind = 'ce' | 'accuracy' | 'macro_f1' | 'macro_f1_exact';

export interface ShardRequest {
  readonly spec: MlpSpec;
  /** Parameters of agents [start, end), (end − start) × paramCount rows, row-major. */
  readonly params: Float32Array;
  readonly start: number;
  readonly end: number;
  /** n × inputs, row-major. */
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly n: number;
  readonly fitness: FitnessKind;
  /** Sampling trials for macro_f1 (the proposal uses 10). */
  readonly trials?: number;
  /** Keys the sampling noise of macro_f1 with (seed, generation, agent), so shard boundaries change nothing. */
  readonly seed: number;
  readonly generation: number;
}

export interface EvaluationEngine {
  /** The backend that really runs (e.g. 'cpu', 'tfjs-cpu', 'tfjs-node-gpu'). */
  readonly backend: string;
  /** One fitness value per agent of the shard: raw CE (lower is better), accuracy or macro-F1. */
  evaluate(request: ShardRequest): Promise<Float32Array>;
  close(): Promise<void>;
}

/** The control block and messages between CpuPool and its worker threads. */
import type { AlgorithmConfig } from '../../shared/algorithms/types.js';
import type { MlpSpec } from '../../shared/model/mlp.js';
import type { FitnessKind } from './types.js';

/** Int32 words per worker in the shared control block (even, so the seed's float64 slot is aligned). */
export const CTRL_INTS = 32;

/** Word offsets inside a worker's control slot; `seedF64` is a float64 index relative to the slot. */
export const CTRL = {
  jobSeq: 0,
  doneSeq: 1,
  status: 2,
  start: 3,
  end: 4,
  n: 5,
  fitness: 6,
  trials: 7,
  generation: 8,
  protectedRows: 9,
  populationSize: 10,
  numParams: 11,
  params: 12,
  sigma: 13,
  population: 14,
  populationSigma: 15,
  varied: 16,
  epoch: 17,
  x: 18,
  y: 19,
  out: 20,
  spec: 21,
  config: 22,
  hasSigma: 23,
  /** Threads sharing the job, and the most rows one claim takes (see varyAndEvaluateClaimed). */
  threads: 24,
  maxClaim: 25,
  /** 1: claim from the back of the range and, once done, draw the next generation's normals ahead. */
  fromBack: 26,
  seedF64: 14,
} as const;

/** Int32 index, after the workers' slots, of the shared claim counters (rows left, front, back). */
export const claimIndex = (workers: number): number => workers * CTRL_INTS;

export const FITNESS_CODES: readonly FitnessKind[] = ['ce', 'accuracy', 'macro_f1', 'macro_f1_exact'];

/** Shared arrays and configurations, posted once and then referred to by id; released when the caller drops them. */
export type PoolMessage =
  | { type: 'array'; id: number; array: Float32Array | Int32Array | Uint8Array | Float64Array }
  | { type: 'spec'; id: number; spec: MlpSpec }
  | { type: 'config'; id: number; config: AlgorithmConfig }
  | { type: 'release'; id: number };

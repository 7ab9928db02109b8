/**
 * Fitness of explicit candidate rows (what `ask` of any algorithm returns) for a trial: a batch fitness on the
 * engine's CPU kernel (or TensorFlow.js when the trial runs there), or episode return from rollouts of the
 * greedy policies in the dataset's env. Used by the search-distribution methods for every fitness, and by the
 * population methods for 'return' (the engine's fused vary-and-evaluate pass scores batches only).
 */
import type { MlpSpec } from '../shared/model/mlp.js';
import { evaluateShardInline } from '../worker/engine/cpu_kernel.js';
import type { TfjsEngine } from '../worker/engine/tfjs_engine.js';
import { episodeSeeds, meanEpisodeReturns } from '../worker/rollout/episode_returns.js';
import type { NeFitness } from './methods.js';

/** Episodes each candidate plays per generation with 'return' fitness, unless the method says otherwise. */
export const DEFAULT_RETURN_EPISODES = 3;

export interface CandidateBatch {
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly n: number;
}

export interface CandidateScoring {
  readonly model: MlpSpec;
  readonly envId: string;
  readonly seed: number;
  readonly fitness: NeFitness;
  readonly trials: number;
  readonly episodes: number;
  readonly tfjs?: TfjsEngine;
}

/**
 * Fitness of `agents` rows of `rows` in generation `generation`, and the forward passes it took (samples for
 * batch fitness, env steps for rollouts), for FLOP accounting.
 */
export function scoreCandidates(
  how: CandidateScoring,
  rows: Float32Array,
  agents: number,
  generation: number,
  batch: CandidateBatch,
): { fitness: Float32Array | Float64Array; forwardPasses: number } {
  if (how.fitness === 'return') {
    const cost = { forwardPasses: 0 };
    const fitness = meanEpisodeReturns(
      {
        spec: how.model,
        envId: how.envId,
        params: rows,
        agents,
        seeds: episodeSeeds(how.seed, generation, how.episodes),
      },
      new Float64Array(agents),
      cost,
    );
    return { fitness, forwardPasses: cost.forwardPasses };
  }
  const request = {
    spec: how.model,
    params: rows,
    start: 0,
    end: agents,
    x: batch.x,
    y: batch.y,
    n: batch.n,
    fitness: how.fitness,
    trials: how.trials,
    seed: how.seed,
    generation,
  };
  const fitness = how.tfjs !== undefined ? how.tfjs.evaluateSync(request) : evaluateShardInline(request);
  return { fitness, forwardPasses: batch.n * agents };
}

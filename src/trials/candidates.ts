/**
 * Fitness of explicit candidate rows (what `ask` of any algorithm returns) for a trial: a batch fitness on the
 * engine (its population pass and thread pool on the CPU kernels, or TensorFlow.js when the trial runs there),
 * or episode return from rollouts of the greedy policies in the dataset's env. Used by the search-distribution
 * methods for every fitness, and by the population methods for 'return' (the engine scores batches only).
 */
import { resolveSimpleGaConfig, restoreState, shareState, type EvolutionState } from '../shared/algorithms/index.js';
import type { MlpSpec } from '../shared/model/mlp.js';
import { sharedCpuEngine } from '../worker/engine/cpu_engine.js';
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
  /** Engine threads for this generation (the CPU engine's pool; results do not depend on it). */
  readonly threads: () => number;
}

/**
 * Candidate rows as a population state the engine's pass leaves unchanged: every row is "protected" (as a GA's
 * elites are), so the pass copies it and scores it, on the pool's threads when the state lives in shared memory.
 * One state per trial, its buffers reused every generation, so the pool posts them to its threads once.
 */
export class EngineRows {
  private state: EvolutionState | undefined;
  private shared = false;

  /** Fitness of `agents` rows of `rows`, keyed (for sampled F1) by (seed, generation, row) as a population's. */
  evaluate(
    how: CandidateScoring,
    rows: Float32Array,
    agents: number,
    generation: number,
    batch: CandidateBatch,
  ): Float32Array {
    const engine = sharedCpuEngine(how.threads());
    const n = rows.length / agents;
    let state = this.state;
    if (state === undefined || state.populationSize !== agents || state.numParams !== n) {
      state = restoreState({
        config: resolveSimpleGaConfig({ populationSize: agents }),
        seed: how.seed,
        generation,
        populationSize: agents,
        numParams: n,
        params: rows.subarray(0, agents * n),
        sigma: new Float32Array(0),
        protectedRows: agents,
        bestIndex: 0,
        bestFitness: NaN,
      });
      this.shared = false;
    } else {
      state.params.set(rows.subarray(0, agents * n));
      state.scratch.varied.fill(0);
      state.scratch.epoch[0] = generation;
      state = { ...state, generation };
    }
    // Shared memory lets the pool's threads score rows too; a trial may widen between generations.
    if (engine.threads > 1 && !this.shared) {
      state = shareState(state);
      this.shared = true;
    }
    this.state = state;
    return engine.evaluatePopulationSync({
      spec: how.model,
      state,
      x: batch.x,
      y: batch.y,
      n: batch.n,
      fitness: how.fitness as Exclude<NeFitness, 'return'>,
      trials: how.trials,
    });
  }
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
  engineRows: EngineRows = new EngineRows(),
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
  const fitness =
    how.tfjs !== undefined
      ? how.tfjs.evaluateSync({
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
        })
      : engineRows.evaluate(how, rows, agents, generation, batch);
  return { fitness, forwardPasses: batch.n * agents };
}

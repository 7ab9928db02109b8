/**
 * Everything a process needs to evaluate any shard of a neuroevolution run, built once per run from its
 * spec: the algorithm, the initial population (from the seed), and the fitness task (training rows and
 * the per-generation mini-batch, or the environment for rollouts). Coordinator, worker processes and pool
 * threads all evaluate through this one function, so they agree bit for bit.
 */
import { getAlgorithm } from '../../shared/algorithms/registry.js';
import { restoreState } from '../../shared/algorithms/state.js';
import { askRows } from '../../shared/algorithms/variation.js';
import type {
  Algorithm,
  EvolutionSnapshot,
  EvolutionState,
  TournamentGaOptions,
} from '../../shared/algorithms/types.js';
import { splitRows } from '../../shared/data/splits.js';
import { InvalidArgumentError } from '../../shared/errors.js';
import { make } from '../../shared/envs/registry.js';
import { initParams, paramCount } from '../../shared/model/mlp.js';
import { fitnessDirection, fitnessPrecision, type DatasetTask, type NeRunSpec } from '../../shared/protocol/index.js';
import type { FitnessVector } from '../../shared/protocol/index.js';
import { CounterRng, RngPurpose } from '../../shared/rng/philox.js';
import { loadDatasetOnce } from '../../data/load.js';
import { cachedPermutation } from '../../data/permutations.js';
import { MinibatchSampler } from '../sgd/minibatch.js';
import { createEngine, sharedCpuEngine, type BackendName, type PopulationRequest } from '../engine/index.js';
import { episodeSeeds, meanEpisodeReturns } from '../rollout/episode_returns.js';

export interface RunContext {
  readonly spec: NeRunSpec;
  readonly algorithm: Algorithm<TournamentGaOptions>;
  /** Parameters per agent. */
  readonly numParams: number;
  /** Generation 0, rebuilt from the spec and seed (the same on every machine). */
  initialState(): EvolutionState;
  /** A state restored from a snapshot of this run, checked against the spec. */
  restore(snapshot: EvolutionSnapshot): EvolutionState;
  /** Varies rows [start, end) of the live `state` (kept in it for `tell`) and returns their fitness. */
  evaluateRows(state: EvolutionState, start: number, end: number): Promise<FitnessVector>;
  /** A fitness vector of this run's precision. */
  allocateFitness(length: number): FitnessVector;
  /**
   * The CPU engine's request for rows [start, end) of `state` (this generation's batch), for a pool that runs it
   * on other threads; present only for dataset tasks evaluated on the CPU kernels, the ones `CpuEngine` runs.
   */
  readonly populationRequest?: (state: EvolutionState, start: number, end: number) => PopulationRequest;
}

function algorithmOptions(spec: NeRunSpec): TournamentGaOptions {
  return {
    populationSize: spec.populationSize,
    mutation: spec.mutation,
    direction: fitnessDirection(spec),
    ...(spec.tournamentSize !== undefined ? { tournamentSize: spec.tournamentSize } : {}),
    ...(spec.eliteCount !== undefined ? { eliteCount: spec.eliteCount } : {}),
  };
}

type RowEvaluator = (state: EvolutionState, start: number, end: number) => FitnessVector | Promise<FitnessVector>;

interface DatasetEvaluator {
  readonly evaluate: RowEvaluator;
  readonly request?: (state: EvolutionState, start: number, end: number) => PopulationRequest;
}

async function datasetEvaluator(spec: NeRunSpec, task: DatasetTask, backend: BackendName): Promise<DatasetEvaluator> {
  const ds = await loadDatasetOnce(task.dataset, task.datasetSteps);
  if (ds.obsDim !== spec.model.inputs || ds.nActions !== spec.model.outputs) {
    throw new InvalidArgumentError(
      `dataset ${task.dataset} has ${ds.obsDim} observations and ${ds.nActions} actions; the run's model maps ${spec.model.inputs} → ${spec.model.outputs}`,
    );
  }
  const train = splitRows(ds, task.split, cachedPermutation).train;
  const y = train.y;
  const sampler =
    task.batchSize === 'all' ? undefined : new MinibatchSampler(train, spec.model.inputs, task.batchSize, spec.seed);
  // The CPU kernels vary and score each row in one pass; other backends (TensorFlow.js, GPUs) score the rows
  // askRows varied. Both give the same fitness to float32 tolerance; a run is bit-reproducible per backend.
  const engine = backend === 'cpu' ? undefined : await createEngine(backend);
  const batch = (state: EvolutionState): { x: Float32Array; labels: Int32Array; n: number } => {
    if (sampler === undefined) return { x: train.x, labels: y, n: train.n };
    // Mini-batch b of the run is generation b's, as in the single-process trials.
    const n = sampler.load(state.generation);
    return { x: sampler.x.subarray(0, n * spec.model.inputs), labels: sampler.y.subarray(0, n), n };
  };
  const request = (state: EvolutionState, start: number, end: number): PopulationRequest => {
    const { x, labels, n } = batch(state);
    return { spec: spec.model, state, x, y: labels, n, fitness: task.fitness, trials: task.trials, start, end };
  };
  if (engine !== undefined && engine.backend !== 'cpu') {
    return {
      evaluate: (state, start, end) => {
        const { x, labels, n } = batch(state);
        return engine.evaluate({
          spec: spec.model,
          params: askRows(state, start, end),
          start,
          end,
          x,
          y: labels,
          n,
          fitness: task.fitness,
          trials: task.trials,
          seed: state.seed,
          generation: state.generation,
        });
      },
    };
  }
  return {
    // The one generation entry point experiments' trials use too, on this thread; pools that evaluate a run's
    // shard on several threads take `request` to the same engine (OffThreadEngine).
    evaluate: (state, start, end) => sharedCpuEngine(1).evaluatePopulationSync(request(state, start, end)),
    request,
  };
}

function rolloutEvaluator(
  spec: NeRunSpec,
  envId: string,
  episodes: number,
  maxSteps: number | undefined,
): RowEvaluator {
  const env = make(envId);
  const obsDim = env.observationSpace.shape[0];
  const actions = env.actionSpace.n;
  if (obsDim !== spec.model.inputs || actions !== spec.model.outputs) {
    throw new InvalidArgumentError(
      `${envId} has ${obsDim} observations and ${actions} actions; the run's model maps ${spec.model.inputs} → ${spec.model.outputs}: change model.inputs/outputs`,
    );
  }
  return (state, start, end) =>
    meanEpisodeReturns({
      spec: spec.model,
      envId,
      params: askRows(state, start, end),
      agents: end - start,
      seeds: episodeSeeds(state.seed, state.generation, episodes),
      ...(maxSteps !== undefined ? { maxSteps } : {}),
    });
}

/** A context that only builds and restores states: `evaluateRows` throws (workers' main threads, which delegate evaluation). */
export interface BuildOptions {
  /** Load the data / env needed to evaluate (default true). */
  readonly evaluate?: boolean;
  /** Engine backend for dataset fitness (default 'cpu'; see createEngine). Rollouts always step on the CPU. */
  readonly backend?: BackendName;
}

/** Builds a run's context (loads its dataset if it has one); throws InvalidArgumentError on a spec that cannot run. */
export async function buildRunContext(spec: NeRunSpec, build: BuildOptions = {}): Promise<RunContext> {
  const algorithm = getAlgorithm(spec.algorithm) as Algorithm<TournamentGaOptions>;
  const numParams = paramCount(spec.model);
  const options = algorithmOptions(spec);
  const task = spec.task;
  const dataset =
    build.evaluate !== false && task.kind === 'dataset'
      ? await datasetEvaluator(spec, task, build.backend ?? 'cpu')
      : undefined;
  const evaluate: RowEvaluator =
    build.evaluate === false
      ? () => {
          throw new InvalidArgumentError('this run context was built without evaluation data');
        }
      : task.kind === 'dataset'
        ? (dataset as DatasetEvaluator).evaluate
        : rolloutEvaluator(spec, task.envId, task.episodes, task.maxSteps);
  const precision = fitnessPrecision(spec);
  return {
    spec,
    algorithm,
    numParams,
    initialState: () =>
      algorithm.init(initParams(spec.model, CounterRng.from(spec.seed, RngPurpose.init)), options, spec.seed),
    restore: (snapshot) => {
      const state = restoreState(snapshot);
      if (
        state.seed !== spec.seed ||
        state.numParams !== numParams ||
        state.populationSize !== spec.populationSize ||
        state.config.algorithm !== spec.algorithm
      ) {
        throw new InvalidArgumentError(
          `the snapshot does not belong to run ${spec.runId} (seed, algorithm or sizes differ)`,
        );
      }
      return state;
    },
    evaluateRows: async (state, start, end) => evaluate(state, start, end),
    allocateFitness: (length) => (precision === 'float64' ? new Float64Array(length) : new Float32Array(length)),
    ...(dataset?.request !== undefined ? { populationRequest: dataset.request } : {}),
  };
}

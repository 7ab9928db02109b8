/**
 * One trial: one method trained on one training set with one seed, writing results/<exp>/<trial-id>/.
 * A trial is a pure function of its spec and data in the default step-budget mode (bit-reproducible), and
 * it checkpoints as it goes so an interrupted run resumes where it stopped.
 */
import { createHash } from 'node:crypto';
import { Packr } from 'msgpackr';
import {
  getAlgorithm,
  bestParams,
  restoreState,
  shareState,
  snapshotState,
  isSearchAlgorithm,
  resumeSearch,
  startSearch,
  type AlgorithmName,
  type EvolutionState,
} from '../shared/algorithms/index.js';
import { DEFAULT_RETURN_EPISODES, EngineRows, scoreCandidates, type CandidateScoring } from './candidates.js';
import { initParams, paramCount, describeSpec, type MlpSpec } from '../shared/model/mlp.js';
import { neuroevolutionFlops, sgdFlops } from '../shared/model/flops.js';
import { CounterRng, RngPurpose } from '../shared/rng/philox.js';
import { pushThinned, thinnedSeries, type ThinnedSeries } from '../shared/stats/thinned_series.js';
import { EvoscaleError, InvalidArgumentError } from '../shared/errors.js';
import { CPU_BACKEND, loadBackend, type BackendName, type LoadedBackend } from '../worker/engine/backends.js';
import { sharedCpuEngine } from '../worker/engine/cpu_engine.js';
import { TfjsEngine } from '../worker/engine/tfjs_engine.js';
import { TfjsSgdTrainer } from '../worker/sgd/tfjs_trainer.js';
import { SgdTrainer, type LabelledData } from '../worker/sgd/trainer.js';
import { evaluateOnData, meanEpisodeReturn, policyEpisodeReturns, type TestMetrics } from './evaluate.js';
import type { HybridMethod, Method, NeMethod, SgdMethod } from './methods.js';
import { hybridLearner } from './hybrid.js';
import type { BeforeGeneration, Checkpoint, EpisodeObjective, Learner } from './learner.js';
import { MinibatchSampler } from '../worker/sgd/minibatch.js';
import { TrialDirectory } from './results.js';
import type { FitnessKind } from '../worker/engine/types.js';

export interface Budget {
  /** Optimizer steps (SGD) or generations (NE); reproducible bit for bit. */
  readonly steps?: number;
  /** Wall-clock seconds instead of steps (equal time per method; not bit-reproducible). */
  readonly seconds?: number;
}

export interface TrialSpec {
  readonly experiment: 'exp1' | 'exp2' | 'exp3' | 'scaling' | 'hybrid';
  /** Unique within the experiment; also the folder name. */
  readonly id: string;
  readonly envId: string;
  readonly dataset: string;
  /** e.g. { size: 3000 } (exp1) or { fraction: 0.3 } (exp2): which training set, for tables and plots. */
  readonly trainSet: { readonly size?: number; readonly fraction?: number; readonly rows: number };
  /** How train and test rows are cut from the dataset (see src/shared/data/splits.ts). */
  readonly split:
    | { readonly kind: 'exp1'; readonly seed: number; readonly testSize: number }
    | { readonly kind: 'exp2'; readonly seed: number; readonly testFraction: number }
    | { readonly kind: 'exp3-sessions'; readonly testFraction: number; readonly gapMinutes: number };
  /** Experiment 3: whether the inputs carry the session/run features. */
  readonly withCl?: boolean;
  /** Rows and generation seed of a built-in dataset (ignored for files). */
  readonly datasetSteps?: number;
  readonly method: Method;
  readonly model: MlpSpec;
  readonly seed: number;
  readonly budget: Budget;
  /** Test-set evaluations spread evenly over the budget (runtime % axis). */
  readonly evalPoints: number;
  /**
   * Spread the evaluations log-evenly instead, over the last this many decades of the budget (the scaling study's
   * compute curves): point k of P sits at budget × 10^(−decades·(P−k)/(P−1)). Absent: evenly spaced.
   */
  readonly evalLogDecades?: number;
  /**
   * Episodes of greedy play in the env at every evaluation point (recorded as `meanReturn`), on the same reset
   * seeds as the final `evalEpisodes`, so a curve's points are comparable. Absent: none.
   */
  readonly curveEpisodes?: number;
  /** Episodes of greedy play in the env at the end (0 = none). */
  readonly evalEpisodes: number;
  /** Checkpoint after every this many evaluation points. */
  readonly checkpointEvery: number;
  /**
   * Where SGD steps and NE fitness run (absent: 'cpu', the bit-reproducible default). Test metrics and
   * rollouts are always scored by the CPU kernels, so every backend is measured the same way.
   */
  readonly backend?: BackendName;
}

export interface TrialData {
  readonly train: LabelledData;
  readonly test: LabelledData;
}

export interface MetricRecord extends Partial<TestMetrics> {
  step: number;
  runtimePct: number;
  wallSeconds: number;
  flops: number;
  trainLoss?: number;
  /** Mean greedy return over `curveEpisodes` episodes, when the spec asks for them. */
  meanReturn?: number;
  bestFitness?: number;
  medianFitness?: number;
}

export interface TrialSummary {
  id: string;
  experiment: string;
  method: string;
  envId: string;
  seed: number;
  trainSet: TrialSpec['trainSet'];
  model: string;
  budgetMode: 'steps' | 'seconds';
  steps: number;
  samplesSeen: number;
  flops: number;
  wallSeconds: number;
  final: TestMetrics & { meanReturn?: number; returns?: number[] };
  paramsSha256: string;
  /** Best fitness per generation, thinned to at most 10 000 entries: entry i is generation i × fitnessHistoryEvery. */
  fitnessHistory?: number[];
  fitnessHistoryEvery?: number;
  /** The backend that really trained ('cpu', 'tfjs:cpu', 'tfjs-node-gpu:tensorflow', …), not the one asked for. */
  backend: string;
}

/** A trial's results folder, typed with what `runTrial` writes there. */
export type TrialFolder = TrialDirectory<MetricRecord, TrialSummary, TrialSpec>;

export interface TrialHooks {
  onProgress?: (done: number, total: number) => void;
  /** Resume from the trial's checkpoint if it has one (else start over). */
  resume?: boolean;
  /** The loaded backend `spec.backend` asked for (see loadTrialBackend); absent means the CPU kernels. */
  backend?: LoadedBackend;
  /**
   * Threads a neuroevolution trial splits each generation's population over, this one included (default 1),
   * or a function asked before every generation (a trial widens when others finish and free their cores).
   * Results do not depend on it: every row's noise is keyed by (seed, generation, agent).
   */
  threads?: number | (() => number);
  /**
   * Asked after every step (SGD step or NE generation): true stops the trial there, after writing its checkpoint,
   * with TrialStoppedError; resuming from that checkpoint ends exactly as an uninterrupted trial.
   */
  shouldStop?: () => boolean;
  /** Rollout fitness for hybrids whose objective is human-likeness (experiment 3 supplies the human's episodes). */
  episodeObjective?: EpisodeObjective;
}

/** A trial stopped on request (a signal) at a step boundary, its checkpoint written; `--resume` continues it. */
export class TrialStoppedError extends EvoscaleError {
  constructor(
    readonly trial: string,
    readonly step: number,
  ) {
    super(`trial ${trial} stopped at step ${step}; checkpoint written`, 'TRIAL_STOPPED');
  }
}

const CHECKPOINT = 'latest.msgpack';
/** msgpack with typed arrays kept as typed arrays (not Buffers), so checkpoints restore exactly. */
const codec = new Packr({ moreTypes: true });

function sha256(params: Float32Array): string {
  return createHash('sha256')
    .update(new Uint8Array(params.buffer, params.byteOffset, params.byteLength))
    .digest('hex');
}

function median(values: ArrayLike<number>): number {
  const s = Array.from(values).sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function sgdLearner(
  method: SgdMethod,
  spec: TrialSpec,
  data: TrialData,
  init: Float32Array,
  backend: LoadedBackend,
  cp?: Checkpoint,
): Learner {
  const options = {
    spec: spec.model,
    params: init,
    optimizer: method.optimizer,
    batchSize: method.batchSize,
    seed: spec.seed,
    train: data.train,
  };
  const trainer = backend.tf === undefined ? new SgdTrainer(options) : TfjsSgdTrainer.fromBackend(options, backend);
  if (cp?.sgd) trainer.restore(cp.sgd);
  return {
    step: () => ({ trainLoss: trainer.step() }),
    params: () => (trainer instanceof SgdTrainer ? trainer.params : trainer.getParams()),
    samplesSeen: () => trainer.samplesSeen,
    flops: () => sgdFlops(spec.model, trainer.samplesSeen),
    checkpoint: () => ({ sgd: trainer.snapshot() }),
    dispose: () => {
      if (trainer instanceof TfjsSgdTrainer) trainer.dispose();
    },
  };
}

/**
 * One generation is the engine's one pass per agent (vary, forward, fitness: `CpuEngine.evaluatePopulation`,
 * the path NE runs and the compute benchmark take), then the algorithm's `tell` on the rows it varied.
 */
function neLearner(
  method: NeMethod,
  spec: TrialSpec,
  data: TrialData,
  init: Float32Array,
  backend: LoadedBackend,
  cp: Checkpoint | undefined,
  threads: number | (() => number),
  beforeGeneration?: BeforeGeneration,
): Learner {
  if (isSearchAlgorithm(method.algorithm)) return searchLearner(method, spec, data, init, backend, cp, threads);
  const algo = getAlgorithm(method.algorithm as AlgorithmName);
  const options = {
    populationSize: method.populationSize,
    mutation: method.mutation,
    direction: method.fitness === 'ce' ? ('minimize' as const) : ('maximize' as const),
    ...(method.tournamentSize !== undefined ? { tournamentSize: method.tournamentSize } : {}),
    ...(method.eliteCount !== undefined ? { eliteCount: method.eliteCount } : {}),
  };
  // Agent 0 starts from the same network as SGD; the others, when independent, from their own init streams.
  const start =
    method.initPopulation === 'independent'
      ? Array.from({ length: method.populationSize }, (_, a) =>
          a === 0 ? init : initParams(spec.model, CounterRng.from(spec.seed, RngPurpose.init, a)),
        )
      : init;
  const threadsNow = typeof threads === 'function' ? threads : () => threads;
  let state: EvolutionState = cp?.ne ? restoreState(cp.ne) : algo.init(start, options as never, spec.seed);
  let shared = false;
  const whole = method.batchSize === 'all';
  const sampler = whole
    ? null
    : new MinibatchSampler(data.train, spec.model.inputs, method.batchSize as number, spec.seed);
  const trainY = data.train.y instanceof Int32Array ? data.train.y : Int32Array.from(data.train.y);
  let seen = cp?.samplesSeen ?? 0;
  const tfjs = backend.tf === undefined ? undefined : TfjsEngine.fromBackend(backend);
  const scoring = candidateScoring(method, spec, tfjs, threadsNow);
  return {
    step: () => {
      const gen = state.generation;
      let x = data.train.x;
      let y = trainY;
      let n = data.train.n;
      if (sampler) {
        n = sampler.load(gen);
        x = sampler.x.subarray(0, n * spec.model.inputs);
        y = sampler.y.subarray(0, n);
      }
      beforeGeneration?.(state, x, n);
      let fitness: Float32Array | Float64Array;
      if (method.fitness === 'return') {
        // Rollouts score the rows `ask` draws; the engine's fused pass scores labelled batches only.
        const scored = scoreCandidates(scoring, algo.ask(state), state.populationSize, gen, { x, y, n });
        fitness = scored.fitness;
        n = scored.forwardPasses / state.populationSize;
      } else if (tfjs !== undefined) {
        // TensorFlow.js evaluates the population `ask` draws; only the CPU engine fuses variation into the pass.
        fitness = tfjs.evaluateSync({
          spec: spec.model,
          params: algo.ask(state),
          start: 0,
          end: state.populationSize,
          x,
          y,
          n,
          fitness: method.fitness as FitnessKind,
          trials: method.trials,
          seed: spec.seed,
          generation: gen,
        });
      } else {
        const engine = sharedCpuEngine(threadsNow());
        if (engine.threads > 1 && !shared) {
          // Shared memory lets the engine's threads write their rows straight into the state; `tell` keeps it so.
          state = shareState(state);
          shared = true;
        }
        fitness = engine.evaluatePopulationSync({
          spec: spec.model,
          state,
          x,
          y,
          n,
          fitness: method.fitness as FitnessKind,
          trials: method.trials,
        });
      }
      seen += n * state.populationSize;
      let best = fitness[0];
      for (let i = 1; i < fitness.length; i++)
        best = method.fitness === 'ce' ? Math.min(best, fitness[i]) : Math.max(best, fitness[i]);
      const med = median(fitness);
      state = algo.tell(state, fitness);
      return { bestFitness: best, medianFitness: med };
    },
    params: () => bestParams(state),
    samplesSeen: () => seen,
    flops: () => neuroevolutionFlops(spec.model, seen),
    checkpoint: () => ({ ne: snapshotState(state) }),
    dispose: () => {},
  };
}

/** A hybrid's learner, its two phases built from this trial's own SGD and NE learners. */
function hybridTrialLearner(
  method: HybridMethod,
  spec: TrialSpec,
  data: TrialData,
  init: Float32Array,
  backend: LoadedBackend,
  cp: Checkpoint | undefined,
  threads: number | (() => number),
  objective: EpisodeObjective | undefined,
): Learner {
  const sgd: SgdMethod = { kind: 'sgd', name: method.name, ...method.dl };
  // The population starts around one network (the trained one, or the head that reproduces it).
  const ne: NeMethod = { kind: 'ne', name: method.name, ...method.ne, initPopulation: 'copies' };
  return hybridLearner(
    method,
    spec.model,
    spec.seed,
    data,
    init,
    {
      sgd: (start, c) => sgdLearner(sgd, spec, data, start, backend, c),
      ne: (model, d, start, c, before) => neLearner(ne, { ...spec, model }, d, start, backend, c, threads, before),
      ...(objective !== undefined ? { objective } : {}),
    },
    cp,
  );
}

function candidateScoring(
  method: NeMethod,
  spec: TrialSpec,
  tfjs: TfjsEngine | undefined,
  threads: () => number,
): CandidateScoring {
  return {
    threads,
    model: spec.model,
    envId: spec.envId,
    seed: spec.seed,
    fitness: method.fitness,
    trials: method.trials,
    episodes: method.episodes ?? DEFAULT_RETURN_EPISODES,
    ...(tfjs !== undefined ? { tfjs } : {}),
  };
}

/**
 * CMA-ES and OpenAI-ES: `ask` draws the candidates around the centre (the initial network at first), the
 * engine's kernel scores them on this generation's minibatch (or in rollouts), `tell` moves the distribution.
 * The trial's recommended network is the centre. The engine's population pass scores the candidates (on its
 * thread pool when the trial has threads to spare), every candidate's noise keyed as a population row's.
 */
function searchLearner(
  method: NeMethod,
  spec: TrialSpec,
  data: TrialData,
  init: Float32Array,
  backend: LoadedBackend,
  cp: Checkpoint | undefined,
  threads: number | (() => number),
): Learner {
  const minimize = method.fitness === 'ce';
  const driver = cp?.search
    ? resumeSearch(cp.search)
    : startSearch(
        method.algorithm as 'cmaes' | 'openai_es',
        init,
        { ...method.search, populationSize: method.populationSize, direction: minimize ? 'minimize' : 'maximize' },
        spec.seed,
      );
  const sampler =
    method.batchSize === 'all'
      ? null
      : new MinibatchSampler(data.train, spec.model.inputs, method.batchSize, spec.seed);
  const trainY = data.train.y instanceof Int32Array ? data.train.y : Int32Array.from(data.train.y);
  const tfjs = backend.tf === undefined ? undefined : TfjsEngine.fromBackend(backend);
  const scoring = candidateScoring(method, spec, tfjs, typeof threads === 'function' ? threads : () => threads);
  const rows = new EngineRows();
  let seen = cp?.samplesSeen ?? 0;
  return {
    step: () => {
      const gen = driver.generation();
      let batch = { x: data.train.x, y: trainY, n: data.train.n };
      if (sampler && method.fitness !== 'return') {
        const n = sampler.load(gen);
        batch = { x: sampler.x.subarray(0, n * spec.model.inputs), y: sampler.y.subarray(0, n), n };
      }
      const P = driver.populationSize();
      const { fitness, forwardPasses } = scoreCandidates(scoring, driver.ask(), P, gen, batch, rows);
      seen += forwardPasses;
      let best = fitness[0];
      for (let i = 1; i < P; i++) best = minimize ? Math.min(best, fitness[i]) : Math.max(best, fitness[i]);
      const med = median(fitness);
      driver.tell(fitness);
      return { bestFitness: best, medianFitness: med };
    },
    params: () => driver.center(),
    samplesSeen: () => seen,
    flops: () => neuroevolutionFlops(spec.model, seen),
    checkpoint: () => ({ search: driver.snapshot() }),
    dispose: () => {},
  };
}

/** The backend a trial runs on: the loaded one when the spec asks for one, and a clear error when it was not loaded. */
function trialBackend(spec: TrialSpec, loaded: LoadedBackend | undefined): LoadedBackend {
  const asked = spec.backend ?? 'cpu';
  if (loaded === undefined) {
    if (asked === 'cpu') return CPU_BACKEND;
    throw new InvalidArgumentError(
      `trial ${spec.id} asks for backend '${asked}': load it with loadTrialBackend(spec) and pass it as hooks.backend`,
    );
  }
  if (asked !== 'auto' && loaded.name !== asked) {
    throw new InvalidArgumentError(`trial ${spec.id} asks for backend '${asked}' but was given '${loaded.label}'`);
  }
  return loaded;
}

/** Loads the backend `spec.backend` asks for ('auto' resolved by `fallback` when given, e.g. a worker's --backend). */
export function loadTrialBackend(spec: TrialSpec, fallback: BackendName = 'auto'): Promise<LoadedBackend> {
  const asked = spec.backend ?? 'cpu';
  return loadBackend(asked === 'auto' ? fallback : asked);
}

/** Reset seed of a trial's first evaluation episode (the others follow it): the same for every method of a seed. */
export function episodeSeedBase(seed: number): number {
  return 1_000_000 + seed * 1000;
}

/**
 * Where the `k`-th of `points` log-spaced evaluations falls: `total` × 10^(−decades·(points−k)/(points−1)), so the
 * last is at the end of the budget. In steps it is rounded and at least k, so early points do not pile onto step 1.
 */
export function logEvalTarget(k: number, points: number, decades: number, total: number, whole: boolean): number {
  if (k > points) return Number.POSITIVE_INFINITY;
  const share = points === 1 ? 1 : Math.pow(10, (-decades * (points - k)) / (points - 1));
  return whole ? Math.max(k, Math.round(share * total)) : share * total;
}

/** Runs (or resumes) a trial to completion and returns its summary; writes every result file on the way. */
export function runTrial(spec: TrialSpec, data: TrialData, dir: TrialFolder, hooks: TrialHooks = {}): TrialSummary {
  const done = dir.summary();
  if (done && hooks.resume) return done;
  if (paramCount(spec.model) <= 0) throw new Error('empty model');
  const init = initParams(spec.model, CounterRng.from(spec.seed, RngPurpose.init));
  let cp: Checkpoint | undefined;
  if (hooks.resume) {
    const raw = dir.readCheckpoint(CHECKPOINT);
    const sameConfig = JSON.stringify(dir.config()) === JSON.stringify(JSON.parse(JSON.stringify(spec)));
    if (raw && sameConfig) cp = codec.unpack(raw) as Checkpoint;
  }
  if (cp) dir.rewriteMetrics(dir.metrics().filter((r) => r.step <= cp.step));
  else dir.begin(spec);

  const backend = trialBackend(spec, hooks.backend);
  const learner =
    spec.method.kind === 'sgd'
      ? sgdLearner(spec.method, spec, data, init, backend, cp)
      : spec.method.kind === 'hybrid'
        ? hybridTrialLearner(spec.method, spec, data, init, backend, cp, hooks.threads ?? 1, hooks.episodeObjective)
        : neLearner(spec.method, spec, data, init, backend, cp, hooks.threads ?? 1);
  const bySeconds = spec.budget.seconds !== undefined;
  const totalSteps = spec.budget.steps ?? Number.POSITIVE_INFINITY;
  const totalSeconds = spec.budget.seconds ?? Number.POSITIVE_INFINITY;
  let step = cp?.step ?? 0;
  let evalIndex = cp?.evalIndex ?? 0;
  // Older checkpoints kept every generation: stride 1, as many seen as kept.
  const fitnessHistory = thinnedSeries(cp?.fitnessHistory ?? [], cp?.fitnessHistoryEvery ?? 1, cp?.fitnessHistorySeen);
  const startWall = cp?.wallSeconds ?? 0;
  const t0 = performance.now();
  // Rollouts at evaluation points measure the policy, not training: their time is kept off the wall-clock axis. A
  // compute curve's (evalLogDecades) test scoring is too, so that with a wall-clock budget its evaluations neither
  // eat the budget nor crowd the first log-spaced moments of it.
  let offClockSeconds = 0;
  const elapsed = (): number => startWall + (performance.now() - t0) / 1000 - offClockSeconds;
  const progress = (): number => (bySeconds ? Math.min(1, elapsed() / totalSeconds) : step / totalSteps);

  const saveCheckpoint = (): void => {
    const c: Checkpoint = {
      step,
      wallSeconds: elapsed(),
      evalIndex,
      samplesSeen: learner.samplesSeen(),
      ...historyCheckpoint(fitnessHistory),
      ...learner.checkpoint(),
    };
    dir.writeCheckpoint(CHECKPOINT, codec.pack(c));
  };

  const score = (test: LabelledData, index: number): TestMetrics =>
    learner.composite?.()?.evaluate(test, spec.seed, index) ??
    evaluateOnData(spec.model, learner.params(), test, spec.seed, index);
  const append = (rec: MetricRecord): void => {
    dir.appendMetric(rec);
    evalIndex++;
    if (evalIndex % spec.checkpointEvery === 0) saveCheckpoint();
  };
  const record = (extra: Partial<MetricRecord>): MetricRecord => {
    const params = learner.params();
    const s0 = performance.now();
    const m = score(data.test, evalIndex);
    if (spec.evalLogDecades !== undefined) offClockSeconds += (performance.now() - s0) / 1000;
    const wallSeconds = elapsed();
    let play: { mean: number } | undefined;
    if (spec.curveEpisodes !== undefined) {
      const r0 = performance.now();
      play = meanEpisodeReturn(spec.envId, spec.model, params, spec.curveEpisodes, episodeSeedBase(spec.seed));
      offClockSeconds += (performance.now() - r0) / 1000;
    }
    const rec: MetricRecord = {
      step,
      runtimePct: 100 * progress(),
      wallSeconds,
      flops: learner.flops(),
      ...extra,
      ...m,
      ...(play !== undefined ? { meanReturn: play.mean } : {}),
    };
    append(rec);
    return rec;
  };

  // A compute curve on a wall-clock budget: one step can pass several of its log-spaced moments (a long step early
  // on); each gets that step's record, so every trial's k-th record is the k-th moment of its budget, and the last
  // one its end, and curves line up across trials.
  const curveInSeconds = bySeconds && spec.evalLogDecades !== undefined;
  const recordPassed = (rec: MetricRecord): void => {
    if (!curveInSeconds) return;
    const at = (k: number): number =>
      logEvalTarget(k, spec.evalPoints, spec.evalLogDecades as number, totalSeconds, false);
    while (evalIndex <= spec.evalPoints && at(evalIndex) <= rec.wallSeconds) append({ ...rec });
  };

  if (evalIndex === 0) record({});
  let last: ReturnType<Learner['step']> = {};
  while (bySeconds ? elapsed() < totalSeconds : step < totalSteps) {
    last = learner.step();
    step++;
    if (last.bestFitness !== undefined) pushThinned(fitnessHistory, last.bestFitness);
    const target =
      spec.evalLogDecades !== undefined
        ? logEvalTarget(
            evalIndex,
            spec.evalPoints,
            spec.evalLogDecades,
            bySeconds ? totalSeconds : totalSteps,
            !bySeconds,
          )
        : bySeconds
          ? (evalIndex * totalSeconds) / spec.evalPoints
          : Math.round((evalIndex * totalSteps) / spec.evalPoints);
    if ((bySeconds ? elapsed() : step) >= target) recordPassed(record(last));
    if ((step & 63) === 0) hooks.onProgress?.(progress(), 1);
    if (hooks.shouldStop?.() === true && (bySeconds ? elapsed() < totalSeconds : step < totalSteps)) {
      saveCheckpoint();
      learner.dispose();
      throw new TrialStoppedError(spec.id, step);
    }
  }
  const metrics = dir.metrics();
  const ended = curveInSeconds
    ? evalIndex <= spec.evalPoints
    : metrics.length === 0 || metrics[metrics.length - 1].step !== step;
  if (ended) recordPassed(record(last));

  const composite = learner.composite?.();
  const params = composite?.params ?? learner.params();
  const final = score(data.test, 1_000_000);
  const play =
    spec.evalEpisodes > 0
      ? composite !== undefined
        ? policyEpisodeReturns(spec.envId, composite.policy(), spec.evalEpisodes, episodeSeedBase(spec.seed))
        : meanEpisodeReturn(spec.envId, spec.model, params, spec.evalEpisodes, episodeSeedBase(spec.seed))
      : undefined;
  const summary: TrialSummary = {
    id: spec.id,
    experiment: spec.experiment,
    method: spec.method.name,
    envId: spec.envId,
    seed: spec.seed,
    // Plans leave `rows` at 0 where only the loaded dataset knows it (exp2 fractions and sizes): record what trained.
    trainSet: { ...spec.trainSet, rows: data.train.n },
    model: composite?.describe ?? describeSpec(spec.model),
    budgetMode: bySeconds ? 'seconds' : 'steps',
    steps: step,
    samplesSeen: learner.samplesSeen(),
    flops: learner.flops(),
    wallSeconds: elapsed(),
    final: { ...final, ...(play ? { meanReturn: play.mean, returns: play.returns } : {}) },
    paramsSha256: sha256(params),
    ...(fitnessHistory.values.length > 0
      ? { fitnessHistory: fitnessHistory.values, fitnessHistoryEvery: fitnessHistory.every }
      : {}),
    backend: backend.label,
  };
  dir.writeCheckpoint(
    CHECKPOINT,
    codec.pack({
      step,
      wallSeconds: elapsed(),
      evalIndex,
      samplesSeen: learner.samplesSeen(),
      ...historyCheckpoint(fitnessHistory),
      ...learner.checkpoint(),
    }),
  );
  learner.dispose();
  // A composite model (frozen network + evolved head) is no single MLP PyTorch could load: raw parameters only.
  dir.writeFinalParams(params, composite !== undefined ? undefined : { spec: spec.model, envId: spec.envId });
  dir.writeSummary(summary);
  hooks.onProgress?.(1, 1);
  return summary;
}

function historyCheckpoint(
  h: ThinnedSeries,
): Pick<Checkpoint, 'fitnessHistory' | 'fitnessHistoryEvery' | 'fitnessHistorySeen'> {
  return { fitnessHistory: h.values, fitnessHistoryEvery: h.every, fitnessHistorySeen: h.seen };
}

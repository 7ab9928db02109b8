/**
 * Experiment 3 of the proposal ("On the value of giving continual-learning information"): per participant × env,
 * SGD and the adaptive-σ simple GA with CE, each without and with the session/run inputs, trained on the
 * optimisation runs and compared with the human on matched episodes of the test runs.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { expMlp } from '../../shared/model/mlp.js';
import { datasetEnvSpec } from '../../shared/data/envs.js';
import { EvoscaleError, InvalidArgumentError } from '../../shared/errors.js';
import {
  labelledRows,
  medianTestCl,
  prepareParticipantEnv,
  synthesizeHumanEpisodes,
  testEpisodes,
  type HumanEpisode,
  type ParticipantEnvData,
} from '../../shared/human/index.js';
import { readHumanDir, writeHumanDir } from '../../data/human_store.js';
import { backendsThatRan, runEnvironment } from '../environment.js';
import { loadBackend, type LoadedBackend } from '../../worker/engine/backends.js';
import type { RunExperimentOptions } from '../exp1.js';
import { writeJsonAtomic } from '../../platform/atomic_file.js';
import { TrialDirectory } from '../../trials/results.js';
import {
  runTrial,
  TrialStoppedError,
  type TrialFolder,
  type TrialSpec,
  type TrialSummary,
} from '../../trials/trial.js';
import { SweepInterruptedError } from '../../coordinator/sweep/run_sweep.js';
import {
  HUMANLIKE_EPISODES,
  HUMANLIKE_GENERATIONS,
  planPair,
  validateExp3Config,
  type Exp3Config,
  type Exp3TrialPlan,
} from './config.js';
import { splitHybridBudget, type Method } from '../../trials/methods.js';
import type { EpisodeObjective } from '../../trials/learner.js';
import { humanLikenessFitness } from '../../shared/fitness/human_likeness.js';
import { compareWithHuman, playMatchedEpisodes } from './matched.js';
import { writeExp3Outputs } from './report.js';
import type { Exp3ModelResult, Exp3PairResult } from './results.js';

/** The episodes experiment 3 runs on: the folder's, or freshly simulated participants (saved under <dir>/data). */
export function loadExp3Episodes(
  cfg: Exp3Config,
  dir: string,
  save = true,
): { episodes: HumanEpisode[]; source: string } {
  if (cfg.data === 'synthetic') {
    const s = cfg.synthetic;
    const episodes = synthesizeHumanEpisodes({
      participants: s.participants,
      days: s.days,
      sessionsPerDay: s.sessionsPerDay,
      seed: s.seed,
      ...(cfg.envs ? { envIds: cfg.envs } : {}),
    });
    if (save) writeHumanDir(join(dir, 'data'), episodes, { replace: true });
    return {
      episodes,
      source: `synthetic players (${s.participants} participant${s.participants === 1 ? '' : 's'} × ${s.days} days, seed ${s.seed}); saved in ${join(dir, 'data')}`,
    };
  }
  return { episodes: readHumanDir(cfg.data), source: cfg.data };
}

/** The (participant, env) pairs present in the data, filtered by the config, in a stable order. */
export function exp3Pairs(
  cfg: Exp3Config,
  episodes: readonly HumanEpisode[],
): { participant: string; envId: string }[] {
  const want = cfg.envs?.map((e) => datasetEnvSpec(e).id);
  const seen = new Set<string>();
  const out: { participant: string; envId: string }[] = [];
  for (const e of episodes) {
    const envId = datasetEnvSpec(e.envId).id;
    if (cfg.participants && !cfg.participants.includes(e.participant)) continue;
    if (want && !want.includes(envId)) continue;
    const key = `${e.participant}\u0000${envId}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ participant: e.participant, envId });
    }
  }
  if (out.length === 0)
    throw new InvalidArgumentError('no episodes match --participants/--envs; check the names against the data');
  const order = ['CartPole-v1', 'Acrobot-v1', 'MountainCar-v0', 'LunarLander-v3'];
  return out.sort(
    (a, b) => a.participant.localeCompare(b.participant) || order.indexOf(a.envId) - order.indexOf(b.envId),
  );
}

/** A method's budget in experiment 3; a hybrid's DL phase takes its share of the SGD steps. */
function exp3Budget(cfg: Exp3Config, method: Method): { method: Method; budget: { steps: number } } {
  if (method.kind === 'sgd') return { method, budget: { steps: cfg.sgdSteps } };
  if (method.kind === 'ne') return { method, budget: { steps: cfg.neGenerations } };
  if (method.objective === 'human_likeness') {
    const dlSteps = Math.max(1, Math.round(method.dlShare * cfg.sgdSteps));
    return { method: { ...method, dlSteps }, budget: { steps: dlSteps + HUMANLIKE_GENERATIONS } };
  }
  const split = splitHybridBudget(method, method.dlShare, cfg.sgdSteps, cfg.neGenerations);
  return { method: split.method, budget: { steps: split.steps } };
}

/**
 * The human-likeness objective of one participant × env: an agent plays HUMANLIKE_EPISODES of the human's training
 * episodes (a window that moves each generation), each from its seed and with its own session/run inputs, and scores
 * 1 − KS(its returns, the human's returns of those episodes). Test episodes are never used.
 */
function humanLikenessObjective(cfg: Exp3Config, data: ParticipantEnvData, withCl: boolean): EpisodeObjective {
  const train = data.split.train;
  const human = train.map((i) => data.episodes[i].rewards.reduce((a, b) => a + b, 0));
  const k = Math.min(HUMANLIKE_EPISODES, train.length);
  return (model, params, generation) => {
    const counter = { steps: 0 };
    const mine: number[] = [];
    const theirs: number[] = [];
    for (let e = 0; e < k; e++) {
      const idx = (generation * k + e) % train.length;
      const ep = train[idx];
      const sr = data.sessionRuns[ep];
      const [r] = playMatchedEpisodes(data.envId, model, params, [data.episodes[ep].seed], {
        ...(withCl ? { cl: { session: sr.sessionValue, run: sr.runValue } } : {}),
        policy: cfg.policy,
        // Common random numbers: every agent of a generation meets the same action-sampling noise.
        rngSeed: cfg.seed * 1_000_003 + generation * 101 + e,
        counter,
      });
      mine.push(r);
      theirs.push(human[idx]);
    }
    return { fitness: humanLikenessFitness(mine, theirs), steps: counter.steps };
  };
}

function trialSpec(cfg: Exp3Config, plan: Exp3TrialPlan, data: ParticipantEnvData, trainRows: number): TrialSpec {
  return {
    experiment: 'exp3',
    id: plan.id,
    envId: plan.envId,
    dataset: `${cfg.data}#${plan.participant}`,
    trainSet: { fraction: 1 - cfg.testFraction, rows: trainRows },
    split: { kind: 'exp3-sessions', testFraction: cfg.testFraction, gapMinutes: cfg.gapMinutes },
    method: exp3Budget(cfg, plan.method).method,
    model: expMlp(data.obsDim + (plan.withCl ? 2 : 0), data.nActions),
    seed: cfg.seed,
    budget: exp3Budget(cfg, plan.method).budget,
    evalPoints: cfg.evalPoints,
    evalEpisodes: 0,
    checkpointEvery: 2,
    withCl: plan.withCl,
    ...(cfg.backend !== 'cpu' ? { backend: cfg.backend } : {}),
  };
}

/** Asked to stop before a trial started: nothing to checkpoint. */
class StoppedBetweenTrials extends EvoscaleError {
  constructor() {
    super('stopped between trials', 'STOPPED');
  }
}

/** How experiment 3 is asked to stop: read after every step of the running trial and before each trial starts. */
export interface Exp3StopOptions {
  /** True stops the run: the running trial checkpoints at its next step, no other trial starts. */
  shouldStop?: () => boolean;
}

/** Trains and evaluates the models of one participant × env (resuming finished or checkpointed trials). */
export function runPair(
  cfg: Exp3Config,
  data: ParticipantEnvData,
  dir: string,
  opts: Pick<RunExperimentOptions, 'resume' | 'progress' | 'workers'> & {
    backend?: LoadedBackend;
  } & Exp3StopOptions,
): Exp3PairResult {
  const human = testEpisodes(data);
  const cl = medianTestCl(data);
  const models: Exp3ModelResult[] = [];
  const rows = { train: 0, test: 0 };
  for (const plan of planPair(cfg, data.participant, data.envId)) {
    const train = labelledRows(data, data.split.train, plan.withCl);
    const test = labelledRows(data, data.split.test, plan.withCl);
    rows.train = train.n;
    rows.test = test.n;
    const spec = trialSpec(cfg, plan, data, train.n);
    const tdir: TrialFolder = new TrialDirectory(join(dir, 'trials', plan.id));
    if (opts.shouldStop?.() === true && tdir.summary() === undefined) throw new StoppedBetweenTrials();
    const summary: TrialSummary = runTrial(spec, { train, test }, tdir, {
      resume: opts.resume,
      ...(opts.shouldStop !== undefined ? { shouldStop: opts.shouldStop } : {}),
      ...(opts.backend !== undefined ? { backend: opts.backend } : {}),
      // Trials run one at a time here: a GA/ES generation splits its population over every thread.
      threads: Math.max(1, opts.workers ?? availableParallelism()),
      ...(plan.method.kind === 'hybrid' && plan.method.objective === 'human_likeness'
        ? { episodeObjective: humanLikenessObjective(cfg, data, plan.withCl) }
        : {}),
      onProgress: (d, t) => opts.progress.update(plan.id, d, t),
    });
    const params = tdir.readFinalParams();
    if (!params) throw new Error(`${tdir.dir}: final_params.f32 missing after training`);
    const returns = playMatchedEpisodes(data.envId, spec.model, params, human.seeds, {
      ...(plan.withCl ? { cl } : {}),
      policy: cfg.policy,
      rngSeed: cfg.seed,
    });
    const cmp = compareWithHuman(returns, human.returns);
    // The learning curve the model has absorbed: the same seeds played as if in the first and in the last session.
    const at = (session: number): number => {
      const r = playMatchedEpisodes(data.envId, spec.model, params, human.seeds, {
        cl: { session, run: 0 },
        policy: cfg.policy,
        rngSeed: cfg.seed,
      });
      return r.reduce((a, b) => a + b, 0) / r.length;
    };
    const temporal = plan.withCl ? { firstSession: at(-1), lastSession: at(1) } : undefined;
    writeJsonAtomic(join(tdir.dir, 'matched.json'), {
      seeds: human.seeds,
      returns,
      humanReturns: human.returns,
      cl: plan.withCl ? cl : null,
      policy: cfg.policy,
      ...cmp,
    });
    models.push({
      id: plan.id,
      variant: plan.variant,
      baseMethod: plan.method.name,
      withCl: plan.withCl,
      returns,
      ...cmp,
      testMacroF1: summary.final.testMacroF1,
      testLoss: summary.final.testLoss,
      testActionMatch: summary.final.testActionMatch,
      steps: summary.steps,
      wallSeconds: summary.wallSeconds,
      backend: summary.backend ?? 'cpu',
      ...(temporal ? { temporal } : {}),
    });
    opts.progress.finishTrial(
      plan.id,
      `return ${cmp.meanReturn.toFixed(1)} vs human ${cmp.humanMeanReturn.toFixed(1)} (${cmp.pctDiff.toFixed(1)}%${cmp.marker ? ' ' + cmp.marker : ''}), test macro-F1 ${summary.final.testMacroF1.toFixed(3)}`,
    );
  }
  const sessions = new Map<number, number[]>();
  data.episodes.forEach((e, i) => {
    const s = data.sessionRuns[i].session;
    const r = e.rewards.reduce((a, b) => a + b, 0);
    const list = sessions.get(s);
    if (list) list.push(r);
    else sessions.set(s, [r]);
  });
  return {
    participant: data.participant,
    envId: data.envId,
    synthetic: data.synthetic,
    episodes: data.episodes.length,
    sessions: sessions.size,
    trainEpisodes: data.split.train.length,
    testEpisodes: data.split.test.length,
    trainRows: rows.train,
    testRows: rows.test,
    testSeeds: human.seeds,
    humanReturns: human.returns,
    humanMeanReturn: human.returns.reduce((a, b) => a + b, 0) / human.returns.length,
    humanSessionMeans: [...sessions.keys()]
      .sort((a, b) => a - b)
      .map((s) => {
        const v = sessions.get(s)!;
        return v.reduce((a, b) => a + b, 0) / v.length;
      }),
    medianCl: cl,
    models,
  };
}

/** Number of trials `cfg` will run on these episodes (for progress). */
export function countExp3Trials(cfg: Exp3Config, episodes: readonly HumanEpisode[]): number {
  return exp3Pairs(cfg, episodes).length * cfg.methods.length * 2;
}

/** Runs experiment 3 end to end: data, trials, matched episodes, statistics, figures, aggregate.json, report.md. */
export async function runExp3(
  cfg: Exp3Config,
  opts: RunExperimentOptions & Exp3StopOptions,
  loaded?: { episodes: HumanEpisode[]; source: string },
): Promise<{ dir: string; pairs: Exp3PairResult[] }> {
  validateExp3Config(cfg);
  const dir = join(opts.out, 'exp3');
  const { episodes, source } = loaded ?? loadExp3Episodes(cfg, dir);
  const pairs = exp3Pairs(cfg, episodes);
  writeJsonAtomic(join(dir, 'experiment.json'), {
    experiment: 'exp3',
    command: opts.command,
    config: cfg,
    source,
    pairs,
    trials: pairs.flatMap((p) => planPair(cfg, p.participant, p.envId).map((t) => t.id)),
  });
  const backend = await loadBackend(cfg.backend);
  const signal = opts.signal;
  const asked = opts.shouldStop;
  const shouldStop =
    signal !== undefined || asked !== undefined
      ? (): boolean => signal?.aborted === true || asked?.() === true
      : undefined;
  const results: Exp3PairResult[] = [];
  try {
    for (const p of pairs) {
      const data = prepareParticipantEnv(episodes, p.participant, p.envId, {
        gapMinutes: cfg.gapMinutes,
        testFraction: cfg.testFraction,
      });
      results.push(runPair(cfg, data, dir, { ...opts, backend, ...(shouldStop ? { shouldStop } : {}) }));
    }
  } catch (err) {
    if (!(err instanceof TrialStoppedError || err instanceof StoppedBetweenTrials)) throw err;
    if (err instanceof TrialStoppedError) opts.progress.log(err.message, 'warn');
    const ids = pairs.flatMap((p) => planPair(cfg, p.participant, p.envId).map((t) => t.id));
    const finished = ids.filter((id) => new TrialDirectory(join(dir, 'trials', id)).summary() !== undefined).length;
    const interrupted = err instanceof TrialStoppedError ? [`exp3/${err.trial}`] : [];
    const where = err instanceof TrialStoppedError ? `; ${err.trial} checkpointed where it stopped` : '';
    opts.progress.log(`exp3: stopped with ${finished} of ${ids.length} trials finished${where}`, 'warn');
    throw new SweepInterruptedError(finished, ids.length, interrupted);
  }
  const env = { ...runEnvironment(0), backend: backendsThatRan(results.flatMap((p) => p.models)) };
  await writeExp3Outputs(dir, cfg, source, results, env, opts.command);
  return { dir, pairs: results };
}

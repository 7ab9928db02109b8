import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import { InvalidArgumentError } from '../../shared/errors.js';
import {
  EXP1_DEFAULTS,
  planExp1,
  runExp1,
  type Exp1Config,
  type RunExperimentOptions,
} from '../../experiments/exp1.js';
import { EXP2_DEFAULTS, planExp2, plannedExp2Flops, runExp2, type Exp2Config } from '../../experiments/exp2.js';
import {
  fitnessBatchOf,
  parseFitnessBatch as parseFitnessBatchChoice,
  type FitnessBatch,
} from '../../trials/methods.js';
import { HYBRID_DEFAULTS, planHybrid, runHybrid, type HybridConfig } from '../../experiments/hybrid.js';
import { createProgress } from '../../experiments/progress.js';
import { mergeSettings } from '../../experiments/settings.js';
import { readConfigFile } from '../../config/read.js';
import { Exp1SettingsSchema, Exp2SettingsSchema, HybridSettingsSchema } from '../../shared/config/experiments.js';
import { onShutdown, resumeCommand, startMetrics, stderrLog } from '../../coordinator/launch.js';
import { SweepInterruptedError } from '../../coordinator/sweep/run_sweep.js';
import type { RuntimeMetrics } from '../../metrics/registry.js';
import { remoteTrialExecutor } from '../../coordinator/sweep/executors.js';
import type { TrialExecutor } from '../../trials/executor.js';
import { BACKEND_NAMES, parseBackend } from '../../worker/engine/backends.js';
import { FITNESS_CHOICES, type FitnessChoice } from '../../trials/methods.js';
import { parseFractionList, parseIntOption, parseList, parseNumberList } from '../options.js';
import { claimResultsDir } from '../../experiments/results_dir.js';
import { startServerFromFlags, StoppedError, waitForWorkers } from './coordinator.js';
import { exp2PlannedWork } from '../../experiments/planned_work.js';
import { checkPlanFitsData } from '../../experiments/plan_check.js';
import { bindLogFields, logger, newRunId } from '../../platform/log.js';
import { registerExp3Options, runExp3FromFlags, type Exp3Flags } from './exp3.js';
import {
  registerScalingOptions,
  scalingConfigFromFlags,
  scalingPlanJson,
  SCALING_ONLY_FLAGS,
  type ScalingFlags,
} from './scaling.js';
import { planScaling, runScaling } from '../../experiments/scaling/run.js';

interface RunFlags {
  config?: string;
  dataset?: string;
  env?: string;
  sizes?: string;
  fractions?: string;
  fitnessBatch?: string;
  methods?: string;
  seeds?: string;
  budget?: string;
  sgdSteps?: string;
  budgetSeconds?: string;
  epochs?: string;
  generations?: string;
  datasetSteps?: string;
  backend?: string;
  fitness?: string;
  fitnessTrials?: string;
  fitnessEpisodes?: string;
  out: string;
  resume?: boolean;
  overwrite?: boolean;
  plan?: boolean;
  threads?: string;
  workers?: string;
  coordinator?: string;
  minWorkers: string;
  curveSecret?: string;
  metricsPort?: string;
  /** With --coordinator: where the metrics endpoint listens (default loopback). */
  metricsHost?: string;
  heartbeatMs: string;
  missedHeartbeats: string;
  dlSteps?: string;
  dlShare?: string;
}

interface ExperimentCluster {
  readonly endpoint: string;
  readonly executor: TrialExecutor;
  readonly metrics: RuntimeMetrics;
  close(): Promise<void>;
}

/**
 * With --coordinator, this command becomes the cluster's coordinator: it binds the endpoint, waits for
 * --min-workers, and runs the experiment's trials as sweep trials on whichever workers connect.
 */
async function startCluster(flags: RunFlags, signal: AbortSignal): Promise<ExperimentCluster | undefined> {
  if (flags.coordinator === undefined) return undefined;
  const minWorkers = parseIntOption('--min-workers', flags.minWorkers, 0, 100_000);
  const metricsPort =
    flags.metricsPort !== undefined ? parseIntOption('--metrics-port', flags.metricsPort, 0, 65535) : undefined;
  const { metrics, server: metricsServer } = await startMetrics(metricsPort, stderrLog, flags.metricsHost);
  const server = await startServerFromFlags(
    {
      bind: flags.coordinator,
      out: flags.out,
      placement: 'auto',
      checkpointEvery: '10',
      resume: true,
      minWorkers: flags.minWorkers,
      heartbeatMs: flags.heartbeatMs,
      missedHeartbeats: flags.missedHeartbeats,
      shardTimeout: '86400',
      maxFrameBytes: String(1024 * 1024 * 1024),
      ...(flags.curveSecret !== undefined ? { curveSecret: flags.curveSecret } : {}),
    },
    metrics,
  );
  if (server === undefined) throw new Error('unreachable: --coordinator always binds');
  const close = async (): Promise<void> => {
    await server.close();
    await metricsServer?.close();
  };
  if (minWorkers > 0) {
    stderrLog(
      `run: waiting for ${minWorkers} worker${minWorkers === 1 ? '' : 's'} ` +
        `(start them with: npx evoscale worker --connect ${flags.coordinator.replace('0.0.0.0', '<this host>')})`,
    );
    // A signal ends the wait (StoppedError): nothing has run yet, so there is nothing to save.
    await waitForWorkers(server, minWorkers, true, signal).catch(async (e: unknown) => {
      await close();
      throw e;
    });
  }
  return { endpoint: server.endpoint, executor: remoteTrialExecutor(server), metrics, close };
}

const ints = (name: string, raw: string): number[] =>
  parseNumberList(name, raw).map((v) => {
    if (!Number.isInteger(v) || v < 0) throw new InvalidArgumentError(`${name}: ${v} is not a non-negative integer`);
    return v;
  });

function exp1Config(f: RunFlags): Exp1Config {
  const c = mergeSettings(EXP1_DEFAULTS, f.config ? readConfigFile(f.config, Exp1SettingsSchema) : {});
  if (f.dataset) c.dataset = f.dataset;
  if (f.env) c.envId = f.env;
  if (f.sizes) c.sizes = ints('--sizes', f.sizes);
  if (f.methods) c.methods = parseList('--methods', f.methods);
  if (f.seeds) c.seeds = ints('--seeds', f.seeds);
  if (f.epochs) c.epochs = parseIntOption('--epochs', f.epochs, 1);
  if (f.generations) c.generations = parseIntOption('--generations', f.generations, 1);
  if (f.budget) throw new InvalidArgumentError('exp1 has fixed budgets: use --epochs and --generations');
  if (f.datasetSteps) c.datasetSteps = parseIntOption('--dataset-steps', f.datasetSteps, 1);
  if (f.backend !== undefined) c.backend = parseBackend(f.backend, '--backend');
  return c;
}

function exp2Sizes(raw: string): number[] {
  return ints('--sizes', raw).map((v) => {
    if (v < 1) throw new InvalidArgumentError(`--sizes: ${v} rows cannot train a model; give sizes of at least 1`);
    return v;
  });
}

/** `--fitness-batch text|code|<rows>`. */
function parseFitnessBatch(raw: string): FitnessBatch {
  return parseFitnessBatchChoice(raw);
}

function exp2Config(f: RunFlags): Exp2Config {
  const settings = f.config ? readConfigFile(f.config, Exp2SettingsSchema) : {};
  if (settings.sizes !== undefined && settings.fractions !== undefined) {
    throw new InvalidArgumentError(`${f.config}: 'sizes' and 'fractions' both choose the training sets; keep only one`);
  }
  const c = mergeSettings(EXP2_DEFAULTS, settings);
  if (f.dataset) c.datasets = parseList('--dataset', f.dataset);
  if (f.env) c.envIds = Object.fromEntries(c.datasets.map((d) => [d, f.env as string]));
  if (f.fractions) c.fractions = parseFractionList('--fractions', f.fractions);
  if (f.sizes && f.fractions) {
    throw new InvalidArgumentError('--sizes and --fractions both choose the training sets: give only one');
  }
  if (f.sizes) c.sizes = exp2Sizes(f.sizes);
  // A flag beats the file: --fractions on the command line replaces sizes a --config file set.
  else if (f.fractions) delete c.sizes;
  if (f.fitnessBatch !== undefined) c.fitnessBatch = parseFitnessBatch(f.fitnessBatch);
  if (f.methods) c.methods = parseList('--methods', f.methods);
  if (f.seeds) c.seeds = ints('--seeds', f.seeds);
  if (f.budget) {
    const g = parseIntOption('--budget', f.budget, 1);
    c.sgdSteps = Math.round((g * EXP2_DEFAULTS.sgdSteps) / EXP2_DEFAULTS.neGenerations);
    c.neGenerations = g;
  }
  if (f.sgdSteps) c.sgdSteps = parseIntOption('--sgd-steps', f.sgdSteps, 1);
  if (f.budgetSeconds) {
    const s = Number(f.budgetSeconds);
    if (!(s > 0))
      throw new InvalidArgumentError(`--budget-seconds must be a positive number, got '${f.budgetSeconds}'`);
    c.budgetSeconds = s;
  }
  if (f.datasetSteps) c.datasetSteps = parseIntOption('--dataset-steps', f.datasetSteps, 1);
  if (f.backend !== undefined) c.backend = parseBackend(f.backend, '--backend');
  if (f.dlShare !== undefined) c.dlShare = parseShare(f.dlShare);
  if (f.fitness !== undefined) c.fitness = parseFitnessChoice(f.fitness);
  if (f.fitnessTrials) c.fitnessTrials = parseIntOption('--fitness-trials', f.fitnessTrials, 1, 10_000);
  if (f.fitnessEpisodes) c.fitnessEpisodes = parseIntOption('--fitness-episodes', f.fitnessEpisodes, 1, 10_000);
  return c;
}

function parseShare(raw: string): number {
  const v = Number(raw);
  if (!(v > 0 && v < 1))
    throw new InvalidArgumentError(`--dl-share must be a number in (0, 1), e.g. 0.5; got '${raw}'`);
  return v;
}

function hybridConfig(f: RunFlags): HybridConfig {
  const c = mergeSettings(HYBRID_DEFAULTS, f.config ? readConfigFile(f.config, HybridSettingsSchema) : {});
  if (f.dataset) c.datasets = parseList('--dataset', f.dataset);
  if (f.env) c.envIds = Object.fromEntries(c.datasets.map((d) => [d, f.env as string]));
  if (f.fractions) c.fractions = parseFractionList('--fractions', f.fractions);
  if (f.methods) c.methods = parseList('--methods', f.methods);
  if (f.seeds) c.seeds = ints('--seeds', f.seeds);
  if (f.dlSteps) c.dlSteps = parseIntOption('--dl-steps', f.dlSteps, 1);
  if (f.dlShare !== undefined) c.dlShare = parseShare(f.dlShare);
  if (f.datasetSteps) c.datasetSteps = parseIntOption('--dataset-steps', f.datasetSteps, 1);
  if (f.backend !== undefined) c.backend = parseBackend(f.backend, '--backend');
  if (f.fitnessBatch !== undefined) c.fitnessBatch = parseFitnessBatch(f.fitnessBatch);
  return c;
}

function parseFitnessChoice(raw: string): FitnessChoice {
  if (!Object.prototype.hasOwnProperty.call(FITNESS_CHOICES, raw)) {
    throw new InvalidArgumentError(
      `--fitness: '${raw}' is not a fitness; use ${Object.keys(FITNESS_CHOICES).join(' | ')}`,
    );
  }
  return raw as FitnessChoice;
}

const CLUSTER_FLAGS = [
  'coordinator',
  'minWorkers',
  'curveSecret',
  'metricsPort',
  'metricsHost',
  'heartbeatMs',
  'missedHeartbeats',
];
const EXP3_ONLY = ['data', 'participants', 'envs', 'policy', 'synthParticipants', 'synthDays'];
const SCALING_ONLY: readonly string[] = SCALING_ONLY_FLAGS;

/** Flags each experiment ignores: given on the command line, they are refused rather than silently dropped. */
const NOT_FOR: Record<'exp1' | 'exp2' | 'exp3' | 'scaling' | 'hybrid', readonly string[]> = {
  exp1: [
    'fractions',
    'fitnessBatch',
    'budget',
    'sgdSteps',
    'budgetSeconds',
    'dlSteps',
    'dlShare',
    'fitness',
    'fitnessTrials',
    'fitnessEpisodes',
    ...EXP3_ONLY,
    ...SCALING_ONLY,
  ],
  exp2: ['epochs', 'generations', 'dlSteps', ...EXP3_ONLY, ...SCALING_ONLY],
  scaling: [
    'fractions',
    'budget',
    'sgdSteps',
    'epochs',
    'generations',
    'dlSteps',
    'fitness',
    'fitnessTrials',
    'fitnessEpisodes',
    ...EXP3_ONLY,
  ],
  hybrid: [
    'sizes',
    'budget',
    'sgdSteps',
    'budgetSeconds',
    'epochs',
    'generations',
    'fitness',
    'fitnessTrials',
    'fitnessEpisodes',
    ...EXP3_ONLY,
    ...SCALING_ONLY,
  ],
  exp3: [
    'dataset',
    'sizes',
    'fractions',
    'fitnessBatch',
    'budgetSeconds',
    'epochs',
    'datasetSteps',
    'threads',
    'workers',
    'dlSteps',
    'dlShare',
    'fitness',
    'fitnessTrials',
    'fitnessEpisodes',
    ...CLUSTER_FLAGS,
    ...SCALING_ONLY,
  ],
};

const flagName = (attr: string): string => '--' + attr.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

/**
 * Refuses flags typed on the command line (not defaults, not EVOSCALE_* variables, which a deployment may set for
 * every command) that `experiment` would ignore, and cluster flags without --coordinator.
 */
export function refuseInapplicableFlags(
  experiment: 'exp1' | 'exp2' | 'exp3' | 'scaling' | 'hybrid',
  cmd: Command,
): void {
  const typed = (attr: string): boolean => cmd.getOptionValueSource(attr) === 'cli';
  const bad = NOT_FOR[experiment].filter(typed);
  if (bad.length > 0) {
    throw new InvalidArgumentError(
      `${bad.map(flagName).join(', ')} ${bad.length === 1 ? 'does' : 'do'} not apply to ${experiment}; ` +
        `drop ${bad.length === 1 ? 'it' : 'them'} (see \`npx evoscale run --help\` for which flag goes with which experiment)`,
    );
  }
  if (cmd.getOptionValue('coordinator') === undefined) {
    const orphans = CLUSTER_FLAGS.slice(1).filter(typed);
    if (orphans.length > 0) {
      throw new InvalidArgumentError(
        `${orphans.map(flagName).join(', ')} only apply with --coordinator <endpoint>; add it or drop them`,
      );
    }
  }
  if (typed('threads') && typed('workers')) {
    throw new InvalidArgumentError('--workers is the old name of --threads: give only --threads');
  }
}

/** `evoscale run exp1|exp2`: runs an experiment of the proposal end to end on this machine. */
export function registerRunCommand(program: Command): void {
  const run = program
    .command('run')
    .description(
      'Run experiment 1, 2 or 3 of the research proposal, the scaling study or the hybrid experiment: trials, results/, figures and report.md',
    )
    .argument('<experiment>', 'exp1 | exp2 | exp3 | scaling | hybrid')
    .option(
      '--config <file>',
      'JSON or YAML file with any of the settings below (flags override it); schemas/<exp>.schema.json lists them',
    )
    .option(
      '--dataset <ref>',
      "dataset: 'cartpole' | 'lunarlander' | <file.jsonl|.parquet> | hf:<owner>/<name> (exp2: comma-separated list; default exp1 cartpole, exp2 cartpole)",
    )
    .option('--env <id>', 'environment id of a dataset file (built-in datasets know theirs)')
    .option(
      '--sizes <list>',
      `training-set sizes in rows (exp1 default ${EXP1_DEFAULTS.sizes.join(',')}; exp2: instead of --fractions, ` +
        "tested on the held-out 10%; the proposal's script ran --sizes 100,1000,10000,100000)",
    )
    .option('--fractions <list>', 'exp2 training fractions of the whole dataset (default 0.9,0.3,0.1)')
    .option(
      '--fitness-batch <rows|text|code>',
      "exp2, hybrid, scaling: rows scoring each NE agent (GA/ES, and every hybrid's evolution phase) per generation: " +
        "text = the SGD batch, 32 (default, the proposal's text); code = min(3200, training rows) (the proposal's code); or a number",
    )
    .option('--methods <list>', 'methods to run (default: all of the experiment; see --plan for names)')
    .option(
      '--seeds <list>',
      `seeds; each draws its own split, initialisation and minibatch order; results are aggregated as mean ± 95% CI (default exp1 ${EXP1_DEFAULTS.seeds.join(',')}, exp2 ${EXP2_DEFAULTS.seeds.join(',')})`,
    )
    .option(
      '--budget <generations>',
      `exp2 step budget: NE generations per trial; SGD steps scale with it (default ${EXP2_DEFAULTS.neGenerations} gens / ${EXP2_DEFAULTS.sgdSteps} steps)`,
    )
    .option('--sgd-steps <n>', 'exp2 SGD steps per trial (overrides the scaling of --budget)')
    .option(
      '--budget-seconds <s>',
      'exp2: give every trial exactly this much wall-clock time instead (not bit-reproducible)',
    )
    .option(
      '--dl-steps <n>',
      `hybrid: Adam steps of the DL phase every hybrid continues from (default ${HYBRID_DEFAULTS.dlSteps})`,
    )
    .option(
      '--dl-share <x>',
      `hybrid, and hybrid methods in exp2 and scaling: the DL phase's share of the budget, in (0, 1) (default ${HYBRID_DEFAULTS.dlShare})`,
    )
    .option('--epochs <n>', `exp1 DL epochs (default ${EXP1_DEFAULTS.epochs})`)
    .option('--generations <n>', `exp1 GA generations (default ${EXP1_DEFAULTS.generations})`)
    .option('--dataset-steps <n>', 'rows of a built-in dataset (default: 500000 cartpole / 384000 lunarlander)')
    .option(
      '--fitness <kind>',
      'exp2: fitness of every NE method instead of its own: ce | f1 (sampled macro-F1) | f1_exact (argmax macro-F1) | accuracy | return (episode return in the env)',
    )
    .option('--fitness-trials <n>', "exp2: sampling trials of 'f1' fitness (default 10, the proposal's)")
    .option('--fitness-episodes <n>', "exp2: episodes per agent and generation of 'return' fitness (default 3)")
    .option(
      '--backend <name>',
      `where SGD steps and NE fitness run: ${BACKEND_NAMES.join(' | ')} (default cpu, bit-reproducible; ` +
        'auto = tfjs-node-gpu > tfjs-node > cpu, whichever is installed; reports name the backend that ran)',
    )
    .option('--out <dir>', 'results folder', 'results')
    .option('--resume', 'continue an interrupted run: finished trials are kept, others resume from their checkpoint')
    .option('--overwrite', "delete this experiment's results in --out and start over (needed when it holds results)")
    .option('--plan', 'print the trials (and exp1 planned FLOPs) as JSON without training')
    .option('--threads <n>', `worker threads (default: one per core, ${availableParallelism()} here; 0 = inline)`)
    // The old name of --threads, kept so existing scripts run; `coordinator` and `worker` call it --threads too.
    .addOption(new Option('--workers <n>').hideHelp())
    .option(
      '--coordinator <endpoint>',
      'run the trials on a cluster: bind this ZeroMQ endpoint (e.g. tcp://0.0.0.0:5555) as the coordinator; ' +
        'workers join with `evoscale worker --connect tcp://<this host>:5555` (exp1/exp2)',
    )
    .option('--min-workers <n>', 'with --coordinator: wait for this many workers before starting', '1')
    .option('--curve-secret <file>', 'with --coordinator: CURVE secret key file (see `evoscale keys generate`)')
    .option(
      '--metrics-port <port>',
      'with --coordinator: serve Prometheus metrics on http://<metrics-host>:<port>/metrics',
    )
    .option(
      '--metrics-host <address>',
      'with --coordinator: address the metrics endpoint listens on (default 127.0.0.1)',
    )
    .option('--heartbeat-ms <ms>', 'with --coordinator: heartbeat interval with workers', '1000')
    .option('--missed-heartbeats <n>', 'with --coordinator: heartbeats a worker may miss before its trial moves', '5');
  registerScalingOptions(run);
  type Flags = RunFlags & Exp3Flags & ScalingFlags;
  registerExp3Options(run).action(async (experiment: string, flags: Flags, cmd: Command) => {
    if (
      experiment !== 'exp1' &&
      experiment !== 'exp2' &&
      experiment !== 'exp3' &&
      experiment !== 'scaling' &&
      experiment !== 'hybrid'
    ) {
      throw new InvalidArgumentError(`unknown experiment '${experiment}'; use exp1, exp2, exp3, scaling or hybrid`);
    }
    refuseInapplicableFlags(experiment, cmd);
    bindLogFields({ runId: newRunId(experiment) });
    if (flags.plan && (flags.resume || flags.overwrite)) {
      throw new InvalidArgumentError('--plan writes nothing: drop --resume/--overwrite');
    }
    const claim = (): (() => void) =>
      claimResultsDir(flags.out, experiment, { resume: flags.resume ?? false, overwrite: flags.overwrite ?? false });
    if (experiment === 'exp3') {
      if (flags.coordinator !== undefined) {
        throw new InvalidArgumentError(
          'experiment 3 runs on this machine only (its trials are small); drop --coordinator',
        );
      }
      const release = flags.plan ? undefined : claim();
      try {
        if (flags.plan) await runExp3FromFlags(flags);
        else await stoppable({ close: () => {} }, (signal) => runExp3FromFlags(flags, undefined, signal));
      } finally {
        release?.();
      }
      return;
    }
    const threadsRaw = flags.threads ?? flags.workers;
    const workers =
      threadsRaw !== undefined
        ? parseIntOption(flags.threads !== undefined ? '--threads' : '--workers', threadsRaw, 0, 256)
        : availableParallelism();
    if (flags.coordinator !== undefined && flags.plan) {
      throw new InvalidArgumentError('--plan prints the trials without running them; drop --coordinator');
    }
    const command = `npx evoscale ${process.argv.slice(2).join(' ')}`;
    if (experiment === 'scaling') {
      const { preset, config } = scalingConfigFromFlags(flags);
      if (flags.plan) {
        process.stdout.write(scalingPlanJson(preset, config));
        return;
      }
      const progress = createProgress(planScaling(config).map((p) => ({ id: p.spec.id, weight: p.plannedFlops })));
      await runHoldingOut(flags, claim(), progress, workers, command, 'scaling study', (o) =>
        runScaling(config, { ...o, preset }),
      );
      return;
    }
    if (experiment === 'exp1') {
      const cfg = exp1Config(flags);
      // Sizes that do not fit the dataset are refused now, not by every trial once the run is under way.
      await checkPlanFitsData(planExp1(cfg).map((p) => p.spec));
      if (flags.plan) {
        const plan = planExp1(cfg);
        process.stdout.write(
          JSON.stringify(
            {
              experiment: 'exp1',
              config: cfg,
              trials: plan.map((p) => ({
                id: p.spec.id,
                method: p.spec.method.name,
                trainSize: p.spec.trainSet.size,
                seed: p.spec.seed,
                splitSeed: p.spec.split.kind === 'exp1' ? p.spec.split.seed : undefined,
                steps: p.spec.budget.steps,
                plannedFlops: p.plannedFlops,
              })),
              totalPlannedFlops: plan.reduce((a, p) => a + p.plannedFlops, 0),
            },
            null,
            2,
          ) + '\n',
        );
        return;
      }
      const progress = createProgress(
        planExp1(cfg).map((p) => ({ id: p.spec.id, weight: p.plannedFlops })),
        process.stderr,
        Date.now,
        logger(),
      );
      await runHoldingOut(flags, claim(), progress, workers, command, 'experiment 1', (o) => runExp1(cfg, o));
      return;
    }
    if (experiment === 'hybrid') {
      const cfg = hybridConfig(flags);
      const plan = planHybrid(cfg);
      if (flags.plan) {
        process.stdout.write(
          JSON.stringify(
            {
              experiment: 'hybrid',
              config: cfg,
              trials: plan.map((p) => ({
                id: p.spec.id,
                method: p.spec.method.name,
                role: p.role,
                dataset: p.spec.dataset,
                fraction: p.spec.trainSet.fraction,
                seed: p.spec.seed,
                budget: p.spec.budget,
                dlSteps: p.spec.method.kind === 'hybrid' ? p.spec.method.dlSteps : undefined,
                fitnessBatch: fitnessBatchOf(p.spec.method),
                plannedFlops: p.plannedFlops,
              })),
            },
            null,
            2,
          ) + '\n',
        );
        return;
      }
      const progress = createProgress(plan.map((p) => ({ id: p.spec.id, weight: p.plannedFlops })));
      await runHoldingOut(flags, claim(), progress, workers, command, 'hybrid experiment', (o) => runHybrid(cfg, o));
      return;
    }
    const cfg = exp2Config(flags);
    await checkPlanFitsData(planExp2(cfg));
    if (flags.plan) {
      const specs = planExp2(cfg);
      process.stdout.write(
        JSON.stringify(
          {
            experiment: 'exp2',
            config: cfg,
            trials: specs.map((s) => ({
              id: s.id,
              method: s.method.name,
              dataset: s.dataset,
              ...(s.trainSet.size !== undefined ? { size: s.trainSet.size } : { fraction: s.trainSet.fraction }),
              ...(fitnessBatchOf(s.method) !== undefined ? { fitnessBatch: fitnessBatchOf(s.method) } : {}),
              seed: s.seed,
              budget: s.budget,
              plannedFlops: plannedExp2Flops(s),
            })),
          },
          null,
          2,
        ) + '\n',
      );
      return;
    }
    const progress = createProgress(exp2PlannedWork(planExp2(cfg), EXP2_DEFAULTS), process.stderr, Date.now, logger());
    await runHoldingOut(flags, claim(), progress, workers, command, 'experiment 2', (o) => runExp2(cfg, o));
  });
}

/**
 * Runs an experiment on this machine or, with --coordinator, on a cluster, while holding the results folder's lock
 * (`release` frees it whatever happens), stoppable by SIGINT/SIGTERM; prints where its report is.
 */
async function runHoldingOut(
  flags: RunFlags,
  release: () => void,
  progress: ReturnType<typeof createProgress>,
  workers: number,
  command: string,
  label: string,
  run: (opts: RunExperimentOptions) => Promise<{ dir: string }>,
): Promise<void> {
  try {
    await stoppable(progress, async (signal) => {
      const cluster = await startCluster(flags, signal);
      try {
        const { dir } = await run({
          out: flags.out,
          resume: flags.resume ?? false,
          workers: cluster?.executor.capacity() ?? workers,
          progress,
          command,
          signal,
          ...(cluster !== undefined ? { cluster } : {}),
        });
        progress.close();
        process.stdout.write(`${label} done: ${dir}/report.md\n`);
      } finally {
        await cluster?.close();
      }
    });
  } finally {
    release();
  }
}

/**
 * Runs `work` so that SIGINT/SIGTERM stop it cleanly: no trial starts after the signal, threads and sockets are
 * closed, the command that resumes is printed, and the process exits with 130/143 (see onShutdown). Finished
 * trials are kept; unfinished ones continue from their last checkpoint.
 */
async function stoppable(progress: { close(): void }, work: (signal: AbortSignal) => Promise<void>): Promise<void> {
  let finished: () => void = () => {};
  const wound = new Promise<void>((resolve) => (finished = resolve));
  const shutdown = onShutdown(async (signal) => {
    stderrLog(`run: ${signal}; stopping (a second signal exits at once)`);
    await wound;
  });
  try {
    await work(shutdown.signal);
  } catch (err) {
    if (!(err instanceof SweepInterruptedError || err instanceof StoppedError)) throw err;
    progress.close();
    process.stderr.write(`evoscale: ${err.message}\nresume with: ${resumeCommand(['--resume'])}\n`);
  } finally {
    finished();
  }
}

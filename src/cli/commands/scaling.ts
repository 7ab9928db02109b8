/**
 * `evoscale run scaling`: the flags the scaling study adds to the run command, its configuration (flags over the
 * `--config` file over the `--preset`) and its `--plan`.
 */
import { Option, type Command } from 'commander';
import { InvalidArgumentError } from '../../shared/errors.js';
import { readConfigFile } from '../../config/read.js';
import { mergeSettings } from '../../experiments/settings.js';
import { scalingPreset } from '../../experiments/scaling/presets.js';
import { planScaling, SCALING_METHODS } from '../../experiments/scaling/plan.js';
import { fitnessBatchOf, parseFitnessBatch } from '../../trials/methods.js';
import {
  SCALING_PRESETS,
  ScalingSettingsSchema,
  type ScalingConfig,
  type ScalingPreset,
} from '../../shared/config/scaling.js';
import { parseBackend } from '../../worker/engine/backends.js';
import { parseIntOption, parseList, parseNumberList } from '../options.js';

/** The flags `run scaling` reads. */
export interface ScalingFlags {
  preset?: string;
  config?: string;
  dataset?: string;
  env?: string;
  sizes?: string;
  widths?: string;
  depths?: string;
  activation?: string;
  methods?: string;
  seeds?: string;
  trialFlops?: string;
  budgetSeconds?: string;
  episodes?: string;
  datasetSteps?: string;
  backend?: string;
  fitnessBatch?: string;
  dlShare?: string;
}

/** Flags only the scaling study reads (the other experiments refuse them). */
export const SCALING_ONLY_FLAGS = ['preset', 'widths', 'depths', 'activation', 'trialFlops', 'episodes'] as const;

/** Adds the scaling study's flags to the run command. */
export function registerScalingOptions(run: Command): Command {
  return run
    .addOption(
      new Option('--preset <name>', 'scaling: grid and budget preset (laptop = default, ≤ 20 min on 2 cores)').choices([
        ...SCALING_PRESETS,
      ]),
    )
    .option('--widths <list>', 'scaling: hidden-layer widths, e.g. 4,16,64,256')
    .option('--depths <list>', 'scaling: numbers of hidden layers, e.g. 1,2,3')
    .option('--activation <name>', 'scaling: hidden activation, tanh or relu')
    .option('--trial-flops <n>', 'scaling: training FLOPs of every trial, e.g. 1e9')
    .option('--episodes <n>', 'scaling: greedy episodes at every evaluation point, for the return gap (0 = none)');
}

const ints = (name: string, raw: string, min: number): number[] =>
  parseNumberList(name, raw).map((v) => {
    if (!Number.isInteger(v) || v < min) throw new InvalidArgumentError(`${name}: ${v} is not an integer ≥ ${min}`);
    return v;
  });

/** The study's configuration and preset name: flags over the --config file over the preset. */
export function scalingConfigFromFlags(f: ScalingFlags): { preset: ScalingPreset; config: ScalingConfig } {
  const preset = (f.preset ?? 'laptop') as ScalingPreset;
  const c = mergeSettings(scalingPreset(preset), f.config ? readConfigFile(f.config, ScalingSettingsSchema) : {});
  if (f.dataset) c.datasets = parseList('--dataset', f.dataset);
  if (f.env) c.envIds = Object.fromEntries(c.datasets.map((d) => [d, f.env as string]));
  if (f.sizes) c.sizes = ints('--sizes', f.sizes, 1);
  if (f.widths) c.widths = ints('--widths', f.widths, 1);
  if (f.depths) c.depths = ints('--depths', f.depths, 1);
  if (f.activation) {
    if (f.activation !== 'tanh' && f.activation !== 'relu')
      throw new InvalidArgumentError(`--activation must be tanh or relu, got '${f.activation}'`);
    c.activation = f.activation;
  }
  if (f.methods) c.methods = parseList('--methods', f.methods);
  if (f.seeds) c.seeds = ints('--seeds', f.seeds, 0);
  if (f.trialFlops) {
    const v = Number(f.trialFlops);
    if (!(v > 0 && Number.isFinite(v)))
      throw new InvalidArgumentError(`--trial-flops must be a positive number such as 1e9, got '${f.trialFlops}'`);
    c.trialFlops = v;
  }
  if (f.budgetSeconds) {
    const s = Number(f.budgetSeconds);
    if (!(s > 0))
      throw new InvalidArgumentError(`--budget-seconds must be a positive number, got '${f.budgetSeconds}'`);
    c.budgetSeconds = s;
  }
  if (f.episodes) c.episodes = parseIntOption('--episodes', f.episodes, 0, 100_000);
  if (f.datasetSteps) c.datasetSteps = parseIntOption('--dataset-steps', f.datasetSteps, 1);
  if (f.backend !== undefined) c.backend = parseBackend(f.backend, '--backend');
  if (f.fitnessBatch !== undefined) c.fitnessBatch = parseFitnessBatch(f.fitnessBatch);
  if (f.dlShare !== undefined) {
    const v = Number(f.dlShare);
    if (!(f.dlShare.trim() !== '' && v > 0 && v < 1))
      throw new InvalidArgumentError(`--dl-share must be a number in (0, 1), e.g. 0.5; got '${f.dlShare}'`);
    c.dlShare = v;
  }
  return { preset, config: c };
}

/** What `run scaling --plan` prints: the configuration, every trial with its planned FLOPs, and the totals. */
export function scalingPlanJson(preset: string, cfg: ScalingConfig): string {
  const plan = planScaling(cfg);
  return (
    JSON.stringify(
      {
        experiment: 'scaling',
        preset,
        config: cfg,
        methods: Object.keys(SCALING_METHODS),
        trials: plan.map((p) => ({
          id: p.spec.id,
          method: p.spec.method.name,
          dataset: p.spec.dataset,
          trainSize: p.size,
          hidden: p.spec.model.hidden,
          params: p.params,
          seed: p.spec.seed,
          budget: p.spec.budget,
          ...(fitnessBatchOf(p.spec.method) !== undefined ? { fitnessBatch: fitnessBatchOf(p.spec.method) } : {}),
          ...(p.spec.method.kind === 'hybrid'
            ? { dlShare: p.spec.method.dlShare, dlSteps: p.spec.method.dlSteps }
            : {}),
          plannedFlops: p.plannedFlops,
        })),
        trialCount: plan.length,
        totalPlannedFlops: plan.reduce((a, p) => a + p.plannedFlops, 0),
      },
      null,
      2,
    ) + '\n'
  );
}

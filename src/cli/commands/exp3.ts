/**
 * `evoscale run exp3`: the flags experiment 3 adds to the run command, and the action that runs it.
 * The run command wires it in: `registerExp3Options(runCommand)` and, for experiment 'exp3',
 * `await runExp3FromFlags(flags)`.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from '../../shared/errors.js';
import { EXP3_DEFAULTS, validateExp3Config, type Exp3Config } from '../../experiments/exp3/config.js';
import { countExp3Trials, loadExp3Episodes } from '../../experiments/exp3/run.js';
import { runExp3InThread } from '../../experiments/exp3/in_thread.js';
import { createProgress } from '../../experiments/progress.js';
import { join } from 'node:path';
import { parseBackend } from '../../worker/engine/backends.js';
import { parseIntOption, parseList } from '../options.js';
import { logger } from '../../platform/log.js';
import { readConfigFile } from '../../config/read.js';
import { Exp3SettingsSchema } from '../../shared/config/experiments.js';
import { mergeSettings } from '../../experiments/settings.js';

/** The flags `run exp3` understands (others of the run command are rejected with a hint). */
export interface Exp3Flags {
  config?: string;
  data?: string;
  participants?: string;
  envs?: string;
  env?: string;
  methods?: string;
  seeds?: string;
  budget?: string;
  sgdSteps?: string;
  generations?: string;
  policy?: string;
  synthParticipants?: string;
  synthDays?: string;
  backend?: string;
  out?: string;
  resume?: boolean;
  plan?: boolean;
}

// The same list rule as exp1/exp2: an empty item (`--envs CartPole-v1,,Acrobot-v1`) is refused, not dropped.
const list = (name: string, raw: string): string[] => parseList(name, raw);

/** Experiment 3's configuration: command-line flags over the `--config` file over the defaults. */
export function exp3ConfigFromFlags(f: Exp3Flags): Exp3Config {
  const file = f.config !== undefined ? readConfigFile(f.config, Exp3SettingsSchema) : {};
  const c: Exp3Config = mergeSettings(EXP3_DEFAULTS, { ...file, synthetic: undefined });
  c.synthetic = mergeSettings(EXP3_DEFAULTS.synthetic, file.synthetic);
  if (f.data) c.data = f.data;
  if (f.participants) c.participants = list('--participants', f.participants);
  if (f.envs ?? f.env) c.envs = list(f.envs !== undefined ? '--envs' : '--env', (f.envs ?? f.env) as string);
  if (f.methods) c.methods = list('--methods', f.methods);
  if (f.seeds) {
    const seeds = list('--seeds', f.seeds);
    if (seeds.length !== 1)
      throw new InvalidArgumentError('exp3 takes one seed (--seeds 3); run it again with another --out for more');
    c.seed = parseIntOption('--seeds', seeds[0], 0);
  }
  if (f.budget) {
    c.neGenerations = parseIntOption('--budget', f.budget, 1);
    c.sgdSteps = Math.round((c.neGenerations * EXP3_DEFAULTS.sgdSteps) / EXP3_DEFAULTS.neGenerations);
  }
  if (f.generations) c.neGenerations = parseIntOption('--generations', f.generations, 1);
  if (f.sgdSteps) c.sgdSteps = parseIntOption('--sgd-steps', f.sgdSteps, 1);
  if (f.policy) c.policy = f.policy as Exp3Config['policy'];
  if (f.synthParticipants)
    c.synthetic.participants = parseIntOption('--synth-participants', f.synthParticipants, 1, 100);
  if (f.synthDays) c.synthetic.days = parseIntOption('--synth-days', f.synthDays, 1, 365);
  if (f.backend !== undefined) c.backend = parseBackend(f.backend, '--backend');
  validateExp3Config(c);
  return c;
}

/** Adds experiment 3's own options to the run command. */
export function registerExp3Options(run: Command): Command {
  return run
    .option(
      '--data <dir|synthetic>',
      "exp3: folder of <participant>.jsonl human episodes, or 'synthetic' (default: simulated players)",
    )
    .option('--participants <list>', 'exp3: participants to model (default: all in the data)')
    .option('--envs <list>', 'exp3: environments to model (default: all the participant played)')
    .option('--policy <sample|greedy>', "exp3: how models pick actions in the matched episodes (default 'sample')")
    .option(
      '--synth-participants <n>',
      `exp3 --data synthetic: simulated participants (default ${EXP3_DEFAULTS.synthetic.participants})`,
    )
    .option('--synth-days <n>', `exp3 --data synthetic: simulated days (default ${EXP3_DEFAULTS.synthetic.days})`);
}

/**
 * Runs experiment 3 from the run command's flags; prints the plan with --plan. Aborting `signal` stops it (the
 * running trial checkpoints at its next step; SweepInterruptedError).
 */
export async function runExp3FromFlags(
  flags: Exp3Flags,
  io: { out: { write(s: string): unknown } } = { out: process.stdout },
  signal?: AbortSignal,
): Promise<void> {
  const cfg = exp3ConfigFromFlags(flags);
  const out = flags.out ?? 'results';
  const command = `npx evoscale ${process.argv.slice(2).join(' ')}`;
  const loaded = loadExp3Episodes(cfg, join(out, 'exp3'), !flags.plan);
  const trials = countExp3Trials(cfg, loaded.episodes);
  if (flags.plan) {
    io.out.write(JSON.stringify({ experiment: 'exp3', config: cfg, source: loaded.source, trials }, null, 2) + '\n');
    return;
  }
  const progress = createProgress(trials, process.stderr, Date.now, logger());
  let dir: string;
  try {
    ({ dir } = await runExp3InThread(
      cfg,
      { out, resume: flags.resume ?? false, progress, command, ...(signal !== undefined ? { signal } : {}) },
      loaded,
    ));
  } finally {
    progress.close();
  }
  io.out.write(`experiment 3 done: ${dir}/report.md${cfg.data === 'synthetic' ? ' (synthetic players)' : ''}\n`);
}

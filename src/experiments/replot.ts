/**
 * `evoscale plot <results dir>`: re-renders an experiment's figures, aggregate.json and report.md from the files a
 * run saved (experiment.json, trials' summaries, exp3's aggregate.json), without training anything — after a
 * change to the plots, or on results copied from a cluster.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InvalidArgumentError } from '../shared/errors.js';
import { runEnvironment, type RunEnvironment } from './environment.js';
import { planExp1, writeExp1Outputs, type Exp1Config } from './exp1.js';
import { planExp2, writeExp2Outputs, type Exp2Config } from './exp2.js';
import { writeExp3Outputs } from './exp3/report.js';
import type { Exp3Config } from './exp3/config.js';
import { checkSchema } from '../shared/config/check.js';
import { Exp1ConfigSchema, Exp2ConfigSchema, Exp3ConfigSchema } from '../shared/config/experiments.js';
import type { Exp3PairResult } from './exp3/results.js';
import { readJsonIfExists, TrialDirectory } from '../trials/results.js';
import type { MetricRecord, TrialSummary } from '../trials/trial.js';

interface ExperimentIndex {
  experiment?: string;
  config: unknown;
  trials?: string[];
  command?: string;
}

export interface ReplotResult {
  experiment: 'exp1' | 'exp2' | 'exp3';
  dir: string;
}

function which(dir: string, recorded: string | undefined): ReplotResult['experiment'] {
  const name = recorded ?? basename(dir);
  if (name === 'exp1' || name === 'exp2' || name === 'exp3') return name;
  throw new InvalidArgumentError(
    `${dir}: not an experiment folder; give results/exp1, results/exp2 or results/exp3 (the folder holding experiment.json)`,
  );
}

function summariesOf(dir: string, ids: readonly string[]): TrialSummary[] {
  const missing: string[] = [];
  const out = ids.map((id) => {
    const s = new TrialDirectory<MetricRecord, TrialSummary>(join(dir, 'trials', id)).summary();
    if (s === undefined) missing.push(id);
    return s as TrialSummary;
  });
  if (missing.length > 0) {
    throw new InvalidArgumentError(
      `${dir}: ${missing.length} trial${missing.length === 1 ? ' has' : 's have'} not finished (${missing.slice(0, 5).join(', ')}` +
        `${missing.length > 5 ? ', …' : ''}); finish the run with --resume before plotting`,
    );
  }
  return out;
}

/** Re-renders the outputs of the experiment folder `dir` (results/exp1, results/exp2 or results/exp3). */
export async function replotExperiment(dir: string): Promise<ReplotResult> {
  const index = readJsonIfExists<ExperimentIndex>(join(dir, 'experiment.json'));
  if (index === undefined) {
    throw new InvalidArgumentError(
      `${dir}: experiment.json is missing; give the folder of one experiment (e.g. results/exp1) written by evoscale run`,
    );
  }
  const experiment = which(dir, index.experiment);
  const saved = readJsonIfExists<{ environment?: RunEnvironment }>(join(dir, 'aggregate.json'));
  const env = saved?.environment ?? runEnvironment(0);
  const command =
    index.command ?? `npx evoscale run ${experiment} --config <settings of ${join(dir, 'experiment.json')}>`;
  if (experiment === 'exp1') {
    const cfg: Exp1Config = checkSchema(Exp1ConfigSchema, index.config, `${join(dir, 'experiment.json')}: config`);
    await writeExp1Outputs(
      dir,
      cfg,
      summariesOf(
        dir,
        planExp1(cfg).map((p) => p.spec.id),
      ),
      env,
      command,
    );
  } else if (experiment === 'exp2') {
    const cfg: Exp2Config = checkSchema(Exp2ConfigSchema, index.config, `${join(dir, 'experiment.json')}: config`);
    const specs = planExp2(cfg);
    await writeExp2Outputs(
      dir,
      cfg,
      specs,
      summariesOf(
        dir,
        specs.map((s) => s.id),
      ),
      env,
      command,
    );
  } else {
    const agg = readJsonIfExists<{ config: Exp3Config; source: string; pairs: Exp3PairResult[] }>(
      join(dir, 'aggregate.json'),
    );
    if (agg === undefined || !existsSync(join(dir, 'aggregate.json'))) {
      throw new InvalidArgumentError(`${dir}: aggregate.json is missing; rerun experiment 3 with --resume`);
    }
    const cfg = checkSchema(Exp3ConfigSchema, agg.config, `${join(dir, 'aggregate.json')}: config`);
    await writeExp3Outputs(dir, cfg, agg.source, agg.pairs, env, command);
  }
  return { experiment, dir };
}

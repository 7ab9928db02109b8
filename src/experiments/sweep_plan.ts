/**
 * Sweep files: a grid over experiment × method × dataset × fraction (exp2) or size (exp1) × seed, as JSON or
 * YAML, expanded into the experiments' own trial specs. Validated once, with errors that name the field.
 *
 * ```yaml
 * out: results            # optional; trials go to <out>/<experiment>/<trial-id>/
 * grid:
 *   experiment: [exp2]
 *   method: [sgd, ga_fixed_ce, es_adaptive_f1]
 *   dataset: [cartpole]
 *   fraction: [0.9, 0.1]  # exp2
 *   size: [1000, 3000]    # exp1
 *   seed: [0, 1, 2]
 * settings:               # per experiment, any field of its configuration (budgets, dataset rows, …)
 *   exp2: { neGenerations: 2000, sgdSteps: 60000, backend: cpu }   # backend: cpu | tfjs | tfjs-node | … | auto
 * ```
 */
import { InvalidArgumentError } from '../shared/errors.js';
import { EXP1_DEFAULTS, planExp1, type Exp1Config } from './exp1.js';
import { EXP2_DEFAULTS, planExp2, type Exp2Config } from './exp2.js';
import { mergeSettings } from './settings.js';
import type { SweepPlan, SweepTrial } from '../coordinator/sweep/run_sweep.js';
import type { BackendName } from '../worker/engine/backends.js';
import { checkSchema } from '../shared/config/check.js';
import type { Exp1Settings, Exp2Settings } from '../shared/config/experiments.js';
import { SweepFileSchema, type SweepExperiment, type SweepFile as SweepFileValue } from '../shared/config/sweep.js';
import { readConfigFile } from '../config/read.js';

export type { SweepExperiment };

/** A sweep grid with every axis as a list (a file may give one value for an axis). */
export interface SweepGrid {
  readonly experiment: readonly SweepExperiment[];
  readonly method?: readonly string[];
  readonly dataset?: readonly string[];
  readonly fraction?: readonly number[];
  readonly size?: readonly number[];
  readonly seed?: readonly number[];
}

export interface SweepFile {
  readonly out?: string;
  readonly grid: SweepGrid;
  readonly settings?: { readonly exp1?: Exp1Settings; readonly exp2?: Exp2Settings };
}

const asList = <T>(v: T | T[] | undefined): T[] | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? v : [v];

function normalise(v: SweepFileValue): SweepFile {
  const g = v.grid;
  const grid: SweepGrid = {
    experiment: asList(g.experiment) ?? [],
    method: asList(g.method),
    dataset: asList(g.dataset),
    fraction: asList(g.fraction),
    size: asList(g.size),
    seed: asList(g.seed),
  };
  return {
    ...(v.out !== undefined ? { out: v.out } : {}),
    grid,
    ...(v.settings !== undefined ? { settings: v.settings } : {}),
  };
}

/** Validates a parsed sweep file (schemas/sweep.schema.json); the error names the key, value and expected. */
export function validateSweepFile(value: unknown, where: string): SweepFile {
  return normalise(checkSchema(SweepFileSchema, value, where));
}

/** Reads and validates a sweep file (.json, .yaml or .yml); errors name the file, line and key. */
export function readSweepFile(path: string): SweepFile {
  return normalise(readConfigFile(path, SweepFileSchema, 'sweep file'));
}

// Trial ids start with a letter or digit: a path's leading '/' or './' is dropped, not turned into '_'.
const tag = (s: string): string => s.replace(/[^A-Za-z0-9_-]/g, '_').replace(/^[_-]+/, '');

/**
 * Expands a sweep into trials (exp1 trial ids get their dataset as a prefix, exp2's already carry it).
 * `backend` (the sweep command's --backend) overrides the settings' backend of every experiment.
 */
export function planSweep(file: SweepFile, where: string, outOverride?: string, backend?: BackendName): SweepPlan {
  const trials: SweepTrial[] = [];
  const { grid } = file;
  const over = backend !== undefined ? { backend } : {};
  for (const experiment of grid.experiment) {
    if (experiment === 'exp1') {
      const base = { ...mergeSettings<Exp1Config>(EXP1_DEFAULTS, file.settings?.exp1), ...over };
      if (grid.fraction !== undefined && grid.experiment.length === 1) {
        throw new InvalidArgumentError(`${where}: grid.fraction applies to exp2; exp1 uses grid.size`);
      }
      for (const dataset of grid.dataset ?? [base.dataset]) {
        const cfg: Exp1Config = {
          ...base,
          dataset,
          ...(grid.method !== undefined ? { methods: [...grid.method] } : {}),
          ...(grid.size !== undefined ? { sizes: [...grid.size] } : {}),
          ...(grid.seed !== undefined ? { seeds: [...grid.seed] } : {}),
        };
        for (const p of planExp1(cfg))
          trials.push({ experiment, spec: { ...p.spec, id: `${tag(dataset)}_${p.spec.id}` } });
      }
    } else {
      const base = { ...mergeSettings<Exp2Config>(EXP2_DEFAULTS, file.settings?.exp2), ...over };
      const cfg: Exp2Config = {
        ...base,
        ...(grid.dataset !== undefined ? { datasets: [...grid.dataset] } : {}),
        ...(grid.method !== undefined ? { methods: [...grid.method] } : {}),
        ...(grid.fraction !== undefined ? { fractions: [...grid.fraction] } : {}),
        ...(grid.seed !== undefined ? { seeds: [...grid.seed] } : {}),
      };
      for (const spec of planExp2(cfg)) trials.push({ experiment, spec });
    }
  }
  const seen = new Set<string>();
  for (const t of trials) {
    const key = `${t.experiment}/${t.spec.id}`;
    if (seen.has(key))
      throw new InvalidArgumentError(`${where}: the grid produces trial ${key} twice; remove duplicate values`);
    seen.add(key);
  }
  return { out: outOverride ?? file.out ?? 'results', trials };
}

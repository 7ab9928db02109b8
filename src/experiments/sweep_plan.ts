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
 *   exp2: { neGenerations: 2000, sgdSteps: 60000 }
 * ```
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InvalidArgumentError } from '../shared/errors.js';
import { EXP1_DEFAULTS, planExp1, type Exp1Config } from './exp1.js';
import { EXP2_DEFAULTS, planExp2, type Exp2Config } from './exp2.js';
import { mergeSettings } from './settings.js';
import type { SweepExperiment, SweepPlan, SweepTrial } from '../coordinator/sweep/run_sweep.js';

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
  readonly settings?: { readonly exp1?: Record<string, unknown>; readonly exp2?: Record<string, unknown> };
}

function fail(where: string, field: string, expected: string): never {
  throw new InvalidArgumentError(`${where}: ${field} must be ${expected}`);
}

function list<T>(
  where: string,
  field: string,
  value: unknown,
  item: (v: unknown) => v is T,
  expected: string,
): T[] | undefined {
  if (value === undefined) return undefined;
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0 || !values.every(item)) fail(where, field, `a non-empty list of ${expected}`);
  return values as T[];
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isSeed = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isExperiment = (v: unknown): v is SweepExperiment => v === 'exp1' || v === 'exp2';

/** Validates a parsed sweep file. */
export function validateSweepFile(value: unknown, where: string): SweepFile {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    fail(where, 'the file', 'an object with a "grid"');
  const v = value as Record<string, unknown>;
  for (const k of Object.keys(v))
    if (!['out', 'grid', 'settings'].includes(k)) fail(where, k, 'one of out, grid, settings (unknown field)');
  if (v.out !== undefined && !isString(v.out)) fail(where, 'out', 'a folder path');
  const g = v.grid as Record<string, unknown> | undefined;
  if (g === null || typeof g !== 'object' || Array.isArray(g))
    fail(where, 'grid', 'an object (experiment, method, dataset, fraction, size, seed)');
  for (const k of Object.keys(g)) {
    if (!['experiment', 'method', 'dataset', 'fraction', 'size', 'seed'].includes(k)) {
      fail(where, `grid.${k}`, 'one of experiment, method, dataset, fraction, size, seed (unknown field)');
    }
  }
  const experiment = list(where, 'grid.experiment', g.experiment, isExperiment, '"exp1" or "exp2"');
  if (experiment === undefined) fail(where, 'grid.experiment', 'given (exp1 and/or exp2)');
  const grid: SweepGrid = {
    experiment,
    method: list(where, 'grid.method', g.method, isString, 'method names'),
    dataset: list(where, 'grid.dataset', g.dataset, isString, 'dataset references'),
    fraction: list(where, 'grid.fraction', g.fraction, isNumber, 'numbers in (0, 1)'),
    size: list(where, 'grid.size', g.size, isSeed, 'training-set sizes'),
    seed: list(where, 'grid.seed', g.seed, isSeed, 'non-negative integer seeds'),
  };
  const settings = v.settings as Record<string, unknown> | undefined;
  if (settings !== undefined) {
    if (settings === null || typeof settings !== 'object' || Array.isArray(settings))
      fail(where, 'settings', 'an object keyed by experiment');
    for (const [k, s] of Object.entries(settings)) {
      if (!isExperiment(k)) fail(where, `settings.${k}`, 'exp1 or exp2');
      if (s === null || typeof s !== 'object' || Array.isArray(s))
        fail(where, `settings.${k}`, 'an object of configuration fields');
    }
  }
  return {
    ...(v.out !== undefined ? { out: v.out as string } : {}),
    grid,
    ...(settings !== undefined ? { settings: settings as SweepFile['settings'] } : {}),
  };
}

/** Reads and validates a sweep file (.json, .yaml or .yml). */
export function readSweepFile(path: string): SweepFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InvalidArgumentError(`${path}: cannot read the sweep file (${(e as Error).message})`);
  }
  const ext = extname(path).toLowerCase();
  let value: unknown;
  try {
    value = ext === '.yaml' || ext === '.yml' ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new InvalidArgumentError(`${path}: not valid ${ext === '.json' ? 'JSON' : 'YAML'} (${(e as Error).message})`);
  }
  return validateSweepFile(value, path);
}

const tag = (s: string): string => s.replace(/[^A-Za-z0-9_-]/g, '_');

/** Expands a sweep into trials (exp1 trial ids get their dataset as a prefix, exp2's already carry it). */
export function planSweep(file: SweepFile, where: string, outOverride?: string): SweepPlan {
  const trials: SweepTrial[] = [];
  const { grid } = file;
  for (const experiment of grid.experiment) {
    if (experiment === 'exp1') {
      const base = mergeSettings<Exp1Config>(EXP1_DEFAULTS, file.settings?.exp1, `${where}: settings.exp1`);
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
      const base = mergeSettings<Exp2Config>(EXP2_DEFAULTS, file.settings?.exp2, `${where}: settings.exp2`);
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

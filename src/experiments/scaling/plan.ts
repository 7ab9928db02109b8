/**
 * The scaling study's trials: datasets × training-set sizes × capacities (width × depth) × methods × seeds, each
 * trained to the same compute budget in FLOPs and evaluated at log-spaced points of it, so one trial is a whole
 * compute curve.
 */
import { InvalidArgumentError } from '../../shared/errors.js';
import { paramCount, type MlpSpec } from '../../shared/model/mlp.js';
import { forwardFlopsPerSample, trainFlopsPerSample } from '../../shared/model/flops.js';
import { datasetEnvSpec } from '../../shared/data/envs.js';
import { BUILTIN_DATASETS } from '../../data/builtin.js';
import {
  EXP1_METHODS,
  EXP2_METHODS,
  fitnessBatchRows,
  HYBRID_METHODS,
  resolveMethods,
  withFitnessBatch,
  type HybridMethod,
  type Method,
  type SgdMethod,
} from '../../trials/methods.js';
import { parseBackend } from '../../worker/engine/backends.js';
import type { ScalingConfig } from '../../shared/config/scaling.js';
import type { TrialSpec } from '../../trials/trial.js';

/**
 * Every method the study can run: experiment 2's nine (SGD, GA/ES × σ mode × fitness), experiment 1's two, and Adam
 * on experiment 2's mini-batches of 32, the usual deep-learning baseline of a scaling study.
 */
export const SCALING_METHODS: Readonly<Record<string, Method>> = {
  ...EXP2_METHODS,
  adam: { kind: 'sgd', name: 'adam', optimizer: { kind: 'adam', lr: 1e-3 }, batchSize: 32 },
  ...EXP1_METHODS,
  // The hybrids whose evolution phase evolves the trained network itself (warm start, SM-G); the feature hybrid
  // evolves a head over features, whose FLOPs are only known once its DL phase has run.
  ...Object.fromEntries(Object.entries(HYBRID_METHODS).filter(([, m]) => m.variant !== 'feature')),
};

/** The DL methods' batch: the unit of the 'text' and 'code' fitness-batch presets. */
const SGD_BATCH = (SCALING_METHODS.adam as SgdMethod).batchSize;

/**
 * A listed method as the configuration sets it for a training set of `size` rows: its NE fitness batch (GA/ES, and a
 * hybrid's evolution phase) from `fitnessBatch`, a hybrid's DL share from `dlShare`; absent settings keep the
 * method's own. `tag` names what changed in the trial id ('' when nothing did, so default ids stay as they were).
 */
export function configuredMethod(
  listed: Method,
  cfg: Pick<ScalingConfig, 'fitnessBatch' | 'dlShare'>,
  size: number,
): { method: Method; tag: string } {
  let method = listed;
  let tag = '';
  if (cfg.fitnessBatch !== undefined) {
    const rows = fitnessBatchRows(cfg.fitnessBatch, SGD_BATCH, size);
    method = withFitnessBatch(method, rows);
    if (method !== listed) tag += `_fb${rows}`;
  }
  if (cfg.dlShare !== undefined && method.kind === 'hybrid') {
    if (!(cfg.dlShare > 0 && cfg.dlShare < 1)) {
      throw new InvalidArgumentError(`dlShare must be a number in (0, 1), e.g. 0.5; got ${cfg.dlShare}`);
    }
    if (cfg.dlShare !== method.dlShare) {
      tag += `_dl${Number((cfg.dlShare * 100).toFixed(2))}`.replace('.', 'p');
      method = { ...method, dlShare: cfg.dlShare };
    }
  }
  return { method, tag };
}

export interface ScalingTrial {
  readonly spec: TrialSpec;
  /** Training FLOPs the trial will spend (steps × FLOPs per step; the budget rounded to whole steps). */
  readonly plannedFlops: number;
  /** The grid point, for tables and fits. */
  readonly size: number;
  readonly width: number;
  readonly depth: number;
  readonly params: number;
}

/** Rows a mini-batch holds on average: an epoch's last batch is smaller (e.g. 100 rows in batches 32, 32, 32, 4). */
function meanBatch(batch: number, rows: number): number {
  return rows / Math.ceil(rows / batch);
}

/** Training FLOPs of one SGD step or one NE generation of `method` on `model` with `trainRows` training rows. */
export function flopsPerStep(method: Method, model: MlpSpec, trainRows: number): number {
  if (method.kind === 'sgd') return trainFlopsPerSample(model) * meanBatch(method.batchSize, trainRows);
  if (method.kind === 'hybrid') {
    throw new InvalidArgumentError(`${method.name}: a hybrid has two phases; plan it with hybridSteps`);
  }
  const batch = method.batchSize === 'all' ? trainRows : meanBatch(method.batchSize, trainRows);
  return forwardFlopsPerSample(model) * method.populationSize * batch;
}

/**
 * A hybrid on one FLOPs budget: its DL phase spends `dlShare` of it in SGD steps, its evolution phase the rest in
 * generations (SM-G's sensitivity passes come on top, a few per cent, and are counted in the trial's FLOPs).
 */
function hybridSteps(
  method: HybridMethod,
  model: MlpSpec,
  trainRows: number,
  budget: number,
): { method: HybridMethod; steps: number; plannedFlops: number } {
  const dlPerStep = trainFlopsPerSample(model) * meanBatch(method.dl.batchSize, trainRows);
  const batch = method.ne.batchSize === 'all' ? trainRows : meanBatch(method.ne.batchSize, trainRows);
  const perGeneration = forwardFlopsPerSample(model) * method.ne.populationSize * batch;
  const dlSteps = Math.max(1, Math.round((method.dlShare * budget) / dlPerStep));
  const generations = Math.max(1, Math.round(((1 - method.dlShare) * budget) / perGeneration));
  return {
    method: { ...method, dlSteps },
    steps: dlSteps + generations,
    plannedFlops: dlSteps * dlPerStep + generations * perGeneration,
  };
}

function envOf(cfg: ScalingConfig, dataset: string): { envId: string; obsDim: number; nActions: number } {
  const builtin = BUILTIN_DATASETS[dataset.toLowerCase()];
  const id = builtin?.envId ?? cfg.envIds?.[dataset];
  if (!id) throw new InvalidArgumentError(`dataset '${dataset}': pass --env <id> so the network size is known`);
  const s = datasetEnvSpec(id);
  return { envId: s.id, obsDim: s.obsDim, nActions: s.nActions };
}

function distinct(name: string, values: readonly number[]): void {
  if (new Set(values).size !== values.length) {
    throw new InvalidArgumentError(`${name}: [${values.join(', ')}] lists a value twice; give each once`);
  }
}

const safe = (s: string): string => s.replace(/[^A-Za-z0-9_-]/g, '_');

/** The trials of the study in a fixed order (dataset, size, depth, width, method, seed). */
export function planScaling(cfg: ScalingConfig): ScalingTrial[] {
  const methods = resolveMethods(SCALING_METHODS, cfg.methods);
  const backend = parseBackend(cfg.backend, 'scaling backend');
  distinct('sizes', cfg.sizes);
  distinct('widths', cfg.widths);
  distinct('depths', cfg.depths);
  distinct('seeds', cfg.seeds);
  if (cfg.sizes.length < 1 || cfg.widths.length < 1) throw new InvalidArgumentError('the grid is empty');
  const out: ScalingTrial[] = [];
  for (const dataset of cfg.datasets) {
    const env = envOf(cfg, dataset);
    for (const size of [...cfg.sizes].sort((a, b) => a - b)) {
      for (const depth of [...cfg.depths].sort((a, b) => a - b)) {
        for (const width of [...cfg.widths].sort((a, b) => a - b)) {
          const model: MlpSpec = {
            inputs: env.obsDim,
            hidden: Array.from({ length: depth }, () => width),
            outputs: env.nActions,
            activation: cfg.activation,
          };
          for (const named of methods) {
            const { method: listed, tag } = configuredMethod(named, cfg, size);
            if (listed.kind === 'hybrid' && cfg.budgetSeconds !== undefined) {
              throw new InvalidArgumentError(
                `${listed.name}: a hybrid splits a FLOPs budget between its phases; drop --budget-seconds or the hybrid`,
              );
            }
            const planned =
              listed.kind === 'hybrid'
                ? hybridSteps(listed, model, size, cfg.trialFlops)
                : (() => {
                    const perStep = flopsPerStep(listed, model, size);
                    const n = Math.max(1, Math.round(cfg.trialFlops / perStep));
                    return { method: listed, steps: n, plannedFlops: n * perStep };
                  })();
            const { method, steps } = planned;
            if (steps > 2 ** 31 - 1) {
              throw new InvalidArgumentError(
                `trialFlops ${cfg.trialFlops} gives ${method.name} on ${width}×${depth} ${steps} steps; lower trialFlops`,
              );
            }
            for (const seed of cfg.seeds) {
              out.push({
                plannedFlops: planned.plannedFlops,
                size,
                width,
                depth,
                params: paramCount(model),
                spec: {
                  experiment: 'scaling',
                  id: `${safe(dataset)}_n${size}_w${width}x${depth}_${method.name}${tag}_s${seed}`,
                  envId: env.envId,
                  dataset,
                  ...(cfg.datasetSteps !== undefined ? { datasetSteps: cfg.datasetSteps } : {}),
                  trainSet: { size, rows: size },
                  split: { kind: 'exp1', seed: cfg.splitSeed ?? seed, testSize: cfg.testSize },
                  method,
                  model,
                  seed,
                  budget: cfg.budgetSeconds !== undefined ? { seconds: cfg.budgetSeconds } : { steps },
                  evalPoints: cfg.evalPoints,
                  evalLogDecades: cfg.evalDecades,
                  evalEpisodes: cfg.episodes,
                  ...(cfg.episodes > 0 ? { curveEpisodes: cfg.episodes } : {}),
                  checkpointEvery: 2,
                  ...(backend !== 'cpu' ? { backend } : {}),
                },
              });
            }
          }
        }
      }
    }
  }
  return out;
}

/**
 * Configuration of the scaling study (`evoscale run scaling`) as a schema: a grid over training-set size × model
 * capacity (hidden width × depth) × compute, for any methods, datasets and seeds. Checks that depend on other fields
 * (method names, a size larger than the dataset) stay with the planner.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Backend, fitnessBatchSetting, Name, PositiveInt, Seed, settingsOf } from './values.js';

/** The presets `--preset` picks from; the planner holds their values (src/experiments/scaling/presets.ts). */
export const SCALING_PRESETS = ['laptop', 'workstation', 'cluster'] as const;
export type ScalingPreset = (typeof SCALING_PRESETS)[number];

const positiveList = (description: string) => Type.Array(PositiveInt, { minItems: 1, description });

export const ScalingConfigSchema = Type.Object(
  {
    datasets: Type.Array(Name, { minItems: 1, description: 'Datasets (built-in names, files or hf:<owner>/<name>).' }),
    envIds: Type.Optional(
      Type.Record(Type.String(), Type.String({ minLength: 1 }), {
        description: 'Env id of each dataset that is not built in (inferred for built-ins).',
      }),
    ),
    methods: Type.Array(Name, {
      minItems: 1,
      description: 'Method names: SGD/Adam and every GA/ES variant (`evoscale run scaling --plan` lists them).',
    }),
    sizes: positiveList(
      'Training-set sizes in rows (the data axis), nested: a smaller set is inside every larger one.',
    ),
    widths: positiveList('Hidden-layer widths (the capacity axis, with depths).'),
    depths: Type.Array(Type.Integer({ minimum: 1, maximum: 8 }), {
      minItems: 1,
      description: 'Numbers of hidden layers, each of the same width.',
    }),
    activation: Type.Union([Type.Literal('tanh'), Type.Literal('relu')], { description: 'Hidden-layer activation.' }),
    seeds: Type.Array(Seed, {
      minItems: 1,
      description: 'Seeds; each draws its own split, initialisation and minibatch order (fits bootstrap over them).',
    }),
    trialFlops: Type.Number({
      exclusiveMinimum: 0,
      maximum: 1e21,
      description:
        'Compute budget of every trial in training FLOPs (the compute axis): each method and model gets the steps ' +
        'or generations that spend it, so every trial ends at the same FLOPs.',
    }),
    budgetSeconds: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        description: 'Equal wall-clock seconds per trial instead of FLOPs (not bit-reproducible).',
      }),
    ),
    evalPoints: Type.Integer({
      minimum: 2,
      maximum: 10_000,
      description: 'Evaluations per trial, log-spaced over its budget (the points of its compute curve).',
    }),
    evalDecades: Type.Number({
      exclusiveMinimum: 0,
      maximum: 12,
      description: 'Decades of the budget the evaluation points span, ending at the full budget.',
    }),
    episodes: Type.Integer({
      minimum: 0,
      maximum: 100_000,
      description:
        'Greedy episodes in the env at every evaluation point, for the normalised return gap (0 = no rollouts).',
    }),
    testSize: Type.Integer({
      minimum: 1,
      maximum: 2 ** 31 - 1,
      description: 'Rows held out for testing (the same rows for every size of a seed).',
    }),
    epsilon: Type.Number({
      exclusiveMinimum: 0,
      maximum: 1,
      description:
        'The report says how much data, capacity and compute each method needs to come within ε of its floor.',
    }),
    datasetSteps: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 2 ** 31 - 1,
        description: "Rows of a built-in dataset (default: the source's).",
      }),
    ),
    splitSeed: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: Number.MAX_SAFE_INTEGER,
        description: 'Fix the train/test split to this seed for every trial (default: each seed draws its own).',
      }),
    ),
    backend: Backend,
    fitnessBatch: fitnessBatchSetting(
      "every GA/ES method and every hybrid's evolution phase (default: the methods' own, 32); the steps that spend " +
        'trialFlops count the rows',
    ),
    dlShare: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        exclusiveMaximum: 1,
        description: "Hybrid methods: the DL phase's share of each trial's FLOPs (default 0.5, the methods' own).",
      }),
    ),
  },
  { additionalProperties: false },
);
export type ScalingConfig = Static<typeof ScalingConfigSchema>;

/** A `--config` file of the scaling study: any of its settings over the preset's; flags override it. */
export const ScalingSettingsSchema = settingsOf(ScalingConfigSchema, {
  title: 'evoscale scaling study settings',
  description:
    'Settings of `evoscale run scaling --config <file>` (JSON or YAML), over the --preset; command-line flags override them.',
});
export type ScalingSettings = Static<typeof ScalingSettingsSchema>;

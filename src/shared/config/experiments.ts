/**
 * Configurations of experiments 1–3 as schemas: the TypeScript types, the checks of `--config` files and the
 * published JSON Schema files all come from these. Range checks that depend on other fields (a fraction plus the
 * test fraction at most 1, method names) stay with the experiment's planner.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Backend, fitnessBatchSetting, Name, PositiveInt, Seed, settingsOf } from './values.js';

const Methods = Type.Array(Name, {
  minItems: 1,
  description: 'Method names (see `evoscale run <exp> --plan` or the README for the list).',
});
const Seeds = Type.Array(Seed, {
  minItems: 1,
  description: 'Seeds; each draws its own split, initialisation and minibatch order (a whole replicate).',
});
const SplitSeed = Type.Optional(
  Type.Integer({
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    description:
      'Fix the train/test split to this seed for every trial (default: each seed draws its own split, so ' +
      'repeats are independent replicates of the whole pipeline).',
  }),
);
const DatasetSteps = Type.Optional(
  Type.Integer({
    minimum: 1,
    maximum: 2 ** 31 - 1,
    description: "Rows of a built-in dataset (default: the source's).",
  }),
);

export const Exp1ConfigSchema = Type.Object(
  {
    dataset: Type.String({
      minLength: 1,
      description: "'cartpole' | 'lunarlander' | a .jsonl/.parquet file | hf:<owner>/<name>",
    }),
    envId: Type.String({ minLength: 1, description: 'Environment id of the dataset, e.g. CartPole-v1.' }),
    sizes: Type.Array(PositiveInt, { minItems: 1, description: 'Training-set sizes (rows).' }),
    methods: Methods,
    seeds: Seeds,
    epochs: Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1, description: 'Adam epochs.' }),
    generations: Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1, description: 'GA generations.' }),
    testSize: Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1, description: 'Held-out test rows.' }),
    evalEpisodes: Type.Integer({
      minimum: 0,
      maximum: 2 ** 31 - 1,
      description: 'Episodes of greedy play in the env at the end of each trial (0 = none).',
    }),
    datasetSteps: DatasetSteps,
    splitSeed: SplitSeed,
    backend: Backend,
  },
  { additionalProperties: false },
);
export type Exp1Config = Static<typeof Exp1ConfigSchema>;

export const Exp2ConfigSchema = Type.Object(
  {
    datasets: Type.Array(Name, { minItems: 1, description: 'Datasets (built-in names, files or hf:<owner>/<name>).' }),
    envIds: Type.Optional(
      Type.Record(Type.String(), Type.String({ minLength: 1 }), {
        description: 'Env id of each dataset that is not built in (inferred for built-ins).',
      }),
    ),
    fractions: Type.Array(Type.Number({ exclusiveMinimum: 0, maximum: 1 }), {
      minItems: 1,
      description: 'Training fractions of the whole dataset, e.g. [0.9, 0.3, 0.1].',
    }),
    sizes: Type.Optional(
      Type.Array(PositiveInt, {
        minItems: 1,
        description:
          "Absolute training sizes (rows) instead of fractions, tested on the held-out share: the proposal's " +
          'script ran [100, 1000, 10000, 100000]. When given, `fractions` is not used.',
      }),
    ),
    fitnessBatch: Type.Optional(
      Type.Union([Type.Literal('text'), Type.Literal('code'), Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 })], {
        description:
          "Rows that score each NE agent per generation: 'text' (default) = the SGD batch (32), as the " +
          "proposal's text says; 'code' = min(100 × the SGD batch, training rows), as the proposal's code " +
          'ran it; or a number of rows.',
      }),
    ),
    methods: Methods,
    seeds: Seeds,
    sgdSteps: Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1, description: 'Steps per SGD trial.' }),
    neGenerations: Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1, description: 'Generations per NE trial.' }),
    budgetSeconds: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        description: 'Equal wall-clock seconds per trial instead of steps (not bit-reproducible).',
      }),
    ),
    evalPoints: Type.Integer({ minimum: 1, maximum: 100_000, description: 'Test-set evaluations per trial.' }),
    testFraction: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, description: 'Held-out share.' }),
    datasetSteps: DatasetSteps,
    splitSeed: SplitSeed,
    backend: Backend,
    dlShare: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        exclusiveMaximum: 1,
        description: "Hybrid methods: the DL phase's share of the budget (default 0.5).",
      }),
    ),
    fitness: Type.Optional(
      Type.Union(
        [
          Type.Literal('ce'),
          Type.Literal('f1'),
          Type.Literal('f1_exact'),
          Type.Literal('accuracy'),
          Type.Literal('return'),
        ],
        {
          description:
            "Fitness of every NE method instead of its own: 'ce', 'f1' (macro-F1 of sampled actions), 'f1_exact' (macro-F1 of argmax actions), 'accuracy' (action match) or 'return' (mean episode return in the env).",
        },
      ),
    ),
    fitnessTrials: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 10_000, description: "Sampling trials of 'f1' fitness (the proposal: 10)." }),
    ),
    fitnessEpisodes: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 10_000,
        description: "Episodes per agent and generation of 'return' fitness (default 3).",
      }),
    ),
  },
  { additionalProperties: false },
);
export type Exp2Config = Static<typeof Exp2ConfigSchema>;

const Synthetic = Type.Object(
  {
    participants: Type.Integer({ minimum: 1, maximum: 100 }),
    days: Type.Integer({ minimum: 1, maximum: 365 }),
    sessionsPerDay: Type.Integer({ minimum: 1, maximum: 100 }),
    seed: Seed,
  },
  { additionalProperties: false, description: "The simulated participants used when `data` is 'synthetic'." },
);

export const Exp3ConfigSchema = Type.Object(
  {
    data: Type.String({
      minLength: 1,
      description: "'synthetic' (simulated participants) or a folder of <participant>.jsonl files.",
    }),
    participants: Type.Optional(
      Type.Array(Name, { minItems: 1, description: 'Participants to model (default: all in the data).' }),
    ),
    envs: Type.Optional(
      Type.Array(Name, { minItems: 1, description: 'Environments to model (default: all the participant played).' }),
    ),
    methods: Type.Array(Name, {
      minItems: 1,
      description: "Base methods (experiment 2's names), each trained without and with CL inputs.",
    }),
    seed: Type.Integer({
      minimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
      description: "Seed of initialisation, mini-batches, mutation and the models' action sampling.",
    }),
    sgdSteps: Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1, description: 'Steps per SGD trial.' }),
    neGenerations: Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1, description: 'Generations per NE trial.' }),
    evalPoints: Type.Integer({ minimum: 1, maximum: 100_000, description: 'Test-set evaluations per trial.' }),
    testFraction: Type.Number({
      exclusiveMinimum: 0,
      exclusiveMaximum: 0.5,
      description: "Share of each participant × env's runs held out (from the end of sessions).",
    }),
    gapMinutes: Type.Number({ exclusiveMinimum: 0, description: 'Minutes between episodes that open a new session.' }),
    policy: Type.Union([Type.Literal('sample'), Type.Literal('greedy')], {
      description: 'How models pick actions when they play the matched episodes.',
    }),
    synthetic: Synthetic,
    backend: Backend,
  },
  { additionalProperties: false },
);
export type Exp3Config = Static<typeof Exp3ConfigSchema>;

/** A `--config` file of experiment 1: any of its settings; flags override it. */
export const Exp1SettingsSchema = settingsOf(Exp1ConfigSchema, {
  title: 'evoscale experiment 1 settings',
  description: 'Settings of `evoscale run exp1 --config <file>` (JSON or YAML); command-line flags override them.',
});
export type Exp1Settings = Static<typeof Exp1SettingsSchema>;

export const Exp2SettingsSchema = settingsOf(Exp2ConfigSchema, {
  title: 'evoscale experiment 2 settings',
  description: 'Settings of `evoscale run exp2 --config <file>` (JSON or YAML); command-line flags override them.',
});
export type Exp2Settings = Static<typeof Exp2SettingsSchema>;

/** Experiment 3's file may set only some of the synthetic participants' numbers. */
export const Exp3SettingsSchema = settingsOf(
  Type.Object({ ...Exp3ConfigSchema.properties, synthetic: Type.Partial(Synthetic) }),
  {
    title: 'evoscale experiment 3 settings',
    description: 'Settings of `evoscale run exp3 --config <file>` (JSON or YAML); command-line flags override them.',
  },
);
export type Exp3Settings = Static<typeof Exp3SettingsSchema>;

export const HybridConfigSchema = Type.Object(
  {
    datasets: Type.Array(Name, { minItems: 1, description: 'Datasets (built-in names, files or hf:<owner>/<name>).' }),
    envIds: Type.Optional(
      Type.Record(Type.String(), Type.String({ minLength: 1 }), {
        description: 'Env id of each dataset that is not built in (inferred for built-ins).',
      }),
    ),
    fractions: Type.Array(Type.Number({ exclusiveMinimum: 0, maximum: 1 }), {
      minItems: 1,
      description: 'Training fractions of the whole dataset (the training sizes DL is trained on).',
    }),
    methods: Type.Array(Name, {
      minItems: 1,
      description: 'Hybrid methods (hybrid_{warm,feature,smg}_{ce,f1}); DL and GA baselines are always run.',
    }),
    seeds: Seeds,
    dlSteps: Type.Integer({
      minimum: 1,
      maximum: 2 ** 31 - 1,
      description: 'Adam steps (batch 32) of the DL phase every hybrid continues from.',
    }),
    dlShare: Type.Number({
      exclusiveMinimum: 0,
      exclusiveMaximum: 1,
      description:
        "The DL phase's share of each hybrid's FLOPs; the extra budget is dlSteps' FLOPs × (1 − share) / share.",
    }),
    fitnessBatch: fitnessBatchSetting(
      "every hybrid's evolution phase and the GA alone (default 'text'); FLOPs budgets count the rows",
    ),
    evalPoints: Type.Integer({ minimum: 1, maximum: 100_000, description: 'Test-set evaluations per trial.' }),
    evalEpisodes: Type.Integer({
      minimum: 0,
      maximum: 2 ** 31 - 1,
      description: 'Episodes of greedy play in the env at the end of each trial (0 = none).',
    }),
    testFraction: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, description: 'Held-out share.' }),
    datasetSteps: DatasetSteps,
    splitSeed: SplitSeed,
    backend: Backend,
  },
  { additionalProperties: false },
);
export type HybridConfig = Static<typeof HybridConfigSchema>;

export const HybridSettingsSchema = settingsOf(HybridConfigSchema, {
  title: 'evoscale hybrid experiment settings',
  description: 'Settings of `evoscale run hybrid --config <file>` (JSON or YAML); command-line flags override them.',
});
export type HybridSettings = Static<typeof HybridSettingsSchema>;

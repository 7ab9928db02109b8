/** Sweep files as a schema: a grid over experiment × method × dataset × fraction|size × seed, plus settings. */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Exp1SettingsSchema, Exp2SettingsSchema } from './experiments.js';
import { Name, PositiveInt, Seed } from './values.js';

/** A grid axis: one value or a non-empty list of them. */
const axis = <T extends TSchema>(item: T, description: string) =>
  Type.Optional(Type.Union([item, Type.Array(item, { minItems: 1 })], { description }));

export const SweepExperimentSchema = Type.Union([Type.Literal('exp1'), Type.Literal('exp2')]);
export type SweepExperiment = Static<typeof SweepExperimentSchema>;

export const SweepGridSchema = Type.Object(
  {
    experiment: Type.Union([SweepExperimentSchema, Type.Array(SweepExperimentSchema, { minItems: 1 })], {
      description: 'exp1 and/or exp2.',
    }),
    method: axis(Name, "Method names of the experiment (default: all of the experiment's)."),
    dataset: axis(Name, 'Datasets: built-in names, .jsonl/.parquet files or hf:<owner>/<name>.'),
    fraction: axis(Type.Number({ exclusiveMinimum: 0, maximum: 1 }), 'exp2: training fractions of the dataset.'),
    size: axis(PositiveInt, 'exp1: training-set sizes (rows).'),
    seed: axis(Seed, 'Seeds (each a whole replicate).'),
  },
  { additionalProperties: false },
);
export type SweepGrid = Static<typeof SweepGridSchema>;

export const SweepFileSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String({ description: 'URL or path of this JSON Schema (for editors).' })),
    out: Type.Optional(Type.String({ minLength: 1, description: 'Results folder (default results).' })),
    grid: SweepGridSchema,
    settings: Type.Optional(
      Type.Object(
        { exp1: Type.Optional(Exp1SettingsSchema), exp2: Type.Optional(Exp2SettingsSchema) },
        { additionalProperties: false, description: 'Per experiment, any field of its configuration.' },
      ),
    ),
  },
  {
    additionalProperties: false,
    title: 'evoscale sweep file',
    description: 'A grid of trials for `evoscale sweep <file>` (JSON or YAML).',
  },
);
export type SweepFile = Static<typeof SweepFileSchema>;

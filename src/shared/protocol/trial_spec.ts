/**
 * The trial spec as a schema: what a trial is (method, model, training set, split, budget) when it crosses a
 * thread or the network. Whoever reads one checks it here first, so a malformed spec is refused with the key
 * that is wrong instead of being cast and failing somewhere inside training.
 */
import { Type, type Static, type TProperties } from '@sinclair/typebox';
import { checkSchema } from '../config/check.js';
import { Backend, Id, Name } from '../config/values.js';
import { MlpSpecSchema, MutationSchema } from './run_spec.js';

const obj = <P extends TProperties>(props: P) => Type.Object(props, { additionalProperties: false });
const Count = Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 });
const Seed = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const Share = Type.Number({ exclusiveMinimum: 0, maximum: 1 });

export const SgdMethodSchema = obj({
  kind: Type.Literal('sgd'),
  name: Name,
  optimizer: obj({
    kind: Type.Union([Type.Literal('sgd'), Type.Literal('adam')]),
    lr: Type.Number({ exclusiveMinimum: 0 }),
    beta1: Type.Optional(Type.Number({ minimum: 0, exclusiveMaximum: 1 })),
    beta2: Type.Optional(Type.Number({ minimum: 0, exclusiveMaximum: 1 })),
    eps: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  }),
  batchSize: Count,
});

/** Settings of CMA-ES / OpenAI-ES (src/shared/algorithms/search/types.ts documents each; the algorithms re-check them). */
const SearchSettingsSchema = obj({
  sigma: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  covariance: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('full'), Type.Literal('diagonal')])),
  restarts: Type.Optional(Type.Integer({ minimum: 0, maximum: 20 })),
  popsizeFactor: Type.Optional(Type.Number({ minimum: 1 })),
  tolX: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  tolFun: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  learningRate: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  beta1: Type.Optional(Type.Number({ minimum: 0, exclusiveMaximum: 1 })),
  beta2: Type.Optional(Type.Number({ minimum: 0, exclusiveMaximum: 1 })),
  epsilon: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  weightDecay: Type.Optional(Type.Number({ minimum: 0 })),
});

export const NeMethodSchema = obj({
  kind: Type.Literal('ne'),
  name: Name,
  algorithm: Type.Union([
    Type.Literal('tournament_ga'),
    Type.Literal('simple_ga'),
    Type.Literal('simple_es'),
    Type.Literal('cmaes'),
    Type.Literal('openai_es'),
  ]),
  populationSize: Type.Integer({ minimum: 2, maximum: 1 << 24 }),
  mutation: MutationSchema,
  fitness: Type.Union([
    Type.Literal('ce'),
    Type.Literal('accuracy'),
    Type.Literal('macro_f1'),
    Type.Literal('macro_f1_exact'),
    Type.Literal('return'),
  ]),
  episodes: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  search: Type.Optional(SearchSettingsSchema),
  batchSize: Type.Union([Type.Literal('all'), Count]),
  trials: Count,
  tournamentSize: Type.Optional(Count),
  eliteCount: Type.Optional(Type.Integer({ minimum: 0, maximum: 1 << 24 })),
  initPopulation: Type.Union([Type.Literal('independent'), Type.Literal('copies')]),
});

const { kind: _neKind, name: _neName, initPopulation: _neInit, ...neFields } = NeMethodSchema.properties;

export const HybridMethodSchema = obj({
  kind: Type.Literal('hybrid'),
  name: Name,
  variant: Type.Union([Type.Literal('warm'), Type.Literal('feature'), Type.Literal('smg')]),
  dl: obj({ optimizer: SgdMethodSchema.properties.optimizer, batchSize: Count }),
  ne: obj(neFields),
  dlShare: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }),
  dlSteps: Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 }),
  head: Type.Optional(Type.Array(Count, { maxItems: 8 })),
  objective: Type.Optional(Type.Literal('human_likeness')),
  smg: Type.Optional(obj({ refreshEvery: Count, rows: Count, maxScale: Type.Number({ minimum: 1, maximum: 1e6 }) })),
});

export const MethodSchema = Type.Union([SgdMethodSchema, NeMethodSchema, HybridMethodSchema]);

export const TrialSpecSchema = obj({
  experiment: Type.Union([
    Type.Literal('exp1'),
    Type.Literal('exp2'),
    Type.Literal('exp3'),
    Type.Literal('scaling'),
    Type.Literal('hybrid'),
  ]),
  id: Id,
  envId: Type.String({ minLength: 1, maxLength: 100 }),
  dataset: Name,
  trainSet: obj({
    size: Type.Optional(Count),
    fraction: Type.Optional(Share),
    rows: Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 }),
  }),
  split: Type.Union([
    obj({ kind: Type.Literal('exp1'), seed: Seed, testSize: Count }),
    obj({
      kind: Type.Literal('exp2'),
      seed: Seed,
      testFraction: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }),
    }),
    obj({
      kind: Type.Literal('exp3-sessions'),
      testFraction: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }),
      gapMinutes: Type.Number({ exclusiveMinimum: 0 }),
    }),
  ]),
  withCl: Type.Optional(Type.Boolean()),
  datasetSteps: Type.Optional(Count),
  method: MethodSchema,
  model: MlpSpecSchema,
  seed: Seed,
  budget: obj({
    steps: Type.Optional(Count),
    seconds: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  }),
  evalPoints: Count,
  evalLogDecades: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 12 })),
  curveEpisodes: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
  evalEpisodes: Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 }),
  checkpointEvery: Count,
  backend: Type.Optional(Backend),
});

/** A trial spec as checked by the schema (the trials layer's `TrialSpec` is this type). */
export type TrialSpecValue = Static<typeof TrialSpecSchema>;

/** Checks a trial spec read from a thread message, the network or a file; throws ConfigError naming the key. */
export function validateTrialSpec(value: unknown, where: string): TrialSpecValue {
  return checkSchema(TrialSpecSchema, value, where);
}

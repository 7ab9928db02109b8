/** Schema pieces every config and spec shares (seeds, counts, fractions, names). */
import { Type, type TProperties, type TObject, type TOptional, type TString } from '@sinclair/typebox';

/** Seeds are keyed into a Philox counter: any non-negative safe integer. */
export const Seed = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
export const PositiveInt = Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 });
export const NonNegativeInt = Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 });
export const PositiveNumber = Type.Number({ exclusiveMinimum: 0 });
export const Name = Type.String({ minLength: 1, maxLength: 4096 });

/** Where SGD steps and NE fitness run; the names `--backend` takes (src/worker/engine/backends.ts loads them). */
export const BACKEND_NAMES = ['auto', 'cpu', 'tfjs', 'tfjs-node', 'tfjs-node-gpu'] as const;
export const Backend = Type.Union(
  BACKEND_NAMES.map((n) => Type.Literal(n)),
  {
    description:
      "Where SGD steps and NE fitness run: 'cpu' (bit-reproducible default), 'tfjs', 'tfjs-node', " +
      "'tfjs-node-gpu', or 'auto' (the best installed).",
  },
);

/** A non-empty identifier of letters, digits and `._:-` (run and trial ids become folder names). */
export const Id = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$',
  expected: 'an id of 1–200 letters, digits, ".", "_", ":" or "-" starting with a letter or digit',
});

/** Editors put the schema's URL here; it is allowed in every file and means nothing to evoscale. */
const SchemaRef: TOptional<TString> = Type.Optional(
  Type.String({ description: 'URL or path of the JSON Schema this file follows (for editors).' }),
);

/**
 * A file's settings: every field of the full configuration optional, unknown keys refused, and `$schema`
 * allowed so editors can be pointed at the published schema.
 */
export function settingsOf<P extends TProperties>(
  config: TObject<P>,
  options: { title: string; description: string },
): TObject<{ [K in keyof P]: TOptional<P[K]> } & { $schema: TOptional<TString> }> {
  const props: Record<string, unknown> = { $schema: SchemaRef };
  for (const [k, v] of Object.entries(config.properties)) props[k] = Type.Optional(v);
  return Type.Object(props as { [K in keyof P]: TOptional<P[K]> } & { $schema: TOptional<TString> }, {
    additionalProperties: false,
    ...options,
  });
}

/** A key's settings with `$schema` removed, ready to merge over defaults. */
export function withoutSchemaRef<T extends { $schema?: string }>(settings: T): Omit<T, '$schema'> {
  const { $schema: _ref, ...rest } = settings;
  return rest;
}

/**
 * Rows that score each NE agent per generation (`--fitness-batch`): 'text', 'code' or a number of rows; `applies`
 * says which methods of the experiment it reaches.
 */
export const fitnessBatchSetting = (applies: string) =>
  Type.Optional(
    Type.Union([Type.Literal('text'), Type.Literal('code'), Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 })], {
      description:
        `Rows that score each agent per generation, for ${applies}: 'text' = the SGD batch (32), as the ` +
        "proposal's text says; 'code' = min(100 × the SGD batch, training rows), as the proposal's code ran it; " +
        'or a number of rows (capped at the training rows).',
    }),
  );

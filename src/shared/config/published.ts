/**
 * The schemas published as JSON Schema files under `schemas/` (for editors' autocompletion and for other
 * tools): the file name of each and the JSON Schema text `npm run schemas` writes there.
 */
import type { TSchema } from '@sinclair/typebox';
import { Exp1SettingsSchema, Exp2SettingsSchema, Exp3SettingsSchema, HybridSettingsSchema } from './experiments.js';
import { ScalingSettingsSchema } from './scaling.js';
import { SweepFileSchema } from './sweep.js';
import { NeRunSpecFileSchema } from '../protocol/run_spec.js';
import { TrialSpecSchema } from '../protocol/trial_spec.js';

/** File name under `schemas/` → the schema it holds. */
export const PUBLISHED_SCHEMAS: Readonly<Record<string, TSchema>> = {
  'exp1.schema.json': Exp1SettingsSchema,
  'exp2.schema.json': Exp2SettingsSchema,
  'exp3.schema.json': Exp3SettingsSchema,
  'scaling.schema.json': ScalingSettingsSchema,
  'hybrid.schema.json': HybridSettingsSchema,
  'sweep.schema.json': SweepFileSchema,
  'run-spec.schema.json': NeRunSpecFileSchema,
  'trial-spec.schema.json': TrialSpecSchema,
};

const DRAFT = 'http://json-schema.org/draft-07/schema#';

/** `expected` is evoscale's own wording for error messages; it is not a JSON Schema keyword, so it stays here. */
function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k !== 'expected') out[k] = strip(v);
  return out;
}

/** A schema as a standalone JSON Schema document (draft-07, which editors and ajv understand). */
export function toJsonSchema(schema: TSchema): Record<string, unknown> {
  const body = strip(JSON.parse(JSON.stringify(schema))) as Record<string, unknown>;
  return { $schema: DRAFT, ...body };
}

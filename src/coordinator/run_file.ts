/** Reading an NE run spec file (JSON or YAML): the spec plus optional run settings. */
import { readConfigFile } from '../config/read.js';
import { NeRunSpecFileSchema } from '../shared/protocol/run_spec.js';
import type { NeRunSpec } from '../shared/protocol/index.js';

/**
 * Reads and validates a run spec (schemas/run-spec.schema.json); `experiment` defaults to 'ne'. Errors name the
 * file, line and key.
 */
export function readRunSpecFile(path: string): NeRunSpec {
  const { $schema: _ref, ...spec } = readConfigFile(path, NeRunSpecFileSchema, 'run spec');
  return { ...spec, experiment: spec.experiment ?? 'ne' };
}

/** Reading an NE run spec file (JSON or YAML): the spec plus optional run settings. */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InvalidArgumentError } from '../shared/errors.js';
import { SchemaError, validateRunSpec, type NeRunSpec } from '../shared/protocol/index.js';

/** Reads and validates a run spec; `experiment` defaults to 'ne'. */
export function readRunSpecFile(path: string): NeRunSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InvalidArgumentError(`${path}: cannot read the run spec (${(e as Error).message})`);
  }
  let value: unknown;
  try {
    value = ['.yaml', '.yml'].includes(extname(path).toLowerCase()) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new InvalidArgumentError(`${path}: not valid JSON/YAML (${(e as Error).message})`);
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !('experiment' in value)) {
    value = { ...value, experiment: 'ne' };
  }
  try {
    return validateRunSpec(value, path);
  } catch (e) {
    if (e instanceof SchemaError) throw new InvalidArgumentError(`run spec ${e.message}`);
    throw e;
  }
}

/**
 * Checks a value against a TypeBox schema (which is a JSON Schema) and, on the first problem, throws an error
 * that names the key, the value found and what was expected: `seeds: expected an array of non-negative
 * integers, got "0,1"`. Pure: the file reader at the edge adds the file name, line and column.
 */
import { Kind, type Static, type TSchema } from '@sinclair/typebox';
import { Value, ValueErrorType, type ValueError } from '@sinclair/typebox/value';
import { EvoscaleError } from '../errors.js';

/** Where a problem is: object keys and array indices from the root of the checked value. */
export type ValuePath = readonly (string | number)[];

/** One refused value: where it is and what is wrong (e.g. `expected a positive integer, got "lots"`). */
export interface Problem {
  readonly path: ValuePath;
  readonly problem: string;
}

/** The most problems one error lists (the first few are enough to fix a file in one go). */
const MAX_PROBLEMS = 8;

/**
 * A config file, run spec, sweep file or trial spec holds values its schema does not allow. The message has one
 * line per problem: `<where>: <key>: <problem>`.
 */
export class ConfigError extends EvoscaleError {
  /** The first problem's path and text. */
  readonly path: ValuePath;
  readonly problem: string;

  constructor(
    /** Where the value came from (a file, `trial <id>`), or where each problem sits (`file:line:col`). */
    readonly where: string | ((path: ValuePath) => string),
    readonly problems: readonly Problem[],
  ) {
    const place = typeof where === 'string' ? () => where : where;
    const line = (p: Problem): string =>
      [place(p.path), formatPath(p.path), p.problem].filter((part) => part !== '').join(': ');
    super(problems.map(line).join('\n'), 'INVALID_CONFIG');
    this.path = problems[0].path;
    this.problem = problems[0].problem;
  }

  /** The same problems reported at other places (e.g. each at its key's line and column in the file). */
  at(where: string | ((path: ValuePath) => string)): ConfigError {
    return new ConfigError(where, this.problems);
  }
}

/** `settings.exp2.seeds[1]` for ['settings', 'exp2', 'seeds', 1]. */
export function formatPath(path: ValuePath): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

/** A short JSON rendering of a value for an error message. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let s: string;
  try {
    s = typeof value === 'number' && !Number.isFinite(value) ? String(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    s = String(value);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

type Json = Record<string, unknown>;

const kindOf = (s: TSchema): string => (s as unknown as Record<symbol, string>)[Kind];

function range(s: Json, what: string): string {
  const lo = s.minimum as number | undefined;
  const xlo = s.exclusiveMinimum as number | undefined;
  // A bound only there to keep values in int32/safe range is noise in a message.
  const hi =
    (s.maximum as number | undefined) !== undefined && (s.maximum as number) < 2 ** 31 - 1
      ? (s.maximum as number)
      : undefined;
  const xhi = s.exclusiveMaximum as number | undefined;
  if (lo === undefined && xlo === undefined && hi === undefined && xhi === undefined) return what;
  if (lo === 0 && hi === undefined && xhi === undefined) return `non-negative ${what}`;
  if ((lo === 1 && what === 'integer') || xlo === 0) {
    if (hi === undefined && xhi === undefined) return `positive ${what}`;
  }
  const left = xlo !== undefined ? `(${xlo}` : lo !== undefined ? `[${lo}` : '(-∞';
  const right = xhi !== undefined ? `${xhi})` : hi !== undefined ? `${hi}]` : '∞)';
  return `${what} in ${left}, ${right}`;
}

const article = (phrase: string): string => (/^[aeiou]/i.test(phrase) ? `an ${phrase}` : `a ${phrase}`);

/** What a schema accepts, in words: `a positive integer`, `"sample" or "greedy"`, `an array of …`. */
export function describeSchema(schema: TSchema, plural = false): string {
  const s = schema as unknown as Json;
  if (typeof s.expected === 'string') return s.expected;
  const many = (one: string, several: string): string => (plural ? several : article(one));
  switch (kindOf(schema)) {
    case 'Integer':
      return many(range(s, 'integer'), `${range(s, 'integer')}s`);
    case 'Number':
      return many(range(s, 'number'), `${range(s, 'number')}s`);
    case 'String':
      return many(
        (s.minLength ?? 0) === 0 ? 'string' : 'non-empty string',
        (s.minLength ?? 0) === 0 ? 'strings' : 'non-empty strings',
      );
    case 'Boolean':
      return plural ? 'true or false values' : 'true or false';
    case 'Literal':
      return JSON.stringify(s.const);
    case 'Array': {
      const items = describeSchema(s.items as TSchema, true);
      const nonEmpty = ((s.minItems as number | undefined) ?? 0) > 0 ? 'non-empty ' : '';
      return plural ? `arrays of ${items}` : `${nonEmpty ? 'a non-empty' : 'an'} array of ${items}`;
    }
    case 'Record':
      return many('map', 'maps');
    case 'Object':
      return many('object', 'objects');
    case 'Union': {
      const members = s.anyOf as TSchema[];
      const tagKey = tags(members[0])[0]?.[0];
      if (tagKey !== undefined && members.every((m) => tags(m).some(([k]) => k === tagKey))) {
        const values = members.map((m) => JSON.stringify(tags(m).find(([k]) => k === tagKey)?.[1])).join(' or ');
        return `${many('object', 'objects')} with ${tagKey} ${values}`;
      }
      const parts = [...new Set(members.map((m) => describeSchema(m, plural)))];
      return parts.length <= 2 ? parts.join(' or ') : `${parts.slice(0, -1).join(', ')} or ${parts.at(-1)}`;
    }
    default:
      return plural ? 'valid values' : 'a valid value';
  }
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function accepts(schema: TSchema, type: string): boolean {
  switch (kindOf(schema)) {
    case 'Integer':
      return type === 'integer';
    case 'Number':
      return type === 'integer' || type === 'number';
    case 'String':
      return type === 'string';
    case 'Literal': {
      const c = (schema as unknown as Json).const;
      return typeof c === 'number' ? type === 'integer' || type === 'number' : type === jsonType(c);
    }
    case 'Boolean':
      return type === 'boolean';
    case 'Array':
      return type === 'array';
    case 'Object':
    case 'Record':
      return type === 'object';
    case 'Union':
      return ((schema as unknown as Json).anyOf as TSchema[]).some((m) => accepts(m, type));
    default:
      return true;
  }
}

/** Literal-valued properties of an object schema (a tagged union's tag: `kind`, `mode`). */
function tags(schema: TSchema): [string, unknown][] {
  if (kindOf(schema) !== 'Object') return [];
  const props = (schema as unknown as Json).properties as Record<string, TSchema>;
  return Object.entries(props)
    .filter(([, p]) => kindOf(p) === 'Literal')
    .map(([k, p]) => [k, (p as unknown as Json).const]);
}

/**
 * A union's error from TypeBox only says "expected union value"; this picks the member the value was meant to
 * be (by JSON type, then by its tag, e.g. `kind: "ne"`) and explains the problem inside it.
 */
function explainUnion(schema: TSchema, value: unknown, path: ValuePath): [ValuePath, string] {
  const members = (schema as unknown as Json).anyOf as TSchema[];
  let candidates = members.filter((m) => accepts(m, jsonType(value)));
  if (candidates.length > 1 && jsonType(value) === 'object') {
    const v = value as Json;
    const tagged = candidates.filter((m) => tags(m).length > 0);
    if (tagged.length === candidates.length) {
      const tagKey = tags(tagged[0])[0][0];
      const matching = tagged.filter((m) => tags(m).some(([k, c]) => k === tagKey && v[k] === c));
      if (matching.length === 0) {
        const allowed = tagged.map((m) => JSON.stringify(tags(m).find(([k]) => k === tagKey)?.[1])).join(' or ');
        return [[...path, tagKey], `expected ${allowed}, got ${formatValue(v[tagKey])}`];
      }
      candidates = matching;
    }
  }
  if (candidates.length === 1) {
    const inner = firstProblem(candidates[0], value, path);
    if (inner) return inner;
  }
  return [path, `expected ${describeSchema(schema)}, got ${formatValue(value)}`];
}

function decodePointer(pointer: string): ValuePath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^(0|[1-9]\d*)$/.test(p) ? Number(p) : p));
}

function explain(error: ValueError, base: ValuePath): [ValuePath, string] {
  const path = [...base, ...decodePointer(error.path)];
  switch (error.type) {
    case ValueErrorType.ObjectAdditionalProperties: {
      const known = Object.keys(((error.schema as unknown as Json).properties ?? {}) as Json).filter(
        (k) => k !== '$schema',
      );
      return [path, `unknown key; known keys: ${known.join(', ')}`];
    }
    case ValueErrorType.ObjectRequiredProperty:
      return [path, `missing; expected ${describeSchema(error.schema)}`];
    case ValueErrorType.Union:
      return explainUnion(error.schema, error.value, path);
    case ValueErrorType.ArrayMinItems:
      return [
        path,
        `expected ${describeSchema(error.schema)} (at least ${String(
          (error.schema as unknown as Json).minItems,
        )}), got ${formatValue(error.value)}`,
      ];
    default:
      return [path, `expected ${describeSchema(error.schema)}, got ${formatValue(error.value)}`];
  }
}

function firstProblem(schema: TSchema, value: unknown, base: ValuePath): [ValuePath, string] | undefined {
  const first = Value.Errors(schema, value).First();
  return first === undefined ? undefined : explain(first, base);
}

/** Whether `path` lies inside `outer` (a problem inside an already reported value adds nothing). */
const within = (path: ValuePath, outer: ValuePath): boolean => outer.every((p, i) => path[i] === p);

/** The value typed by its schema, or a ConfigError naming each bad key, its value and what was expected. */
export function checkSchema<T extends TSchema>(schema: T, value: unknown, where = ''): Static<T> {
  if (Value.Check(schema, value)) return value;
  const problems: Problem[] = [];
  for (const error of Value.Errors(schema, value)) {
    const [path, problem] = explain(error, []);
    if (problems.some((p) => within(path, p.path) || within(p.path, path))) continue;
    problems.push({ path, problem });
    if (problems.length === MAX_PROBLEMS) break;
  }
  if (problems.length === 0) problems.push({ path: [], problem: `expected ${describeSchema(schema)}` });
  throw new ConfigError(where, problems);
}

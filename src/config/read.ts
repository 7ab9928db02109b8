/**
 * The one reader of config files (experiment `--config`, sweep files, run specs): JSON or YAML, checked against
 * a schema, with errors that name the file, the line and column, the key, the value and what was expected.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Static, TSchema } from '@sinclair/typebox';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { checkSchema, ConfigError, type ValuePath } from '../shared/config/check.js';
import { InvalidArgumentError } from '../shared/errors.js';

/** A config file could not be read or parsed; the message names the file (and the line, when known). */
export class ConfigFileError extends InvalidArgumentError {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

/** A parsed config file: its value and where each key sits in the text. */
export interface ConfigDocument {
  readonly file: string;
  readonly value: unknown;
  /** `file:line:col` of the key at `path` (of its parent when the key is missing), or just `file`. */
  locate(path: ValuePath): string;
}

const isYaml = (file: string): boolean => ['.yaml', '.yml'].includes(extname(file).toLowerCase());

function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, col: before[before.length - 1].length + 1 };
}

/** `file:line:col` of JSON.parse's error position (V8 reports "… at position N" or "(line L column C)"). */
function jsonErrorPlace(file: string, text: string, message: string): string {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return `${file}:${lc[1]}:${lc[2]}`;
  const pos = /position (\d+)/.exec(message);
  if (pos) {
    const { line, col } = lineCol(text, Number(pos[1]));
    return `${file}:${line}:${col}`;
  }
  return file;
}

/** The text of `file` parsed as JSON (`.json` and anything not .yaml/.yml) or YAML. */
export function parseConfigText(file: string, text: string): ConfigDocument {
  const counter = new LineCounter();
  // JSON is YAML 1.2, so one YAML document gives key positions for both; JSON.parse stays the judge of JSON
  // syntax so that a .json file is not accepted just because YAML would be lenient about it.
  let value: unknown;
  if (!isYaml(file)) {
    try {
      value = JSON.parse(text);
    } catch (e) {
      const msg = (e as Error).message;
      throw new ConfigFileError(file, `${jsonErrorPlace(file, text, msg)}: not valid JSON (${msg})`);
    }
  }
  const doc: Document = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false });
  if (isYaml(file)) {
    const err = doc.errors[0];
    if (err !== undefined) {
      const { line, col } = counter.linePos(err.pos[0]);
      throw new ConfigFileError(file, `${file}:${line}:${col}: not valid YAML (${err.message.split('\n')[0]})`);
    }
    value = doc.toJS();
  }
  const locate = (path: ValuePath): string => {
    for (let n = path.length; n >= 0; n--) {
      const parent = n === 0 ? doc.contents : doc.getIn(path.slice(0, n - 1), true);
      let offset: number | undefined;
      if (n === 0) offset = doc.contents?.range?.[0];
      else if (isMap(parent)) {
        const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === path[n - 1]);
        offset = pair && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
      } else {
        const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
        offset = node?.range?.[0];
      }
      if (offset !== undefined) {
        const { line, col } = counter.linePos(offset);
        return `${file}:${line}:${col}`;
      }
    }
    return file;
  };
  return { file, value, locate };
}

/** Reads a config file's text; the error names the file and what to do. */
export function readConfigText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigFileError(file, `${file}: cannot read the ${what} (${(e as Error).message})`);
  }
}

/** Checks a parsed document against `schema`; a problem is reported at the key's line in the file. */
export function checkConfigDocument<T extends TSchema>(doc: ConfigDocument, schema: T): Static<T> {
  try {
    return checkSchema(schema, doc.value);
  } catch (e) {
    if (e instanceof ConfigError) throw e.at(doc.locate);
    throw e;
  }
}

/**
 * Reads a JSON or YAML file and checks it against `schema`. `what` names the file's role in messages
 * ("config file", "sweep file", "run spec").
 */
export function readConfigFile<T extends TSchema>(file: string, schema: T, what = 'config file'): Static<T> {
  return checkConfigDocument(parseConfigText(file, readConfigText(file, what)), schema);
}

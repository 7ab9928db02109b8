/**
 * A few composable runtime checks for values decoded off the wire. Each check returns the value typed, or throws
 * SchemaError naming the path of the first bad field; `decodeFrame` turns that into a result, never a throw.
 */

/** A decoded value failed a check; `path` names the field (e.g. `spec.task.episodes`). */
export class SchemaError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    message = `${path}: expected ${expected}`,
  ) {
    super(message);
    this.name = 'SchemaError';
  }
}

export type Check<T> = (value: unknown, path: string) => T;

/** Plain JSON-like data, as carried by trial specs and summaries. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The own property `key` of a plain object (never one inherited through a crafted prototype). */
export function field(obj: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

export const str =
  (maxLength = 1024): Check<string> =>
  (v, path) => {
    if (typeof v !== 'string' || v.length > maxLength)
      throw new SchemaError(path, `a string of at most ${maxLength} characters`);
    return v;
  };

/** A non-empty identifier of letters, digits and `._:-` (run, worker and trial ids become folder names). */
export const id: Check<string> = (v, path) => {
  if (typeof v !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/.test(v)) {
    throw new SchemaError(path, 'an id of 1–200 letters, digits, ".", "_", ":" or "-" starting with a letter or digit');
  }
  return v;
};

export const int =
  (min: number, max: number): Check<number> =>
  (v, path) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new SchemaError(path, `an integer in [${min}, ${max}]`);
    }
    return v;
  };

export const num =
  (min = -Number.MAX_VALUE, max = Number.MAX_VALUE): Check<number> =>
  (v, path) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      throw new SchemaError(path, `a finite number in [${min}, ${max}]`);
    }
    return v;
  };

/** Any number, NaN and infinities included (fitness values, best-so-far before the first generation). */
export const anyNumber: Check<number> = (v, path) => {
  if (typeof v !== 'number') throw new SchemaError(path, 'a number');
  return v;
};

export const bool: Check<boolean> = (v, path) => {
  if (typeof v !== 'boolean') throw new SchemaError(path, 'true or false');
  return v;
};

export const literal =
  <T extends string | number>(...values: readonly T[]): Check<T> =>
  (v, path) => {
    if (!values.includes(v as T))
      throw new SchemaError(path, `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`);
    return v as T;
  };

export const float32Array =
  (maxLength = 1 << 28): Check<Float32Array> =>
  (v, path) => {
    if (!(v instanceof Float32Array) || v.length > maxLength)
      throw new SchemaError(path, `a Float32Array of at most ${maxLength} values`);
    return v;
  };

/** Fitness vectors: float32 for data fitness, float64 for episode returns (exact sums). */
export const fitnessArray =
  (maxLength = 1 << 24): Check<Float32Array | Float64Array> =>
  (v, path) => {
    if (!(v instanceof Float32Array || v instanceof Float64Array) || v.length > maxLength) {
      throw new SchemaError(path, `a Float32Array or Float64Array of at most ${maxLength} values`);
    }
    return v;
  };

export const bytes =
  (maxLength: number): Check<Uint8Array> =>
  (v, path) => {
    if (!(v instanceof Uint8Array) || v.length > maxLength) throw new SchemaError(path, `bytes (at most ${maxLength})`);
    return v;
  };

export const array =
  <T>(item: Check<T>, maxLength: number): Check<T[]> =>
  (v, path) => {
    if (!Array.isArray(v) || v.length > maxLength)
      throw new SchemaError(path, `an array of at most ${maxLength} items`);
    return v.map((x, i) => item(x, `${path}[${i}]`));
  };

export const optional =
  <T>(check: Check<T>): Check<T | undefined> =>
  (v, path) =>
    v === undefined ? undefined : check(v, path);

export const nullable =
  <T>(check: Check<T>): Check<T | null> =>
  (v, path) =>
    v === null ? null : check(v, path);

/** A map from string keys (matching `keyPattern`) to checked values. */
export const record =
  <T>(value: Check<T>, maxKeys: number, keyPattern = /^[A-Za-z0-9._/-]{1,200}$/): Check<Record<string, T>> =>
  (v, path) => {
    if (!isPlainObject(v)) throw new SchemaError(path, 'a map');
    const keys = Object.keys(v);
    if (keys.length > maxKeys) throw new SchemaError(path, `at most ${maxKeys} entries`);
    const out: Record<string, T> = {};
    for (const k of keys) {
      if (!keyPattern.test(k) || k.split('/').some((part) => part === '..' || part === '.' || part === '')) {
        throw new SchemaError(`${path}.${k}`, 'a relative name without "." or ".." parts');
      }
      out[k] = value(v[k], `${path}.${k}`);
    }
    return out;
  };

type Shape = Record<string, Check<unknown>>;
type Out<S extends Shape> = { [K in keyof S]: ReturnType<S[K]> };

/** An object with exactly the fields of `shape` (unknown fields are an error: they signal a version mismatch). */
export function object<S extends Shape>(shape: S, extra: readonly string[] = []): Check<Out<S>> {
  return (v, path) => {
    if (!isPlainObject(v)) throw new SchemaError(path, 'an object');
    for (const k of Object.keys(v)) {
      if (!Object.prototype.hasOwnProperty.call(shape, k) && !extra.includes(k))
        throw new SchemaError(`${path}.${k}`, 'no such field');
    }
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(shape)) {
      const value = shape[k](field(v, k), path === '' ? k : `${path}.${k}`);
      if (value !== undefined) out[k] = value;
    }
    return out as Out<S>;
  };
}

const MAX_JSON_DEPTH = 32;

function jsonAt(v: unknown, path: string, depth: number): JsonValue {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new SchemaError(path, 'a finite number');
    return v;
  }
  if (depth > MAX_JSON_DEPTH) throw new SchemaError(path, `JSON nested at most ${MAX_JSON_DEPTH} deep`);
  if (Array.isArray(v)) return v.map((x, i) => jsonAt(x, `${path}[${i}]`, depth + 1));
  if (isPlainObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) {
      if (k === '__proto__') throw new SchemaError(`${path}.${k}`, 'an ordinary key');
      out[k] = jsonAt(v[k], `${path}.${k}`, depth + 1);
    }
    return out;
  }
  throw new SchemaError(path, 'JSON data');
}

/** A JSON object (finite numbers, strings, booleans, null, arrays, objects). */
export const jsonObject: Check<JsonObject> = (v, path) => {
  if (!isPlainObject(v)) throw new SchemaError(path, 'an object');
  return jsonAt(v, path, 0) as JsonObject;
};

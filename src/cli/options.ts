import { InvalidArgumentError } from '../shared/errors.js';

/** Parses an integer CLI option, naming the option in the error so the user knows what to fix. */
export function parseIntOption(
  name: string,
  raw: string,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const v = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(v)) {
    throw new InvalidArgumentError(`${name} must be an integer, got '${raw}'`);
  }
  if (v < min || v > max) throw new InvalidArgumentError(`${name} must be between ${min} and ${max}, got ${v}`);
  return v;
}

/** Parses a comma-separated list of numbers (e.g. `--sizes 100,300,1000`). */
export function parseNumberList(name: string, raw: string): number[] {
  const parts = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (parts.length === 0) throw new InvalidArgumentError(`${name} needs at least one value, e.g. ${name} 1,2,3`);
  return parts.map((p) => {
    const v = Number(p);
    if (!Number.isFinite(v)) throw new InvalidArgumentError(`${name}: '${p}' is not a number`);
    return v;
  });
}

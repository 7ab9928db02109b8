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

/**
 * Splits a comma-separated list (e.g. `--methods sgd,ga`); an empty item (`100,,300`, a trailing comma) is refused
 * rather than dropped, since it is most often a value the user meant to type.
 */
export function parseList(name: string, raw: string): string[] {
  const parts = raw.split(',').map((s) => s.trim());
  if (parts.length === 1 && parts[0] === '') {
    throw new InvalidArgumentError(`${name} needs at least one value, e.g. ${name} 1,2,3`);
  }
  const empty = parts.indexOf('');
  if (empty >= 0) {
    throw new InvalidArgumentError(
      `${name} '${raw}': item ${empty + 1} is empty; remove the extra comma or fill in the missing value`,
    );
  }
  return parts;
}

/** Parses a comma-separated list of numbers (e.g. `--sizes 100,300,1000`). */
export function parseNumberList(name: string, raw: string): number[] {
  return parseList(name, raw).map((p) => {
    const v = Number(p);
    if (!Number.isFinite(v)) throw new InvalidArgumentError(`${name}: '${p}' is not a number`);
    return v;
  });
}

/** Parses fractions in (0, 1] (e.g. `--fractions 0.9,0.3,0.1`); percentages are refused, not guessed. */
export function parseFractionList(name: string, raw: string): number[] {
  return parseNumberList(name, raw).map((v) => {
    if (!(v > 0 && v <= 1)) {
      throw new InvalidArgumentError(
        `${name}: ${v} is not a fraction in (0, 1]` + (v > 1 && v <= 100 ? `; for ${v}% write ${v / 100}` : ''),
      );
    }
    return v;
  });
}

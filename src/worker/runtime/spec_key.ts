/** A stable key for a run spec's content (contexts are cached by it). */
import type { NeRunSpec } from '../../shared/protocol/index.js';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(obj)
        .sort()
        .map((k) => [k, canonical(obj[k])]),
    );
  }
  return value;
}

/** JSON of the spec with sorted keys: equal for equal specs whatever their field order. */
export function specKey(spec: NeRunSpec): string {
  return JSON.stringify(canonical(spec));
}

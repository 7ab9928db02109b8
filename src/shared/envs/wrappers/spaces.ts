/** The Box spaces wrappers build when they change the shape or bounds of observations or actions. */
import type { BoxSpace } from '../types.js';

/** A float32 Box with the given bounds (one value per element, row-major) and shape. */
export function boxSpace(low: ArrayLike<number>, high: ArrayLike<number>, shape: readonly number[]): BoxSpace {
  return { kind: 'box', shape: [...shape], low: Float32Array.from(low), high: Float32Array.from(high) };
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Whether `space` looks like a Box (kind 'box', or a class exposing low/high/shape). */
export function isBox(space: unknown): space is BoxSpace {
  if (typeof space !== 'object' || space === null) return false;
  const s = space as Partial<BoxSpace>;
  return s.low instanceof Float32Array && s.high instanceof Float32Array && Array.isArray(s.shape);
}

/** The Box spaces wrappers build when they change the shape or bounds of observations or actions. */
import { Box } from '../spaces.js';

/** A float32 Box with the given bounds (one value per element, row-major) and shape. */
export function boxSpace(low: ArrayLike<number>, high: ArrayLike<number>, shape: readonly number[]): Box {
  return new Box(low, high, shape);
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** What the wrappers read of a Box space, whether a plain object or a class instance. */
export interface BoxLike {
  readonly shape: readonly number[];
  readonly low: ArrayLike<number>;
  readonly high: ArrayLike<number>;
}

/** Whether `space` looks like a Box: a shape and low/high arrays of one value per element. */
export function isBox(space: unknown): space is BoxLike {
  if (typeof space !== 'object' || space === null) return false;
  const s = space as Partial<Record<keyof BoxLike, unknown>>;
  const arrayLike = (v: unknown): v is ArrayLike<number> => ArrayBuffer.isView(v) || Array.isArray(v);
  if (!Array.isArray(s.shape) || !arrayLike(s.low) || !arrayLike(s.high)) return false;
  const n = sizeOf(s.shape as number[]);
  return s.low.length === n && s.high.length === n;
}

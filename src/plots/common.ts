/** Small pieces the figure builders share: row types, input checks and title handling. */
import type { TopLevelSpec } from 'vega-lite';
import { InvalidArgumentError } from '../shared/errors.js';

/** A mean with its 95% confidence bounds (lo/hi may be NaN when there was a single seed). */
export interface CiValue {
  mean: number;
  lo: number;
  hi: number;
}

/** Title and optional subtitle of a figure. */
export interface FigureTitle {
  title?: string;
  subtitle?: string;
}

/** Options of figures that colour by method. */
export interface MethodColours {
  /**
   * Every method of the report in a fixed order: each gets the same colour in every figure, even one that shows
   * only some of them (experiment 2's CE plot). Defaults to the order the rows first name them.
   */
  methodOrder?: readonly string[];
}

/** The colour domain: `methodOrder` (plus any method it lacks, at the end) or the rows' own order. */
export function methodDomain(rowMethods: readonly string[], methodOrder?: readonly string[]): string[] {
  return uniqueInOrder([...(methodOrder ?? []), ...rowMethods]);
}

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Vega treats null as missing; NaN and infinities become null so they are left out rather than drawn at 0. */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** Distinct values in first-seen order (a stable colour per method across a report's figures). */
export function uniqueInOrder<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

/** Throws when a builder receives no rows: an empty figure hides a bug upstream. */
export function requireRows(rows: readonly unknown[], builder: string): void {
  if (rows.length === 0) throw new InvalidArgumentError(`${builder}: no rows to plot; check the results directory`);
}

/** The `title` property of a spec. */
export function titleSpec(text: string, subtitle?: string): TopLevelSpec['title'] {
  return subtitle ? { text, subtitle } : text;
}

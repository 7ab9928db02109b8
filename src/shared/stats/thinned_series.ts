/**
 * A series of one value per step kept within a fixed length: when it fills, every other entry is dropped and the
 * stride doubles, so entry i is always the value at step i × every. A trial's per-generation fitness history uses it:
 * a long run makes millions of generations, and the whole list travels in the trial's summary and checkpoint (over
 * the cluster's wire, whose frames are bounded). Which entries survive depends only on how many values came, so a
 * resumed or remote run keeps exactly the entries a run in one go keeps.
 */

export interface ThinnedSeries {
  /** The kept values: those of steps 0, every, 2 × every, … */
  values: number[];
  /** Steps per kept value (a power of two). */
  every: number;
  /** Values offered so far, kept or not. */
  seen: number;
}

/** The most entries a series keeps by default: a few hundred kB of JSON, far below a wire frame's bound. */
export const THINNED_SERIES_CAP = 10_000;

export function thinnedSeries(values: number[] = [], every = 1, seen = values.length): ThinnedSeries {
  return { values, every, seen };
}

/** Offers the next step's value; keeps it when its step is a multiple of the stride. */
export function pushThinned(series: ThinnedSeries, value: number, cap = THINNED_SERIES_CAP): void {
  if (!(Number.isInteger(cap) && cap >= 2))
    throw new RangeError(`a thinned series needs a cap of at least 2, got ${cap}`);
  if (series.seen % series.every === 0) {
    if (series.values.length >= cap) {
      // Halve: keep the even entries (steps 0, 2·every, …), so the new value's step must be a multiple of the new
      // stride to be kept too.
      let w = 0;
      for (let r = 0; r < series.values.length; r += 2) series.values[w++] = series.values[r];
      series.values.length = w;
      series.every *= 2;
    }
    if (series.seen % series.every === 0) series.values.push(value);
  }
  series.seen++;
}

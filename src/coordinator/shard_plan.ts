/**
 * Cutting a row range into shards sized by measured throughput ("scaling the population per node"):
 * each slot gets rows in proportion to its agents-per-second, so all finish at about the same time.
 */

export interface Range {
  readonly start: number;
  readonly end: number;
}

/**
 * Splits [start, end) into consecutive pieces proportional to `weights` (largest-remainder rounding; a
 * weight of 0 or a rounding to 0 rows gets an empty range). Sizes sum to end − start exactly.
 */
export function splitByWeights(range: Range, weights: readonly number[]): Range[] {
  const rows = range.end - range.start;
  const total = weights.reduce((a, w) => a + (w > 0 && Number.isFinite(w) ? w : 0), 0);
  const clean = weights.map((w) => (w > 0 && Number.isFinite(w) ? w : 0));
  const ideal = clean.map((w) => (total > 0 ? (rows * w) / total : rows / weights.length));
  const sizes = ideal.map(Math.floor);
  let left = rows - sizes.reduce((a, b) => a + b, 0);
  const order = ideal.map((v, i) => ({ i, frac: v - Math.floor(v) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) sizes[order[k].i]++;
  const out: Range[] = [];
  let at = range.start;
  for (const s of sizes) {
    out.push({ start: at, end: at + s });
    at += s;
  }
  return out;
}

/**
 * Throughput weights for slots: measured agents/s where known; unknown ones get the mean measured
 * throughput per thread times their threads (or just their threads when nothing is measured yet).
 */
export function throughputWeights(slots: readonly { threads: number; throughput: number | undefined }[]): number[] {
  const known = slots.filter((s) => s.throughput !== undefined && s.throughput > 0);
  const perThread =
    known.length > 0
      ? known.reduce((a, s) => a + (s.throughput as number) / Math.max(1, s.threads), 0) / known.length
      : 1;
  return slots.map((s) =>
    s.throughput !== undefined && s.throughput > 0 ? s.throughput : perThread * Math.max(1, s.threads),
  );
}

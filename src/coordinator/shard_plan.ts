/**
 * Shard sizing by measured throughput ("scaling the population per node"): each slot takes rows in
 * proportion to its agents-per-second, in shards that shrink as the generation nears its end (guided
 * self-scheduling), so all slots finish at about the same time even when agents differ in cost.
 */

export interface Range {
  readonly start: number;
  readonly end: number;
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

/** Shards per slot and generation below which guided scheduling stops shrinking them. */
export const MIN_SHARDS_PER_SLOT_SPLIT = 16;

/**
 * Guided self-scheduling: a slot with `share` of the cluster's throughput takes ⌈unassigned × share / 2⌉
 * rows, but never fewer than total / (slots × 16) (tiny shards cost more in messages than they balance).
 */
export function guidedShardSize(unassigned: number, total: number, share: number, slots: number): number {
  const floor = Math.max(1, Math.ceil(total / (Math.max(1, slots) * MIN_SHARDS_PER_SLOT_SPLIT)));
  const guided = Math.ceil((unassigned * (share > 0 && Number.isFinite(share) ? share : 1 / Math.max(1, slots))) / 2);
  return Math.max(1, Math.min(unassigned, Math.max(floor, guided)));
}

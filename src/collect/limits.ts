/**
 * What one client, one participant or the whole collection server may cost: submissions per minute per address,
 * bytes on disk per participant and in all, and request bodies held in memory at once. Each limit answers with a
 * status the browser's outbox understands (429/503/507 are retried later, other 4xx are final refusals).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Defaults of the `evoscale collect` limit flags (README "Collecting human play"). */
export const DEFAULT_COLLECT_LIMITS = {
  /** Episode submissions per minute from one client address (bursts of this many are fine). */
  ratePerMinute: 120,
  /** Bytes of one participant's `<participant>.jsonl` (a 1000-step LunarLander episode is ~0.2 MiB). */
  maxParticipantBytes: 256 * 1024 * 1024,
  /** Bytes of every file in the data folder together. */
  maxStoredBytes: 8 * 1024 * 1024 * 1024,
  /** Request bodies being received, parsed or replayed at once; each holds up to --max-body-bytes. */
  maxConcurrentBodies: 16,
} as const;

/**
 * A token bucket per key: `perMinute` tokens, refilled continuously. `take` returns 0 when the request may go, or
 * the seconds to wait before the next token. Idle buckets are forgotten so the map stays small.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  take(key: string): number {
    const t = this.now();
    const perMs = this.perMinute / 60_000;
    if (this.buckets.size > 10_000) this.forgetFull(t);
    const b = this.buckets.get(key) ?? { tokens: this.perMinute, at: t };
    b.tokens = Math.min(this.perMinute, b.tokens + (t - b.at) * perMs);
    b.at = t;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000));
  }

  private forgetFull(t: number): void {
    for (const [k, b] of this.buckets)
      if (b.tokens + (t - b.at) * (this.perMinute / 60_000) >= this.perMinute) this.buckets.delete(k);
  }
}

/** Bytes stored per participant and in all, seeded from the folder at startup and kept current on each append. */
export class StorageLedger {
  private readonly perParticipant = new Map<string, number>();
  private total = 0;

  /** Counts every file already in `dir` (torn-tail leftovers and foreign files take space too). */
  static ofFolder(dir: string): StorageLedger {
    const ledger = new StorageLedger();
    for (const f of readdirSync(dir)) {
      let size: number;
      try {
        const st = statSync(join(dir, f));
        if (!st.isFile()) continue;
        size = st.size;
      } catch {
        continue;
      }
      ledger.total += size;
      if (f.endsWith('.jsonl')) ledger.perParticipant.set(f.slice(0, -'.jsonl'.length), size);
    }
    return ledger;
  }

  participantBytes(participant: string): number {
    return this.perParticipant.get(participant) ?? 0;
  }

  totalBytes(): number {
    return this.total;
  }

  add(participant: string, bytes: number): void {
    this.perParticipant.set(participant, this.participantBytes(participant) + bytes);
    this.total += bytes;
  }
}

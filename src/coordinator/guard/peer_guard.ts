/**
 * Who the coordinator will not listen to for a while: peers (by routing id) that keep sending frames it must
 * refuse, and worker ids that were evicted or kept timing out. A key's first offences are only counted; after
 * `strikes` of them within `windowMs` it is refused for `baseMs`, and every later refusal of the same key
 * doubles that, up to `maxMs`. A key that stays clean for `forgetMs` starts over. The table is bounded: when
 * full, the entries least recently offending are forgotten first, so a flood of fresh ids cannot grow memory.
 */

export interface PeerGuardOptions {
  /** Offences within `windowMs` that earn a refusal (default 3). */
  readonly strikes?: number;
  readonly windowMs?: number;
  /** First refusal (default 10 s); doubled for each later one. */
  readonly baseMs?: number;
  /** Longest refusal (default 10 min). */
  readonly maxMs?: number;
  /** A key with no offence for this long is forgotten (default 30 min). */
  readonly forgetMs?: number;
  /** Keys remembered at most (default 10 000). */
  readonly maxKeys?: number;
  /** The clock (tests). */
  readonly now?: () => number;
}

interface Entry {
  strikes: number;
  windowStart: number;
  refusals: number;
  refusedUntil: number;
  lastOffence: number;
}

export class PeerGuard {
  private readonly entries = new Map<string, Entry>();
  private readonly strikes: number;
  private readonly windowMs: number;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly forgetMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(options: PeerGuardOptions = {}) {
    this.strikes = options.strikes ?? 3;
    this.windowMs = options.windowMs ?? 60_000;
    this.baseMs = options.baseMs ?? 10_000;
    this.maxMs = options.maxMs ?? 600_000;
    this.forgetMs = options.forgetMs ?? 1_800_000;
    this.maxKeys = options.maxKeys ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Milliseconds `key` is still refused for (0 when it is not). */
  refusedFor(key: string): number {
    const e = this.entries.get(key);
    if (e === undefined) return 0;
    return Math.max(0, e.refusedUntil - this.now());
  }

  /** Records a minor offence (a malformed frame); returns the refusal it earned in ms (0 for none yet). */
  offence(key: string): number {
    const now = this.now();
    const e = this.entry(key, now);
    if (now - e.windowStart > this.windowMs) {
      e.windowStart = now;
      e.strikes = 0;
    }
    e.strikes++;
    if (e.strikes < this.strikes) return 0;
    e.strikes = 0;
    return this.refuse(e, now);
  }

  /** Refuses `key` at once (an eviction, a shard timeout), for longer each time; returns the refusal in ms. */
  punish(key: string): number {
    const now = this.now();
    return this.refuse(this.entry(key, now), now);
  }

  /** Keys refused right now. */
  refusedCount(): number {
    const now = this.now();
    let n = 0;
    for (const e of this.entries.values()) if (e.refusedUntil > now) n++;
    return n;
  }

  private refuse(e: Entry, now: number): number {
    const ms = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(30, e.refusals));
    e.refusals++;
    e.refusedUntil = now + ms;
    return ms;
  }

  private entry(key: string, now: number): Entry {
    let e = this.entries.get(key);
    if (e !== undefined && now - e.lastOffence > this.forgetMs && e.refusedUntil <= now) {
      this.entries.delete(key);
      e = undefined;
    }
    if (e === undefined) {
      if (this.entries.size >= this.maxKeys) this.evictOldest(now);
      e = { strikes: 0, windowStart: now, refusals: 0, refusedUntil: 0, lastOffence: now };
    } else {
      // Re-inserted so the Map's order stays least-recently-offending first.
      this.entries.delete(key);
    }
    e.lastOffence = now;
    this.entries.set(key, e);
    return e;
  }

  private evictOldest(now: number): void {
    // Prefer forgetting keys that are not refused now; a table full of refused keys drops its oldest.
    for (const [k, e] of this.entries) {
      if (e.refusedUntil <= now) {
        this.entries.delete(k);
        return;
      }
    }
    const first = this.entries.keys().next();
    if (first.done !== true) this.entries.delete(first.value);
  }
}

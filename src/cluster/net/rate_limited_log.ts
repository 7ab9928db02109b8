/**
 * Log lines that a hostile peer cannot turn into a flood: each kind of line (refused handshake, malformed frame,
 * eviction, refusal) is written at most once per interval; the lines held back in between are counted and the
 * count is added to the next line of that kind.
 */
export class RateLimitedLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly log: ((line: string) => void) | undefined,
    private readonly intervalMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Writes `line` unless a line of `kind` was written less than the interval ago. */
  write(kind: string, line: string): void {
    if (this.log === undefined) return;
    const now = this.now();
    const state = this.last.get(kind);
    if (state !== undefined && now - state.at < this.intervalMs) {
      state.suppressed++;
      return;
    }
    const held = state?.suppressed ?? 0;
    this.last.set(kind, { at: now, suppressed: 0 });
    this.log(
      held > 0 ? `${line} (${held} more like it in the last ${Math.round(this.intervalMs / 1000)} s not shown)` : line,
    );
  }
}

/**
 * Serialises sends on one ZeroMQ socket: zeromq v6 allows a single send in flight per socket, while the
 * coordinator and workers send from many places (heartbeat timers, results, replies). A send that fails
 * (peer gone, timeout) is reported and the queue moves on; nothing here throws to the caller.
 */
export class SendQueue<T> {
  private readonly items: T[] = [];
  private running = false;
  private dropped = 0;

  constructor(
    private readonly sendOne: (item: T) => Promise<void>,
    private readonly onError: (item: T, err: unknown) => void,
    /** Items beyond this many waiting are dropped (a peer that does not read must not exhaust memory). */
    private readonly maxQueued = 10_000,
  ) {}

  /** Items dropped because the queue was full. */
  get droppedCount(): number {
    return this.dropped;
  }

  get length(): number {
    return this.items.length;
  }

  push(item: T): void {
    if (this.items.length >= this.maxQueued) {
      this.dropped++;
      return;
    }
    this.items.push(item);
    if (!this.running) void this.drain();
  }

  /** Resolves once everything queued so far has been sent (or failed). */
  async flush(): Promise<void> {
    while (this.running || this.items.length > 0) await new Promise((r) => setTimeout(r, 5));
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.items.length > 0) {
        const item = this.items.shift() as T;
        try {
          await this.sendOne(item);
        } catch (err) {
          this.onError(item, err);
        }
      }
    } finally {
      this.running = false;
    }
  }
}

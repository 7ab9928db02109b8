/**
 * The browser's outbox of finished episodes: each is stored before it is sent and removed only once the server
 * has acknowledged it, so a dropped connection, a server restart or a closed tab loses nothing. Episodes the server
 * refuses for good (a 4xx other than 408/429) move to a separate "rejected" list that is kept, never resent and
 * never deleted, so nothing a participant played disappears silently. Pure: storage and transport are injected.
 */
import type { HumanEpisode } from '../../shared/human/episode.js';

/** Durable key-value storage (IndexedDB in the browser, a Map in tests). */
export interface OutboxStore {
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every entry whose key starts with `prefix`. */
  list(prefix: string): Promise<{ key: string; value: string }[]>;
}

/** The server's answer to one submission. */
export interface SubmitResponse {
  readonly status: number;
  readonly body: unknown;
}

/** Sends one episode (its JSON text); rejects when the server cannot be reached. */
export type Submit = (json: string) => Promise<SubmitResponse>;

export interface Rejected {
  readonly id: string;
  readonly status: number;
  readonly message: string;
}

export interface FlushResult {
  /** Episodes the server acknowledged in this flush, with its answer. */
  readonly acked: { id: string; body: unknown }[];
  /** Episodes the server refused for good in this flush. */
  readonly rejected: Rejected[];
  /** Why sending stopped early (server unreachable or temporarily failing); absent when everything was sent. */
  error?: string;
}

const PENDING = 'pending/';
const REJECTED = 'rejected/';

function messageOf(body: unknown, status: number): string {
  if (typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string')
    return (body as { error: string }).error;
  return `HTTP ${status}`;
}

/** True for answers after which resending the same episode cannot succeed. */
function isFinalRefusal(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

export class Outbox {
  private running: Promise<FlushResult> | null = null;
  private again = false;

  constructor(
    private readonly store: OutboxStore,
    private readonly submit: Submit,
  ) {}

  /** Stores a finished episode durably; call `flush` to send it. */
  async add(episode: HumanEpisode): Promise<void> {
    await this.store.put(PENDING + episode.id, JSON.stringify(episode));
  }

  /** Episodes stored but not yet acknowledged, and episodes the server refused. */
  async counts(): Promise<{ pending: number; rejected: number }> {
    const [p, r] = await Promise.all([this.store.list(PENDING), this.store.list(REJECTED)]);
    return { pending: p.length, rejected: r.length };
  }

  /** The refusals kept so far (episode id, HTTP status, the server's message). */
  async rejections(): Promise<Rejected[]> {
    return (await this.store.list(REJECTED)).map((e) => {
      const v = JSON.parse(e.value) as { status: number; message: string };
      return { id: e.key.slice(REJECTED.length), status: v.status, message: v.message };
    });
  }

  /**
   * Sends every pending episode, oldest first, stopping at the first that cannot get through. Concurrent calls
   * share one run, which makes another pass if episodes were added meanwhile.
   */
  flush(): Promise<FlushResult> {
    if (this.running !== null) {
      this.again = true;
      return this.running;
    }
    const run = async (): Promise<FlushResult> => {
      const total: FlushResult = { acked: [], rejected: [] };
      do {
        this.again = false;
        const r = await this.pass();
        total.acked.push(...r.acked);
        total.rejected.push(...r.rejected);
        if (r.error !== undefined) {
          total.error = r.error;
          break;
        }
        delete total.error;
      } while (this.again);
      return total;
    };
    this.running = run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<FlushResult> {
    const out: FlushResult = { acked: [], rejected: [] };
    const entries = (await this.store.list(PENDING)).map((e) => ({
      ...e,
      startedAt: (JSON.parse(e.value) as { startedAt?: unknown }).startedAt,
    }));
    entries.sort((a, b) => String(a.startedAt).localeCompare(String(b.startedAt)) || a.key.localeCompare(b.key));
    for (const e of entries) {
      const id = e.key.slice(PENDING.length);
      let res: SubmitResponse;
      try {
        res = await this.submit(e.value);
      } catch (err) {
        out.error = `server unreachable (${err instanceof Error ? err.message : String(err)})`;
        return out;
      }
      if (res.status >= 200 && res.status < 300) {
        await this.store.delete(e.key);
        out.acked.push({ id, body: res.body });
      } else if (isFinalRefusal(res.status)) {
        const message = messageOf(res.body, res.status);
        // Kept with the episode itself, so whoever runs the study can inspect or resubmit it by hand.
        await this.store.put(REJECTED + id, JSON.stringify({ status: res.status, message, episode: e.value }));
        await this.store.delete(e.key);
        out.rejected.push({ id, status: res.status, message });
      } else {
        out.error = `server answered ${res.status}: ${messageOf(res.body, res.status)}`;
        return out;
      }
    }
    return out;
  }
}

/** An OutboxStore in memory, for tests (it is not durable). */
export class MemoryOutboxStore implements OutboxStore {
  readonly entries = new Map<string, string>();

  async put(key: string, value: string): Promise<void> {
    this.entries.set(key, value);
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async list(prefix: string): Promise<{ key: string; value: string }[]> {
    return [...this.entries].filter(([k]) => k.startsWith(prefix)).map(([key, value]) => ({ key, value }));
  }
}

/**
 * Durable browser storage for the outbox: IndexedDB (large quota: a day of offline LunarLander fits), else
 * localStorage where IndexedDB cannot be opened. Writes use IndexedDB's strict durability, so an episode is on disk
 * before it is sent.
 */
import type { OutboxStore } from '../client/outbox.js';

const DB_NAME = 'evoscale-collect';
const STORE = 'outbox';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
  });
}

class IdbOutboxStore implements OutboxStore {
  constructor(private readonly db: IDBDatabase) {}

  private async write(op: (s: IDBObjectStore) => void): Promise<void> {
    const tx = this.db.transaction(STORE, 'readwrite', { durability: 'strict' });
    op(tx.objectStore(STORE));
    await done(tx);
  }

  put(key: string, value: string): Promise<void> {
    return this.write((s) => s.put(value, key));
  }

  delete(key: string): Promise<void> {
    return this.write((s) => s.delete(key));
  }

  async list(prefix: string): Promise<{ key: string; value: string }[]> {
    const s = this.db.transaction(STORE, 'readonly').objectStore(STORE);
    const range = IDBKeyRange.bound(prefix, prefix + '\uffff');
    const [keys, values] = await Promise.all([request(s.getAllKeys(range)), request(s.getAll(range))]);
    return keys.map((k, i) => ({ key: String(k), value: String(values[i]) }));
  }
}

class LocalOutboxStore implements OutboxStore {
  private static readonly PREFIX = 'evoscale.outbox.';

  async put(key: string, value: string): Promise<void> {
    localStorage.setItem(LocalOutboxStore.PREFIX + key, value);
  }

  async delete(key: string): Promise<void> {
    localStorage.removeItem(LocalOutboxStore.PREFIX + key);
  }

  async list(prefix: string): Promise<{ key: string; value: string }[]> {
    const out: { key: string; value: string }[] = [];
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (k === null || !k.startsWith(LocalOutboxStore.PREFIX + prefix)) continue;
      out.push({ key: k.slice(LocalOutboxStore.PREFIX.length), value: localStorage.getItem(k) ?? '' });
    }
    return out;
  }
}

/** The best durable store this browser offers, and its name for the page. */
export async function openOutboxStore(): Promise<{ store: OutboxStore; kind: 'IndexedDB' | 'localStorage' }> {
  try {
    const open = indexedDB.open(DB_NAME, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    return { store: new IdbOutboxStore(await request(open)), kind: 'IndexedDB' };
  } catch {
    return { store: new LocalOutboxStore(), kind: 'localStorage' };
  }
}

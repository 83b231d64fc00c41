import { Observable } from '../lib/observable.ts';
import { readJson, writeJson, type KeyValueStore } from '../lib/key-value-store.ts';

/** A message typed but not yet acknowledged by the server. */
export interface OutboxItem {
  client_id: string;
  room_id: string;
  body: string;
  reply_to: string | null;
  created_at: number;
  /** Set when the server refused it for good (an error code): shown, kept until discarded. */
  error?: string;
}

/**
 * Messages waiting to be sent, kept on the device so that neither going offline nor closing
 * the page loses them. Each carries the `client_id` it is sent with, every time: the server
 * stores one message per (room, author, client_id), so resending after a lost reply can never
 * duplicate it. Every change re-reads the stored list first, so two tabs do not undo each other.
 */
export class Outbox {
  readonly items: Observable<readonly OutboxItem[]>;
  private readonly store: KeyValueStore;
  private readonly key: string;
  /** false once storage refused a write (private mode, quota): memory is then the truth. */
  private persistent = true;

  constructor(store: KeyValueStore, key: string) {
    this.store = store;
    this.key = key;
    this.items = new Observable<readonly OutboxItem[]>(this.read());
  }

  forRoom(roomId: string): OutboxItem[] {
    return this.items.get().filter((i) => i.room_id === roomId);
  }

  has(clientId: string): boolean {
    return this.items.get().some((i) => i.client_id === clientId);
  }

  add(item: OutboxItem): void {
    this.change((items) => [...items.filter((i) => i.client_id !== item.client_id), item]);
  }

  remove(clientId: string): void {
    this.change((items) => items.filter((i) => i.client_id !== clientId));
  }

  /** Marks an item refused (it is no longer sent automatically). */
  fail(clientId: string, error: string): void {
    this.change((items) => items.map((i) => (i.client_id === clientId ? { ...i, error } : i)));
  }

  /** Clears a refusal so the item is sent again. */
  retry(clientId: string): void {
    this.change((items) => items.map((i) => (i.client_id === clientId ? withoutError(i) : i)));
  }

  /** Picks up changes another tab stored. */
  reload(): void {
    this.items.set(this.read());
  }

  private change(edit: (items: readonly OutboxItem[]) => OutboxItem[]): void {
    const next = edit(this.persistent ? this.read() : this.items.get());
    this.persistent = writeJson(this.store, this.key, next);
    this.items.set(next);
  }

  private read(): OutboxItem[] {
    const stored = readJson<unknown>(this.store, this.key, []);
    return Array.isArray(stored) ? stored.filter(isItem) : [];
  }
}

function withoutError(item: OutboxItem): OutboxItem {
  const { error: _error, ...rest } = item;
  return rest;
}

function isItem(x: unknown): x is OutboxItem {
  const i = x as OutboxItem;
  return typeof i === 'object' && i !== null && typeof i.client_id === 'string' && typeof i.room_id === 'string' && typeof i.body === 'string';
}

import type { Message } from '../api/types.ts';

/** What `append` did: the messages new to the timeline, and whether a seq is still missing. */
export interface AppendResult {
  added: Message[];
  /** true while messages above a missing seq wait: fetch `after: lastSeq` to fill the gap. */
  gap: boolean;
}

/**
 * The messages of one room that this client holds: one unbroken run of seqs, oldest first
 * (deletes are tombstones, so seqs never have holes). Every change makes a new `messages`
 * array, so a view can compare by reference. A message is never held twice: a seq already
 * present is replaced (edits, echoes of our own posts), never added again.
 */
export class Timeline {
  private items: Message[] = [];
  /** Messages received above a missing seq, until the gap is filled. */
  private readonly ahead = new Map<number, Message>();
  private readonly seqOfId = new Map<string, number>();
  private newest = 0;
  private loaded = false;

  get messages(): readonly Message[] {
    return this.items;
  }

  /** The highest seq held with nothing missing below it down to `firstSeq` (0: none). */
  get lastSeq(): number {
    return this.newest;
  }

  get firstSeq(): number | undefined {
    return this.items[0]?.seq;
  }

  /** Whether a first page has been loaded: before it, `lastSeq` means nothing. */
  get isLoaded(): boolean {
    return this.loaded;
  }

  /** Whether older messages exist on the server. */
  get hasOlder(): boolean {
    return (this.items[0]?.seq ?? this.newest + 1) > 1;
  }

  /** Starts over from the newest page (ascending). `lastSeq` is the room's when the page is
   *  empty. Live messages that arrived above the page are kept. */
  reset(page: readonly Message[], roomLastSeq = 0): void {
    this.items = [...page].sort((a, b) => a.seq - b.seq);
    this.seqOfId.clear();
    this.index(this.items);
    this.newest = this.items.at(-1)?.seq ?? roomLastSeq;
    this.loaded = true;
    for (const seq of this.ahead.keys()) if (seq <= this.newest) this.ahead.delete(seq);
    this.append([]);
  }

  /** Adds an older page (ascending, ending just below `firstSeq`); returns how many were new. */
  prepend(page: readonly Message[]): number {
    const first = this.items[0]?.seq ?? this.newest + 1;
    const older = page.filter((m) => m.seq < first).sort((a, b) => a.seq - b.seq);
    if (older.length === 0) return 0;
    this.items = [...older, ...this.items];
    this.index(older);
    return older.length;
  }

  /** Adds live or recovered messages, in any order, each at most once. Before the first page
   *  is loaded they wait (as `ahead`) for `reset`. */
  append(incoming: readonly Message[]): AppendResult {
    const added: Message[] = [];
    let replaced = false;
    let next = this.items;
    for (const m of incoming) {
      if (m.seq <= this.newest) {
        const i = this.indexOfSeq(m.seq);
        if (i >= 0 && next[i] !== m) {
          if (next === this.items) next = [...next];
          next[i] = m;
          replaced = true;
        }
      } else {
        this.ahead.set(m.seq, m);
      }
    }
    if (!this.loaded) return { added, gap: false };
    let seq = this.newest + 1;
    for (let m = this.ahead.get(seq); m !== undefined; m = this.ahead.get(++seq)) {
      this.ahead.delete(seq);
      added.push(m);
    }
    if (added.length > 0) {
      this.newest = added.at(-1)!.seq;
      next = [...next, ...added];
      this.index(added);
    }
    if (added.length > 0 || replaced) this.items = next;
    return { added, gap: this.ahead.size > 0 };
  }

  /** Applies an edit or a delete to a held message (by seq); false when it is not held. */
  replace(message: Message): boolean {
    const i = this.indexOfSeq(message.seq);
    if (i < 0) return false;
    const next = [...this.items];
    next[i] = message;
    this.items = next;
    return true;
  }

  /** Marks a held message deleted (the tombstone the server keeps: body '', deleted). */
  markDeleted(seq: number): boolean {
    const i = this.indexOfSeq(seq);
    const held = this.items[i];
    if (!held) return false;
    return this.replace({ ...held, body: '', deleted: true });
  }

  bySeq(seq: number): Message | undefined {
    return this.items[this.indexOfSeq(seq)];
  }

  byId(id: string): Message | undefined {
    const seq = this.seqOfId.get(id);
    return seq === undefined ? undefined : this.bySeq(seq);
  }

  private index(messages: readonly Message[]): void {
    for (const m of messages) this.seqOfId.set(m.id, m.seq);
  }

  /** Seqs are contiguous, so a held seq sits at a computed index. */
  private indexOfSeq(seq: number): number {
    const first = this.items[0]?.seq;
    if (first === undefined) return -1;
    const i = seq - first;
    return i >= 0 && i < this.items.length && this.items[i]!.seq === seq ? i : -1;
  }
}

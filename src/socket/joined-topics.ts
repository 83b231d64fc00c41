/**
 * The channels one socket has joined, by topic. Most sockets hold one to three, so they are kept
 * in an array scanned by topic (at most LIMITS.maxChannelsPerSocket entries) instead of a Map,
 * whose hash table costs ~300 bytes per socket whatever it holds.
 */
export class JoinedTopics<T extends { readonly topic: string }> {
  private items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  get(topic: string): T | undefined {
    const items = this.items;
    for (let i = 0; i < items.length; i++) if (items[i]!.topic === topic) return items[i];
    return undefined;
  }

  /** Adds `item`, replacing the one of the same topic if there is one (its place is kept). */
  set(item: T): void {
    const items = this.items;
    for (let i = 0; i < items.length; i++) {
      if (items[i]!.topic === item.topic) {
        items[i] = item;
        return;
      }
    }
    items.push(item);
  }

  /** Removes the entry of `topic`; true when there was one. */
  delete(topic: string): boolean {
    const items = this.items;
    for (let i = 0; i < items.length; i++) {
      if (items[i]!.topic === topic) {
        items.splice(i, 1);
        return true;
      }
    }
    return false;
  }

  /** A copy, in join order: the caller may delete while walking it. */
  list(): T[] {
    return this.items.slice();
  }
}

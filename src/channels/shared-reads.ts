/**
 * One store read for many joins that ask the same thing at the same moment — a reconnect storm
 * (every member of a room rejoining with the same `last_seq`) or a room filling up (every joiner
 * asking for its `last_seq`).
 *
 * A read is started on the next turn of the event loop (setImmediate), and every request for
 * the same key made before then shares it. Sharing never loses a message: each joiner is
 * subscribed to the room before it asks (JoinBuffer), and the shared read starts after the
 * last of them asked, so it sees at least what each joiner's own read would have seen.
 * A read that has started is never joined by later requests.
 */
export class SharedReads {
  private readonly waiting = new Map<string, Promise<unknown>>();

  read<T>(key: string, load: () => Promise<T>): Promise<T> {
    const pending = this.waiting.get(key);
    if (pending) return pending as Promise<T>;
    const read = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.waiting.delete(key);
      return load();
    });
    this.waiting.set(key, read);
    return read;
  }
}

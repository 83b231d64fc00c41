/**
 * Group commit: writes submitted while one is in flight wait and then go together in the
 * next. Under load each commit carries everyone who queued behind the previous one, so N
 * concurrent callers cost about one commit each round instead of N, and nobody waits longer
 * than one commit behind. A write starts on the event loop's next turn (setImmediate), not at
 * once: with a synchronous driver (better-sqlite3) a write would otherwise finish before the
 * I/O events already waiting — other callers' completions — were even seen, and nothing would
 * ever be grouped. The cost for a lone caller is one loop turn. Each caller learns its own
 * result (or the error of the write it was part of). The outbox dispatcher settles sent
 * mails through one; AppendBatcher builds on it with a retry-one-by-one fallback.
 */
export class GroupCommit<T, R> {
  private readonly write: (items: T[]) => Promise<R[]>;
  private readonly maxBatch: number;
  private queue: { item: T; resolve: (result: R) => void; reject: (error: unknown) => void }[] = [];
  private flushing = false;

  /** `write` gets at most `maxBatch` items in submission order and answers one result per item, in that order. */
  constructor(write: (items: T[]) => Promise<R[]>, maxBatch = 512) {
    this.write = write;
    this.maxBatch = maxBatch;
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.flushing) return;
      this.flushing = true;
      setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const results = await this.write(batch.map((entry) => entry.item));
        batch.forEach((entry, i) => entry.resolve(results[i]!));
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    this.flushing = false;
  }
}

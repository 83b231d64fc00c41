import type { AppendResult, MessageRepository } from './store.ts';
import type { NewMessage } from './types.ts';

interface Pending {
  message: NewMessage;
  resolve: (result: AppendResult) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for message appends. Appends that arrive while a write is in flight are queued
 * and written together in one transaction by `appendMany`, so one fsync covers many messages
 * and throughput grows with load instead of collapsing. A lone append waits one turn of the
 * event loop (no timer), so the frames already read in the same I/O phase share its commit. Every caller still gets its own result only after its transaction
 * has committed. If a batch fails, its messages are retried one by one, so one bad message
 * never fails the others.
 */
export class AppendBatcher {
  private readonly repo: MessageRepository;
  private readonly maxBatch: number;
  private queue: Pending[] = [];
  /** True from the moment a drain is scheduled until the queue is empty. */
  private writing = false;

  constructor(repo: MessageRepository, maxBatch = 512) {
    this.repo = repo;
    this.maxBatch = maxBatch;
  }

  append(message: NewMessage): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      if (!this.writing) {
        // Start on the next turn of the event loop, not now: better-sqlite3 writes synchronously,
        // so a write started at once would finish before the other frames read in this same
        // I/O phase could join it, and every message would pay its own fsync.
        this.writing = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        await this.write(batch);
      }
    } finally {
      this.writing = false;
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    if (batch.length === 1) {
      const only = batch[0]!;
      await this.repo.append(only.message).then(only.resolve, only.reject);
      return;
    }
    let results: AppendResult[];
    try {
      results = await this.repo.appendMany(batch.map((p) => p.message));
    } catch {
      for (const p of batch) await this.repo.append(p.message).then(p.resolve, p.reject);
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]!));
  }
}

import { GroupCommit } from './group-commit.ts';
import type { AppendResult, MessageRepository } from './store.ts';
import type { NewMessage } from './types.ts';

type Outcome = { ok: true; result: AppendResult } | { ok: false; error: unknown };

/**
 * Group commit for message appends (on GroupCommit): appends that arrive while a write is in
 * flight, or in the same turn of the event loop, are written together by `appendMany` in one
 * transaction, so one fsync covers many messages. Every caller gets its own result only after
 * its transaction has committed. If a batch fails, its messages are retried one by one, so
 * one bad message never fails the others.
 */
export class AppendBatcher {
  private readonly commits: GroupCommit<NewMessage, Outcome>;

  constructor(repo: MessageRepository, maxBatch = 512) {
    this.commits = new GroupCommit((batch) => writeBatch(repo, batch), maxBatch);
  }

  async append(message: NewMessage): Promise<AppendResult> {
    const outcome = await this.commits.submit(message);
    if (!outcome.ok) throw outcome.error;
    return outcome.result;
  }
}

async function writeBatch(repo: MessageRepository, batch: NewMessage[]): Promise<Outcome[]> {
  if (batch.length > 1) {
    try {
      return (await repo.appendMany(batch)).map((result) => ({ ok: true, result }));
    } catch {
      // fall through: one by one, so only the bad message fails
    }
  }
  const outcomes: Outcome[] = [];
  for (const message of batch) {
    outcomes.push(await repo.append(message).then((result) => ({ ok: true as const, result }), (error: unknown) => ({ ok: false as const, error })));
  }
  return outcomes;
}

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { NewOutboxRow, Settlement } from '../../src/mail/outbox-repository.ts';
import type { Store } from '../../src/domain/store.ts';
import type { OpenedStore } from './store-contract.ts';

const T0 = 1_700_000_000_000;
const LEASE = 60_000;

/** Outbox ids sort like ULIDs: by the number given. */
export function outboxRow(n: number, over: Partial<NewOutboxRow> = {}): NewOutboxRow {
  const id = `01OUTBOX${String(n).padStart(18, '0')}`;
  return {
    id,
    message_key: 'ann:1:send',
    user_id: `u-${n}`,
    recipient: `member${n}@example.com`,
    from_address: 'Renraku <noreply@example.org>',
    reply_to: null,
    subject: `subject ${n}`,
    text_body: `body ${n}`,
    html_body: null,
    headers: {},
    message_id: `<${id}@example.org>`,
    created_at: T0 + n,
    ...over,
  };
}

/**
 * What every OutboxRepository must do, whatever the dialect. `open` gives a fresh, empty,
 * unmigrated database for each test.
 */
export function outboxContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`outbox repository: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await open());
      await store.migrate();
    });
    afterEach(async () => {
      await cleanup();
    });

    const claim = (claimer: string, now: number, limit = 100) => store.outbox.claim({ claimer, now, leaseUntil: now + LEASE, limit });
    /** Settles one row; true when the claimer still held it. */
    const settle = async (claimer: string, settlement: Settlement) => (await store.outbox.settle(claimer, [settlement])).has(settlement.id);

    it('enqueues once per (message_key, recipient), case-insensitively, across calls and within one', async () => {
      assert.equal(await store.outbox.enqueue([outboxRow(1), outboxRow(2)]), 2);
      const again = [
        outboxRow(3, { recipient: 'MEMBER1@example.com' }),
        outboxRow(4, { message_key: 'ann:1:remind:1', recipient: 'member1@example.com' }),
        outboxRow(5, { message_key: 'ann:1:remind:1', recipient: 'Member1@Example.com' }),
      ];
      assert.equal(await store.outbox.enqueue(again), 1);
      assert.equal(await store.outbox.enqueue([]), 0);
      const rows = await store.outbox.listByMessageKey('ann:1:send');
      assert.deepEqual(rows.map((r) => r.id), [outboxRow(1).id, outboxRow(2).id]);
      assert.deepEqual((await store.outbox.listByMessageKey('ann:1:remind:1')).map((r) => r.id), [outboxRow(4).id]);
    });

    it('keeps what it was given: headers, Japanese text, HTML, the state a new row starts in', async () => {
      const row = outboxRow(1, {
        subject: '【連絡】運動会のお知らせ', text_body: '保護者各位\n\n雨天中止です。', html_body: '<p>雨天中止です。</p>',
        headers: { 'List-Id': '3年B組 <class-3b.example.org>' }, reply_to: 'teacher@example.com',
      });
      await store.outbox.enqueue([row]);
      assert.deepEqual(await store.outbox.find(row.id), {
        ...row, status: 'queued', attempts: 0, next_attempt_at: row.created_at, lease_until: null, claimed_by: null, last_error: null, sent_at: null,
      });
      assert.equal(await store.outbox.find('nope'), undefined);
    });

    it('enqueues thousands in one call', async () => {
      const rows = Array.from({ length: 3000 }, (_, i) => outboxRow(i));
      assert.equal(await store.outbox.enqueue(rows), 3000);
      assert.equal((await store.outbox.countByStatus()).queued, 3000);
    });

    it('claims due rows oldest first, with a lease, counting the attempt; rows not due stay', async () => {
      await store.outbox.enqueue([outboxRow(3), outboxRow(1), outboxRow(2), outboxRow(9, { created_at: T0 + 1_000_000 })]);
      const taken = await claim('a', T0 + 100, 2);
      assert.deepEqual(taken.map((r) => [r.id, r.status, r.claimed_by, r.lease_until, r.attempts]), [
        [outboxRow(1).id, 'sending', 'a', T0 + 100 + LEASE, 1],
        [outboxRow(2).id, 'sending', 'a', T0 + 100 + LEASE, 1],
      ]);
      assert.deepEqual((await claim('b', T0 + 100)).map((r) => r.id), [outboxRow(3).id]);
      assert.deepEqual(await claim('c', T0 + 100), []);
      assert.deepEqual(await store.outbox.countByStatus(), { queued: 1, sending: 3, sent: 0, bounced: 0, failed: 0 });
    });

    it('takes a row over only when its lease ran out; the first claimer then changes nothing', async () => {
      await store.outbox.enqueue([outboxRow(1)]);
      const [first] = await claim('a', T0 + 10);
      assert.deepEqual(await claim('b', T0 + 10 + LEASE - 1), []);
      const [over] = await claim('b', T0 + 10 + LEASE);
      assert.equal(over?.id, first?.id);
      assert.equal(over?.attempts, 2);
      assert.equal(over?.claimed_by, 'b');
      const id = first!.id;
      const stale = await store.outbox.settle('a', [
        { id, status: 'sent', at: T0 + 20 }, { id, status: 'queued', nextAttemptAt: T0 + 30, error: 'x' },
        { id, status: 'failed', error: 'x' }, { id, status: 'bounced', code: 550, detail: 'x', at: T0 },
      ]);
      assert.deepEqual(stale, new Set());
      assert.equal(await store.outbox.release([id], 'a', T0), 0);
      assert.equal(await settle('b', { id, status: 'sent', at: T0 + 40 }), true);
      const sent = await store.outbox.find(id);
      assert.deepEqual([sent?.status, sent?.sent_at, sent?.lease_until], ['sent', T0 + 40, null]);
      assert.equal(await settle('b', { id, status: 'sent', at: T0 + 50 }), false, 'a settled row stays settled');
      assert.equal(await store.outbox.listBounces('u-1').then((b) => b.length), 0);
    });

    it('racing claimers get disjoint rows', async () => {
      await store.outbox.enqueue(Array.from({ length: 200 }, (_, i) => outboxRow(i)));
      const batches = await Promise.all(Array.from({ length: 8 }, (_, i) => claim(`c${i}`, T0 + 1000, 30)));
      const ids = batches.flat().map((r) => r.id);
      assert.equal(ids.length, 200);
      assert.equal(new Set(ids).size, 200);
      for (const [i, batch] of batches.entries()) assert.ok(batch.every((r) => r.claimed_by === `c${i}`));
    });

    it('retries: queued again at the given time with the error; released rows get their attempt back', async () => {
      await store.outbox.enqueue([outboxRow(1), outboxRow(2)]);
      const [a, b] = await claim('d', T0 + 10);
      assert.equal(await settle('d', { id: a!.id, status: 'queued', nextAttemptAt: T0 + 5000, error: '451 try later' }), true);
      assert.equal(await store.outbox.release([b!.id], 'd', T0 + 7000), 1);
      const [retried, released] = [await store.outbox.find(a!.id), await store.outbox.find(b!.id)];
      assert.deepEqual([retried?.status, retried?.attempts, retried?.next_attempt_at, retried?.last_error, retried?.claimed_by], ['queued', 1, T0 + 5000, '451 try later', null]);
      assert.deepEqual([released?.status, released?.attempts, released?.next_attempt_at], ['queued', 0, T0 + 7000]);
      assert.equal(await store.outbox.nextDueAt(), T0 + 5000);
      assert.deepEqual(await claim('d', T0 + 4999), []);
      assert.deepEqual((await claim('d', T0 + 7000)).map((r) => [r.id, r.attempts]), [[a!.id, 2], [b!.id, 1]]);
    });

    it('nextDueAt: the earliest queued due time or lease end; none when everything is settled', async () => {
      assert.equal(await store.outbox.nextDueAt(), undefined);
      await store.outbox.enqueue([outboxRow(1), outboxRow(50)]);
      assert.equal(await store.outbox.nextDueAt(), T0 + 1);
      const [row] = await claim('e', T0 + 10, 1);
      assert.equal(await store.outbox.nextDueAt(), T0 + 50);
      await settle('e', { id: row!.id, status: 'failed', error: 'rejected' });
      const [last] = await claim('e', T0 + 60, 1);
      assert.equal(await store.outbox.nextDueAt(), T0 + 60 + LEASE);
      await settle('e', { id: last!.id, status: 'sent', at: T0 + 70 });
      assert.equal(await store.outbox.nextDueAt(), undefined);
      assert.deepEqual(await store.outbox.countByStatus(), { queued: 0, sending: 0, sent: 1, bounced: 0, failed: 1 });
      assert.equal((await store.outbox.find(row!.id))?.last_error, 'rejected');
    });

    it('a bounce marks the row and is recorded against the member once', async () => {
      await store.outbox.enqueue([outboxRow(1, { user_id: 'u-x' }), outboxRow(2, { user_id: 'u-x' }), outboxRow(3, { user_id: null })]);
      const [one, two, three] = await claim('f', T0 + 10);
      // One commit for several rows, as the dispatcher's group commit writes them.
      const held = await store.outbox.settle('f', [
        { id: one!.id, status: 'bounced', code: 550, detail: '550 5.1.1 no such user', at: T0 + 20 },
        { id: two!.id, status: 'sent', at: T0 + 21 },
      ]);
      assert.deepEqual(held, new Set([one!.id, two!.id]));
      assert.equal((await store.outbox.find(one!.id))?.status, 'bounced');
      assert.equal((await store.outbox.find(one!.id))?.last_error, '550 5.1.1 no such user');
      // A DSN arriving later for a mail the relay accepted, then the same DSN again.
      assert.equal(await store.outbox.recordBounce(two!.id, { code: 0, detail: 'DSN: mailbox full', at: T0 + 30 }), true);
      assert.equal(await store.outbox.recordBounce(two!.id, { code: 0, detail: 'DSN again', at: T0 + 31 }), false);
      assert.equal(await store.outbox.recordBounce('no-such-row', { code: 550, detail: 'forged', at: T0 }), false);
      assert.equal(await settle('f', { id: three!.id, status: 'bounced', code: 554, detail: 'refused', at: T0 + 40 }), true);
      assert.deepEqual(await store.outbox.listBounces('u-x'), [
        { outbox_id: two!.id, user_id: 'u-x', recipient: 'member2@example.com', code: 0, detail: 'DSN: mailbox full', created_at: T0 + 30 },
        { outbox_id: one!.id, user_id: 'u-x', recipient: 'member1@example.com', code: 550, detail: '550 5.1.1 no such user', created_at: T0 + 20 },
      ]);
      assert.equal(await store.outbox.countBounces('u-x', T0), 2);
      assert.equal(await store.outbox.countBounces('u-x', T0 + 25), 1);
      assert.equal(await store.outbox.countBounces('u-nobody', T0), 0);
    });
  });
}

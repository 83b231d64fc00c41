import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Announcement, Attachment } from '../../src/announcements/types.ts';
import { AppError } from '../../src/domain/app-error.ts';
import type { Store } from '../../src/domain/store.ts';
import type { UserWithPassword } from '../../src/domain/types.ts';
import type { NewOutboxRow } from '../../src/mail/outbox-repository.ts';
import type { OpenedStore } from './store-contract.ts';

const T0 = 1_700_000_000_000;

function user(key: string): UserWithPassword {
  return { id: `u-${key}`, email: `${key}@example.com`, name: `User ${key}`, password_hash: 'x', created_at: T0, email_verified: true, language: null };
}

function announcement(n: number, over: Partial<Announcement> = {}): Announcement {
  return {
    id: `a-${String(n).padStart(4, '0')}`, group_id: 'g-1', author_id: 'u-owner', title: `Notice ${n}`, body: 'お知らせ本文',
    audience: { all: false, subgroup_ids: ['s-1'], user_ids: ['u-a'] }, email: true, answer_spec: { type: 'attendance' },
    deadline: T0 + 1_000_000, status: 'draft', send_at: null, sent_at: null, created_at: T0 + n, updated_at: T0 + n,
    remind_count: 2, remind_interval_ms: 1_800_000, deadline_remind_ms: 86_400_000, manual_reminded_at: null, ...over,
  };
}

function attachment(id: string, over: Partial<Attachment> = {}): Attachment {
  return { id, group_id: 'g-1', announcement_id: null, uploaded_by: 'u-owner', filename: '資料.pdf', content_type: 'application/pdf', size: 123, created_at: T0, ...over };
}

function code(c: string) {
  return (e: unknown) => e instanceof AppError && e.code === c;
}

/**
 * What the announcement repository must do on every dialect. `open` gives a fresh, empty,
 * unmigrated database per test. World: group g-1 (owner; members a, b, c), group g-2 (owner
 * and a), and d who is in no group.
 */
export function announcementContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`announcement repository: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await open());
      await store.migrate();
      for (const key of ['owner', 'a', 'b', 'c', 'd']) await store.users.create(user(key));
      await store.groups.create({ id: 'g-1', name: 'One', slug: 'one', created_by: 'u-owner', created_at: T0 }, T0);
      await store.groups.create({ id: 'g-2', name: 'Two', slug: 'two', created_by: 'u-owner', created_at: T0 }, T0);
      for (const key of ['a', 'b', 'c']) await store.groups.addMember({ group_id: 'g-1', user_id: `u-${key}`, role: 'member', joined_at: T0 });
      await store.groups.addMember({ group_id: 'g-2', user_id: 'u-a', role: 'member', joined_at: T0 });
    });
    afterEach(async () => {
      await cleanup();
    });

    it('stores and reads back an announcement exactly (JSON fields, booleans, nulls)', async () => {
      const a = announcement(1, { email: false, answer_spec: { type: 'date_poll', slots: [{ id: 's1', start: T0, end: null, label: '土曜' }] } });
      await store.announcements.create(a, [], 'u-owner');
      assert.deepEqual(await store.announcements.findById(a.id), a);
      assert.equal(await store.announcements.findById('nope'), undefined);
    });

    it('edits and cancels only while unsent; exactly one of two racing sends wins', async () => {
      const a = announcement(1);
      await store.announcements.create(a, [], 'u-owner');
      const edited = await store.announcements.updateUnsent({ ...a, title: 'Edited', status: 'scheduled', send_at: T0 + 50, updated_at: T0 + 9 }, undefined, 'u-owner');
      assert.deepEqual(edited, { ...a, title: 'Edited', status: 'scheduled', send_at: T0 + 50, updated_at: T0 + 9 });
      const results = await Promise.all([
        store.announcements.markSent(a.id, T0 + 100, ['u-a', 'u-b']),
        store.announcements.markSent(a.id, T0 + 101, ['u-a', 'u-b', 'u-c']),
      ]);
      assert.deepEqual(results.filter(Boolean).length, 1, `one winner, got ${JSON.stringify(results)}`);
      const sent = await store.announcements.findById(a.id);
      assert.equal(sent?.status, 'sent');
      const winner = results[0] ? ['u-a', 'u-b'] : ['u-a', 'u-b', 'u-c'];
      assert.deepEqual((await store.announcements.listRecipients(a.id)).map((r) => r.user_id), winner);
      assert.equal(await store.announcements.updateUnsent({ ...a, title: 'Too late' }, undefined, 'u-owner'), undefined);
      assert.equal(await store.announcements.deleteUnsent(a.id), false);
      assert.equal((await store.announcements.findById(a.id))?.title, 'Edited');

      const b = announcement(2);
      await store.announcements.create(b, [], 'u-owner');
      assert.equal(await store.announcements.deleteUnsent(b.id), true);
      assert.equal(await store.announcements.findById(b.id), undefined);
    });

    it('materialises thousands of recipients in one send (more rows than one statement takes)', async () => {
      const many = Array.from({ length: 11_000 }, (_, i) => user(`m${String(i).padStart(5, '0')}`));
      await store.bulk.insertUsers(many, many.map((u) => ({ group_id: 'g-1', user_id: u.id, role: 'member' as const, joined_at: T0 })));
      const a = announcement(1);
      await store.announcements.create(a, [], 'u-owner');
      assert.equal(await store.announcements.markSent(a.id, T0, many.map((u) => u.id)), true);
      const stats = await store.announcements.stats(a.id);
      assert.deepEqual([stats.recipient_count, stats.read_count, stats.answered_count], [11_000, 0, 0]);
      const unread = await store.announcements.unreadCounts('g-1', many.slice(0, 3).map((u) => u.id));
      assert.deepEqual([...unread.values()], [1, 1, 1]);
    });

    it('a send commits its mail with it: outbox rows from the render, or — when rendering fails — nothing at all', async () => {
      const mailRow = (to: { user_id: string; email: string }, key: string): NewOutboxRow => ({
        id: `o-${key}-${to.user_id}`, message_key: key, user_id: to.user_id, recipient: to.email, from_address: 'noreply@example.com', reply_to: null,
        subject: 'Notice', text_body: 'text', html_body: null, headers: {}, message_id: `<o-${key}-${to.user_id}@example.com>`, created_at: T0,
      });
      const a = announcement(1);
      await store.announcements.create(a, [], 'u-owner');
      const rendered: string[][] = [];
      const sent = await store.announcements.markSent(a.id, T0, ['u-a', 'u-b'], {
        render: (contacts) => {
          rendered.push(contacts.map((c) => c.user_id));
          return contacts.map((c) => mailRow(c, 'ann:a-0001:send'));
        },
      });
      assert.equal(sent, true);
      assert.deepEqual(rendered, [['u-a', 'u-b']], 'rendered for the recipients just inserted');
      assert.deepEqual((await store.outbox.listByMessageKey('ann:a-0001:send')).map((m) => [m.user_id, m.recipient, m.status]), [
        ['u-a', 'a@example.com', 'queued'], ['u-b', 'b@example.com', 'queued'],
      ]);

      const b = announcement(2);
      await store.announcements.create(b, [], 'u-owner');
      const failing = store.announcements.markSent(b.id, T0, ['u-a', 'u-b'], {
        render: () => {
          throw new RangeError('Invalid time value');
        },
      });
      await assert.rejects(failing, RangeError);
      assert.equal((await store.announcements.findById(b.id))?.status, 'draft', 'not sent');
      assert.deepEqual(await store.announcements.listRecipients(b.id), []);
      assert.equal(await store.announcements.markSent(b.id, T0 + 1, ['u-a'], { render: (contacts) => contacts.map((c) => mailRow(c, 'ann:a-0002:send')) }), true, 'a later send still wins');
      assert.equal((await store.outbox.listByMessageKey('ann:a-0002:send')).length, 1);
    });

    it('read and answer: first read kept, answers change, counts and the tally inputs follow', async () => {
      const a = announcement(1);
      await store.announcements.create(a, [], 'u-owner');
      await store.announcements.markSent(a.id, T0, ['u-a', 'u-b', 'u-c']);
      const first = await store.announcements.markRead(a.id, 'u-a', T0 + 10);
      assert.deepEqual([first?.changed, first?.recipient.read_at], [true, T0 + 10]);
      const again = await store.announcements.markRead(a.id, 'u-a', T0 + 20);
      assert.deepEqual([again?.changed, again?.recipient.read_at], [false, T0 + 10]);
      assert.equal(await store.announcements.markRead(a.id, 'u-d', T0), undefined);

      const answered = await store.announcements.saveAnswer(a.id, 'u-b', { type: 'attendance', choice: 'yes', comment: '○です' }, T0 + 30);
      assert.deepEqual(answered, { announcement_id: a.id, user_id: 'u-b', read_at: T0 + 30, answer: { type: 'attendance', choice: 'yes', comment: '○です' }, answered_at: T0 + 30, reminders_sent: 0 });
      const changed = await store.announcements.saveAnswer(a.id, 'u-b', { type: 'attendance', choice: 'no', comment: null }, T0 + 40);
      assert.deepEqual([changed?.read_at, changed?.answered_at, changed?.answer], [T0 + 30, T0 + 40, { type: 'attendance', choice: 'no', comment: null }]);
      assert.equal(await store.announcements.saveAnswer(a.id, 'u-d', { type: 'attendance', choice: 'no', comment: null }, T0), undefined);

      assert.deepEqual(await store.announcements.stats(a.id), { recipient_count: 3, read_count: 2, answered_count: 1, answers: [{ type: 'attendance', choice: 'no', comment: null }] });
      assert.deepEqual(await store.announcements.counts([a.id, 'nope']), new Map([[a.id, { recipient_count: 3, read_count: 2, answered_count: 1 }]]));
      assert.deepEqual(await store.announcements.findRecipient(a.id, 'u-c'), { announcement_id: a.id, user_id: 'u-c', read_at: null, answer: null, answered_at: null, reminders_sent: 0 });
      assert.deepEqual((await store.announcements.listRecipients(a.id)).map((r) => [r.name, r.read_at]), [['User a', T0 + 10], ['User b', T0 + 30], ['User c', null]]);
    });

    it('unread counts per user and per group, for groups the user is still in', async () => {
      const one = announcement(1);
      const two = announcement(2, { group_id: 'g-2' });
      for (const a of [one, two]) await store.announcements.create(a, [], 'u-owner');
      await store.announcements.markSent(one.id, T0, ['u-a', 'u-b']);
      await store.announcements.markSent(two.id, T0, ['u-a']);
      await store.announcements.markRead(one.id, 'u-b', T0);
      assert.deepEqual(await store.announcements.unreadCounts('g-1', ['u-a', 'u-b', 'u-c']), new Map([['u-a', 1], ['u-b', 0], ['u-c', 0]]));
      assert.deepEqual(await store.announcements.unreadByGroup('u-a'), [{ group_id: 'g-1', count: 1 }, { group_id: 'g-2', count: 1 }]);
      await store.groups.removeMember('g-2', 'u-a');
      assert.deepEqual(await store.announcements.unreadByGroup('u-a'), [{ group_id: 'g-1', count: 1 }]);
    });

    it('contacts: unread below a round, unanswered; mail preference as it stands now', async () => {
      const a = announcement(1);
      await store.announcements.create(a, [], 'u-owner');
      await store.announcements.markSent(a.id, T0, ['u-a', 'u-b', 'u-c']);
      await store.announcements.markRead(a.id, 'u-a', T0);
      await store.announcements.saveAnswer(a.id, 'u-c', { type: 'attendance', choice: 'yes', comment: null }, T0);
      assert.equal(await store.announcements.setMailDelivery('g-1', 'u-b', 'none'), true);
      assert.equal(await store.announcements.getMailDelivery('g-1', 'u-b'), 'none');
      assert.equal(await store.announcements.getMailDelivery('g-1', 'u-a'), 'each');
      assert.equal(await store.announcements.setMailDelivery('g-1', 'u-d', 'none'), false);

      const ids = async (filter: Parameters<Store['announcements']['contacts']>[1]) => (await store.announcements.contacts(a.id, filter)).map((c) => c.user_id);
      assert.deepEqual(await store.announcements.contacts(a.id, { kind: 'unread' }), [{ user_id: 'u-b', name: 'User b', email: 'b@example.com', mail_delivery: 'none' }]);
      assert.deepEqual(await ids({ kind: 'all' }), ['u-a', 'u-b', 'u-c']);
      assert.deepEqual(await ids({ kind: 'unanswered' }), ['u-a', 'u-b']);
      await store.announcements.markReminded(a.id, ['u-b'], 1);
      assert.deepEqual(await ids({ kind: 'unread', belowRound: 1 }), []);
      assert.deepEqual(await ids({ kind: 'unread', belowRound: 2 }), ['u-b']);
      await store.announcements.markReminded(a.id, ['u-b'], 2);
      await store.announcements.markReminded(a.id, ['u-b'], 1);
      assert.equal((await store.announcements.findRecipient(a.id, 'u-b'))?.reminders_sent, 2, 'a round is never lowered');
      await store.groups.removeMember('g-1', 'u-b');
      assert.equal((await store.announcements.contacts(a.id, { kind: 'unread' }))[0]?.mail_delivery, null);
    });

    it('a manual reminder is claimed at most once per interval', async () => {
      const a = announcement(1);
      await store.announcements.create(a, [], 'u-owner');
      assert.equal(await store.announcements.claimManualReminder(a.id, T0 + 100, T0 + 100 - 50), true);
      assert.equal(await store.announcements.claimManualReminder(a.id, T0 + 120, T0 + 120 - 50), false);
      assert.equal(await store.announcements.claimManualReminder(a.id, T0 + 150, T0 + 150 - 50), true);
      assert.equal((await store.announcements.findById(a.id))?.manual_reminded_at, T0 + 150);
    });

    it('lists what a viewer may see, newest first, with their own row', async () => {
      const sentToA = announcement(1, { author_id: 'u-b' });
      const sentToC = announcement(2, { author_id: 'u-b' });
      const draftOfA = announcement(3, { author_id: 'u-a' });
      const draftOfB = announcement(4, { author_id: 'u-b' });
      const elsewhere = announcement(5, { group_id: 'g-2' });
      for (const x of [sentToA, sentToC, draftOfA, draftOfB, elsewhere]) await store.announcements.create(x, [], x.author_id);
      await store.announcements.markSent(sentToA.id, T0, ['u-a']);
      await store.announcements.markSent(sentToC.id, T0, ['u-c']);
      await store.announcements.markRead(sentToA.id, 'u-a', T0 + 5);
      const list = async (viewerId: string, seesAllSent: boolean, seesAllUnsent: boolean, before?: string) =>
        (await store.announcements.list('g-1', { viewerId, seesAllSent, seesAllUnsent, limit: 10, ...(before ? { before } : {}) }))
          .map((x) => [x.announcement.id, x.mine?.read_at ?? null]);
      assert.deepEqual(await list('u-a', false, false), [[draftOfA.id, null], [sentToA.id, T0 + 5]]);
      assert.deepEqual(await list('u-b', false, false), [[draftOfB.id, null], [sentToC.id, null], [sentToA.id, null]]);
      assert.deepEqual(await list('u-c', true, false), [[sentToC.id, null], [sentToA.id, null]]);
      assert.deepEqual(await list('u-owner', true, true), [[draftOfB.id, null], [draftOfA.id, null], [sentToC.id, null], [sentToA.id, null]]);
      assert.deepEqual(await list('u-owner', true, true, draftOfA.id), [[sentToC.id, null], [sentToA.id, null]]);
      const page = await store.announcements.list('g-1', { viewerId: 'u-owner', seesAllSent: true, seesAllUnsent: true, limit: 1 });
      assert.equal(page.length, 1);
    });

    it('attachments: claimed by an announcement in one transaction, or nothing is stored', async () => {
      await store.announcements.createAttachment(attachment('f-1'));
      await store.announcements.createAttachment(attachment('f-2'));
      await store.announcements.createAttachment(attachment('f-other-user', { uploaded_by: 'u-a' }));
      await store.announcements.createAttachment(attachment('f-other-group', { group_id: 'g-2' }));
      assert.deepEqual(await store.announcements.findAttachment('f-1'), attachment('f-1'));

      for (const bad of ['f-other-user', 'f-other-group', 'f-none']) {
        await assert.rejects(store.announcements.create(announcement(9), ['f-1', bad], 'u-owner'), code('attachment_not_found'), bad);
        assert.equal(await store.announcements.findById(announcement(9).id), undefined, 'the announcement was not stored');
        assert.equal((await store.announcements.findAttachment('f-1'))?.announcement_id, null, 'nor was f-1 claimed');
      }
      const a = announcement(1);
      await store.announcements.create(a, ['f-1', 'f-2', 'f-1'], 'u-owner');
      assert.deepEqual((await store.announcements.listAttachments([a.id])).map((x) => x.id), ['f-1', 'f-2']);
      await assert.rejects(store.announcements.create(announcement(2), ['f-1'], 'u-owner'), code('attachment_not_found'), 'taken by another');

      // An owner editing someone's announcement keeps its attachments; unlisted ones are released.
      await store.announcements.updateUnsent(a, ['f-2'], 'u-a');
      assert.deepEqual((await store.announcements.listAttachments([a.id])).map((x) => x.id), ['f-2']);
      assert.equal((await store.announcements.findAttachment('f-1'))?.announcement_id, null);
      await store.announcements.updateUnsent(a, [], 'u-owner');
      assert.deepEqual(await store.announcements.listAttachments([a.id]), []);

      await store.announcements.updateUnsent(a, ['f-2'], 'u-owner');
      await store.announcements.deleteUnsent(a.id);
      assert.equal((await store.announcements.findAttachment('f-2'))?.announcement_id, null, 'cancelling releases its attachments');
      await store.announcements.createAttachment(attachment('f-new', { created_at: T0 + 10_000 }));
      assert.deepEqual((await store.announcements.deleteUnclaimedAttachments(T0 + 1)).sort(), ['f-1', 'f-2', 'f-other-group', 'f-other-user']);
      assert.deepEqual(await store.announcements.deleteUnclaimedAttachments(T0 + 1), []);
      assert.ok(await store.announcements.findAttachment('f-new'));
    });
  });
}

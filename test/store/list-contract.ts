import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Store } from '../../src/domain/store.ts';
import type { NewListPost } from '../../src/lists/types.ts';
import type { InboundRecipient } from '../../src/mail/inbound/inbound-handler.ts';
import type { OpenedStore } from './store-contract.ts';

const T0 = 1_700_000_000_000;
const id = (prefix: string, n: number) => `${prefix}${String(n).padStart(26 - prefix.length, '0')}`;
const GROUP = id('01GROUP', 1);
const OWNER = id('01USER', 1);
const MEMBER = id('01USER', 2);

function post(n: number, over: Partial<NewListPost> = {}): NewListPost {
  return {
    id: id('01POST', n), group_id: GROUP, inbound_id: id('01INBOUND', n), status: 'published', reason: null,
    from_address: 'owner@example.test', from_name: 'Owner', user_id: OWNER, subject: `subject ${n}`, text_body: `text ${n}`, html_body: null,
    message_id: `<m${n}@example.test>`, in_reply_to: null, references: null, published_at: T0 + n, created_at: T0 + n, ...over,
  };
}

const listRecipient: InboundRecipient = { kind: 'list', address: 'club@lists.test', groupId: GROUP };
const joinRecipient: InboundRecipient = { kind: 'join', address: 'club+join@lists.test', groupId: GROUP };

/**
 * What the list and inbound repositories must do, whatever the dialect. `open` gives a fresh,
 * empty, unmigrated database for each test.
 */
export function listContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`list and inbound repositories: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await open());
      await store.migrate();
      await store.users.create({ id: OWNER, email: 'owner@example.test', name: 'Owner', password_hash: 'x', created_at: T0 });
      await store.users.create({ id: MEMBER, email: 'member@example.test', name: 'Member', password_hash: 'x', created_at: T0 });
      await store.groups.create({ id: GROUP, name: 'Club', slug: 'club', created_by: OWNER, created_at: T0 }, T0);
      await store.groups.addMember({ group_id: GROUP, user_id: MEMBER, role: 'member', joined_at: T0 });
    });
    afterEach(async () => {
      await cleanup();
    });

    it('settings: defaults without a row, partial updates, the first list room wins', async () => {
      assert.deepEqual(await store.lists.getSettings(GROUP), { group_id: GROUP, mode: 'announce', from_rewrite: true, time_zone: 'UTC', room_id: null, updated_at: 0 });
      const put = await store.lists.putSettings(GROUP, { mode: 'discussion' }, T0 + 1);
      assert.equal(put.mode, 'discussion');
      assert.equal(put.from_rewrite, true);
      await store.lists.putSettings(GROUP, { from_rewrite: false, time_zone: 'Asia/Tokyo' }, T0 + 2);
      for (const roomId of [id('01ROOM', 1), id('01ROOM', 2)]) {
        await store.rooms.create({ id: roomId, group_id: GROUP, name: 'list', created_by: OWNER, created_at: T0, last_seq: 0 });
      }
      assert.equal(await store.lists.claimRoom(GROUP, id('01ROOM', 1), T0 + 3), id('01ROOM', 1));
      assert.equal(await store.lists.claimRoom(GROUP, id('01ROOM', 2), T0 + 4), id('01ROOM', 1));
      assert.deepEqual(await store.lists.getSettings(GROUP), { group_id: GROUP, mode: 'discussion', from_rewrite: false, time_zone: 'Asia/Tokyo', room_id: id('01ROOM', 1), updated_at: T0 + 2 });
    });

    it('members: delivery from the membership, self-copy default on, recipients with both', async () => {
      assert.equal(await store.lists.getDelivery(GROUP, MEMBER), 'each');
      assert.equal(await store.lists.getSelfCopy(GROUP, MEMBER), true);
      assert.equal(await store.lists.setDelivery(GROUP, MEMBER, 'digest'), true);
      assert.equal(await store.lists.setDelivery(GROUP, id('01USER', 9), 'none'), false);
      await store.lists.setSelfCopy(GROUP, OWNER, false);
      await store.lists.setSelfCopy(GROUP, OWNER, false);
      assert.deepEqual(await store.lists.listRecipients(GROUP), [
        { user_id: OWNER, name: 'Owner', email: 'owner@example.test', delivery: 'each', self_copy: false },
        { user_id: MEMBER, name: 'Member', email: 'member@example.test', delivery: 'digest', self_copy: true },
      ]);
      assert.deepEqual(await store.lists.groupsWithDigestReaders(), [GROUP]);
    });

    it('posts: one per (inbound message, group); attachments with it; a decision is taken once', async () => {
      const attachment = { id: id('01ATT', 1), post_id: id('01POST', 1), filename: 'a.pdf', content_type: 'application/pdf', size: 3, created_at: T0 };
      const first = await store.lists.insertPost(post(1, { status: 'held', reason: 'not_member', user_id: null, published_at: null }), [attachment]);
      assert.equal(first.created, true);
      const again = await store.lists.insertPost(post(2, { inbound_id: id('01INBOUND', 1) }), []);
      assert.equal(again.created, false);
      assert.equal(again.post.id, id('01POST', 1), 'the first post is returned');
      assert.deepEqual(await store.lists.listAttachments([id('01POST', 1)]), [attachment]);
      assert.deepEqual(await store.lists.findAttachment(attachment.id), attachment);
      assert.equal((await store.lists.listPosts(GROUP, 'held', { limit: 10 })).length, 1);

      assert.equal(await store.lists.decide(id('01POST', 1), 'published', OWNER, T0 + 100), true);
      assert.equal(await store.lists.decide(id('01POST', 1), 'rejected', OWNER, T0 + 101), false);
      const decided = (await store.lists.findPost(id('01POST', 1)))!;
      assert.equal(decided.status, 'published');
      assert.equal(decided.published_at, T0 + 100);
      assert.equal(decided.decided_by, OWNER);
      await store.lists.setRoomMessage(decided.id, 'message-1');
      assert.equal((await store.lists.findPost(decided.id))!.room_message_id, 'message-1');
    });

    it('published posts of a time window, oldest first; a digest is recorded once per day', async () => {
      await store.lists.insertPost(post(3, { published_at: T0 + 30 }), []);
      await store.lists.insertPost(post(4, { published_at: T0 + 10 }), []);
      await store.lists.insertPost(post(5, { status: 'held', published_at: null }), []);
      await store.lists.insertPost(post(6, { published_at: T0 + 50 }), []);
      assert.deepEqual((await store.lists.publishedBetween(GROUP, T0 + 10, T0 + 50)).map((p) => p.id), [id('01POST', 4), id('01POST', 3)]);
      assert.equal(await store.lists.findDigest(GROUP, '2026-11-30'), false);
      assert.equal(await store.lists.recordDigest(GROUP, '2026-11-30', 2, T0), true);
      assert.equal(await store.lists.recordDigest(GROUP, '2026-11-30', 2, T0), false);
      assert.equal(await store.lists.findDigest(GROUP, '2026-11-30'), true);
    });

    it('inbound: a retry of the same message stores nothing; a new recipient of it is stored; processing is tracked', async () => {
      const message = (n: number) => ({ id: id('01MSG', n), dedupe_key: 'mid:<a@example.test>', envelope_from: 'owner@example.test', raw: Buffer.from(`raw ${n}\r\n\u00ff`, 'latin1'), parsed: { subject: 'x' }, received_at: T0 + n });
      assert.deepEqual(await store.inbound.commit(message(1), [listRecipient]), [listRecipient]);
      assert.deepEqual(await store.inbound.commit(message(2), [listRecipient]), []);
      assert.equal(await store.inbound.findMessage(id('01MSG', 2)), undefined, 'a retry keeps no second copy');
      assert.deepEqual(await store.inbound.commit(message(3), [listRecipient, joinRecipient]), [joinRecipient]);
      const stored = (await store.inbound.findMessage(id('01MSG', 1)))!;
      assert.deepEqual(stored.raw, message(1).raw, 'raw bytes kept exactly');
      assert.deepEqual(stored.parsed, { subject: 'x' });

      const pending = await store.inbound.listUnprocessed({ limit: 10, maxAttempts: 2 });
      assert.deepEqual(pending.map((d) => [d.message_id, d.address, d.kind, d.group_id]), [
        [id('01MSG', 1), 'club@lists.test', 'list', GROUP],
        [id('01MSG', 3), 'club+join@lists.test', 'join', GROUP],
      ]);
      await store.inbound.startAttempt(id('01MSG', 1), 'club@lists.test');
      await store.inbound.markProcessed(id('01MSG', 1), 'club@lists.test', T0 + 5);
      await store.inbound.startAttempt(id('01MSG', 3), 'club+join@lists.test');
      await store.inbound.markFailed(id('01MSG', 3), 'club+join@lists.test', 'boom');
      assert.deepEqual((await store.inbound.listUnprocessed({ limit: 10, maxAttempts: 2 })).map((d) => [d.attempts, d.last_error]), [[1, 'boom']]);
      await store.inbound.startAttempt(id('01MSG', 3), 'club+join@lists.test');
      assert.deepEqual(await store.inbound.listUnprocessed({ limit: 10, maxAttempts: 2 }), [], 'out of attempts');
      assert.deepEqual((await store.inbound.listUnprocessed({ limit: 10, maxAttempts: 9, receivedBefore: T0 + 3 })).map((d) => d.message_id), [], 'only older messages');
      assert.equal((await store.inbound.listUnprocessed({ limit: 10, maxAttempts: 9, receivedBefore: T0 + 4 })).length, 1);

      assert.equal(await store.inbound.deleteReceivedBefore(T0 + 2), 1);
      assert.equal(await store.inbound.findMessage(id('01MSG', 1)), undefined);
      assert.notEqual(await store.inbound.findMessage(id('01MSG', 3)), undefined);
      assert.deepEqual(await store.inbound.commit(message(4), [listRecipient]), [listRecipient], 'past the keep time a message is new again');
    });
  });
}

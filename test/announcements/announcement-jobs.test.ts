import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LIMITS } from '../../src/config/limits.ts';
import type { TestUser } from '../support/test-server.ts';
import { HOUR, MINUTE, expectOk, openAnnouncementWorld, type AnnouncementWorld } from './announcement-fixture.ts';

/**
 * The announcement jobs on the real scheduler, driven by a manual clock: scheduled sends,
 * automatic unread reminders that stop for each person once read, the reminder before the
 * deadline, and handlers that may run again without mailing anyone twice.
 */
describe('announcement jobs', () => {
  let w: AnnouncementWorld;
  before(async () => {
    w = await openAnnouncementWorld();
  });
  after(async () => {
    await w.stop();
  });

  const announce = async (who: TestUser, body: Record<string, unknown>) =>
    (await expectOk(w.server.request('POST', `/api/groups/${w.groupId}/announcements`, { token: who.token, body: { title: '懇談会', body: '日程のご案内です。', ...body } }))).announcement;
  const mailedTo = async (key: string) => (await w.server.app.store.outbox.listByMessageKey(key)).map((m) => m.user_id).sort();
  const ids = (...users: TestUser[]) => users.map((u) => u.user.id).sort();
  const read = (who: TestUser, id: string) => expectOk(w.server.request('POST', `/api/announcements/${id}/read`, { token: who.token }));
  const get = (who: TestUser, id: string) => w.server.request('GET', `/api/announcements/${id}`, { token: who.token });

  /** Frames broadcast on a topic in this process, decoded. */
  function listen(topic: string) {
    const events: { event: string; payload: any }[] = [];
    const sub = w.server.app.pubsub.subscribe(topic, (m) => {
      const [, , , event, payload] = JSON.parse(m.frame as string) as [unknown, unknown, string, string, unknown];
      events.push({ event, payload });
    });
    return { events, stop: () => sub.unsubscribe() };
  }

  test('a scheduled announcement goes out at its time, not before', async () => {
    const a = await announce(w.sender, { send_at: w.clock.now() + HOUR, recipients: { user_ids: [w.memberA.user.id] } });
    const inbox = listen(`user:${w.memberA.user.id}`);
    try {
      await w.advance(HOUR - 1);
      assert.equal((await get(w.memberA, a.id)).status, 404);
      assert.deepEqual(await mailedTo(`ann:${a.id}:send`), []);
      await w.advance(1);
      const seen = await expectOk(get(w.memberA, a.id));
      assert.deepEqual([seen.announcement.status, seen.announcement.sent_at], ['sent', w.clock.now()]);
      assert.deepEqual(await mailedTo(`ann:${a.id}:send`), ids(w.memberA));
      assert.deepEqual(inbox.events.map((e) => e.event), ['announcement:new', 'announcements:unread']);
      assert.equal(inbox.events[0]!.payload.announcement.id, a.id);
      assert.equal(inbox.events[1]!.payload.group_id, w.groupId);
    } finally {
      inbox.stop();
    }
  });

  test('unread recipients are re-sent twice, 30 minutes apart; each stops once read', async () => {
    const a = await announce(w.sender, { recipients: { subgroup_ids: [w.otherSubgroupId], user_ids: [w.memberA.user.id, w.leader.user.id] } });
    assert.deepEqual([a.remind_count, a.remind_interval_ms], [LIMITS.defaultRemindCount, LIMITS.defaultRemindIntervalMs]);
    const bInbox = listen(`user:${w.memberB.user.id}`);
    try {
      await w.advance(10 * MINUTE);
      await read(w.memberA, a.id);
      await w.advance(20 * MINUTE);
      assert.deepEqual(await mailedTo(`ann:${a.id}:remind:1`), ids(w.memberB, w.leader), 'the one who read is not reminded');
      assert.deepEqual(bInbox.events.filter((e) => e.event === 'announcement:reminder').map((e) => e.payload), [
        { announcement_id: a.id, group_id: w.groupId, title: '懇談会', kind: 'unread' },
      ]);
      await read(w.leader, a.id);
      await w.advance(30 * MINUTE);
      assert.deepEqual(await mailedTo(`ann:${a.id}:remind:2`), ids(w.memberB));
      await w.advance(10 * HOUR);
      assert.deepEqual(await mailedTo(`ann:${a.id}:remind:3`), [], 'remind_count bounds the re-sends');
      const status = await expectOk(w.server.request('GET', `/api/announcements/${a.id}/status`, { token: w.sender.token }));
      assert.equal(status.read_count, 2);
    } finally {
      bInbox.stop();
    }
  });

  test('remind_count 0 sends no re-sends; a custom interval is kept', async () => {
    const none = await announce(w.sender, { remind_count: 0, recipients: { user_ids: [w.memberA.user.id] } });
    const fast = await announce(w.sender, { remind_count: 1, remind_interval_ms: 10 * MINUTE, recipients: { user_ids: [w.memberA.user.id] } });
    await w.advance(10 * MINUTE);
    assert.deepEqual(await mailedTo(`ann:${fast.id}:remind:1`), ids(w.memberA));
    await w.advance(2 * HOUR);
    assert.deepEqual(await mailedTo(`ann:${none.id}:remind:1`), []);
    assert.deepEqual(await mailedTo(`ann:${fast.id}:remind:2`), []);
    const tooShort = await w.server.request('POST', `/api/groups/${w.groupId}/announcements`, { token: w.sender.token, body: { title: 't', body: 'b', remind_interval_ms: MINUTE } });
    assert.deepEqual([tooShort.status, tooShort.body.field], [400, 'remind_interval_ms']);
  });

  test('non-answerers are reminded 24 hours before the deadline; those who answered are not', async () => {
    const a = await announce(w.sender, { answer: { type: 'attendance' }, deadline: w.clock.now() + 3 * 24 * HOUR, remind_count: 0 });
    await expectOk(w.server.request('PUT', `/api/announcements/${a.id}/answer`, { token: w.memberA.token, body: { choice: 'yes' } }));
    await w.advance(2 * 24 * HOUR - 1);
    assert.deepEqual(await mailedTo(`ann:${a.id}:deadline`), []);
    await w.advance(1);
    assert.deepEqual(await mailedTo(`ann:${a.id}:deadline`), ids(w.owner, w.leader, w.memberB));
    const subject = (await w.server.app.store.outbox.listByMessageKey(`ann:${a.id}:deadline`))[0]!.subject;
    assert.match(subject, /^【回答締切が近づいています】/);
  });

  test('handlers run again (a crash, a lease taken over) mail nobody twice', async () => {
    const a = await announce(w.sender, { recipients: { user_ids: [w.memberA.user.id, w.memberB.user.id] } });
    const { delivery } = w.server.app.announcements;
    const count = async (key: string) => (await w.server.app.store.outbox.listByMessageKey(key)).length;
    await delivery.runSendJob(a.id);
    await w.advance(LIMITS.sendRecheckDelayMs);
    assert.equal(await count(`ann:${a.id}:send`), 2);
    await w.advance(30 * MINUTE);
    assert.equal(await count(`ann:${a.id}:remind:1`), 2);
    await delivery.remindUnread(a.id, 1);
    await delivery.runSendJob(a.id);
    assert.deepEqual([await count(`ann:${a.id}:send`), await count(`ann:${a.id}:remind:1`)], [2, 2]);
    const rows = await w.server.app.store.announcements.listRecipients(a.id);
    assert.deepEqual(rows.map((r) => r.reminders_sent), [1, 1]);
  });

  test('a cancelled schedule sends nothing; an author who lost the right to send gets a draft back', async () => {
    const cancelled = await announce(w.sender, { send_at: w.clock.now() + HOUR });
    assert.equal((await w.server.request('DELETE', `/api/announcements/${cancelled.id}`, { token: w.sender.token })).status, 204);
    const orphan = await announce(w.leader, { send_at: w.clock.now() + HOUR, recipients: { subgroup_ids: [w.subgroupId] } });
    await expectOk(w.server.request('PUT', `/api/subgroups/${w.subgroupId}/members/${w.leader.user.id}`, { token: w.owner.token, body: { leader: false } }));
    try {
      await w.advance(HOUR);
      assert.deepEqual(await mailedTo(`ann:${cancelled.id}:send`), []);
      const back = await expectOk(get(w.leader, orphan.id));
      assert.deepEqual([back.announcement.status, back.announcement.send_at], ['draft', null]);
      assert.deepEqual(await mailedTo(`ann:${orphan.id}:send`), []);
      assert.equal((await get(w.memberA, orphan.id)).status, 404);
    } finally {
      await expectOk(w.server.request('PUT', `/api/subgroups/${w.subgroupId}/members/${w.leader.user.id}`, { token: w.owner.token, body: { leader: true } }));
    }
  });

  test('with email off, reminders reach the app only', async () => {
    const a = await announce(w.sender, { email: false, recipients: { user_ids: [w.memberA.user.id] } });
    const inbox = listen(`user:${w.memberA.user.id}`);
    try {
      await w.advance(30 * MINUTE);
      assert.deepEqual(await mailedTo(`ann:${a.id}:remind:1`), []);
      assert.ok(inbox.events.some((e) => e.event === 'announcement:reminder' && e.payload.announcement_id === a.id));
    } finally {
      inbox.stop();
    }
  });
});

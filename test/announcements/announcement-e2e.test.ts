import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Socket } from 'phoenix';
import { collect, connect, disconnect, join, type TransportName } from '../support/phoenix-helpers.ts';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';
import type { ManualTime } from '../transport/manual-time.ts';
import { HOUR, MINUTE, expectOk, manualClock } from './announcement-fixture.ts';

/**
 * The official phoenix client against the whole server: a sender announces, with attendance,
 * to the three members of a group; they receive it live on their user: channels; one reads it
 * and answers ○, and the sender's announcement: channel shows the read and the tally change
 * live; on schedule (an injected clock driving the durable scheduler) the two who have not
 * read it are re-sent by mail, the one who read it is not.
 */
for (const transport of ['websocket', 'longpoll'] as TransportName[]) {
  describe(`announcements live over ${transport}`, () => {
    let server: TestServer;
    let clock: ManualTime;
    let sara: TestUser;
    let members: TestUser[];
    let groupId: string;
    const sockets: Socket[] = [];
    const open = (u: TestUser) => {
      const s = connect(server.wsUrl, u.socketToken, transport);
      sockets.push(s);
      return s;
    };

    before(async () => {
      clock = manualClock();
      server = await startTestServer({ clock });
      sara = await server.signup('Sara');
      members = await Promise.all(['Aiko', 'Ben', 'Chie'].map((n) => server.signup(n)));
      groupId = (await server.createGroup(sara, '3年B組 保護者')).id;
      for (const m of members) await server.addMember(sara, groupId, m);
    });
    after(async () => {
      await Promise.all(sockets.map(disconnect));
      await server.stop();
    });

    test('delivered live, read and answered live for the sender, the unread reminded on schedule', async () => {
      const [aiko, ben, chie] = members as [TestUser, TestUser, TestUser];
      const inboxes = await Promise.all(members.map(async (m) => {
        const channel = open(m).channel(`user:${m.user.id}`, {});
        const news = collect(channel, 'announcement:new');
        const unread = collect(channel, 'announcements:unread');
        const joined = await join(channel);
        assert.deepEqual(joined.announcements, [], 'the join reply counts unread announcements per group');
        return { news, unread };
      }));
      const aikoGroup = open(aiko).channel(`group:${groupId}`, {});
      const aikoGroupEvents = collect(aikoGroup, 'announcement:status');
      await join(aikoGroup);

      const posted = await expectOk(server.request('POST', `/api/groups/${groupId}/announcements`, {
        token: sara.token,
        body: { title: '運動会の出欠', body: '10月1日（土）の運動会に参加されますか。', answer: { type: 'attendance' }, deadline: clock.now() + 7 * 24 * HOUR },
      }));
      const id = posted.announcement.id;

      for (const [i, inbox] of inboxes.entries()) {
        const [got] = await inbox.news.waitFor((xs) => xs.length === 1);
        assert.deepEqual([got.announcement.id, got.announcement.title, got.announcement.answer], [id, '運動会の出欠', { type: 'attendance' }], members[i]!.user.name);
        assert.deepEqual(got.announcement.me, { read_at: null, answer: null, answered_at: null });
        const [count] = await inbox.unread.waitFor((xs) => xs.length === 1);
        assert.deepEqual(count, { group_id: groupId, count: 1 });
      }

      const watch = open(sara).channel(`announcement:${id}`, {});
      const status = collect(watch, 'announcement:status');
      const summary = await join(watch);
      assert.deepEqual(summary, {
        announcement_id: id, recipient_count: 3, read_count: 0, answered_count: 0,
        tally: { type: 'attendance', answered: 0, unanswered: 3, yes: 0, no: 0, maybe: 0 },
      });
      const peek = open(ben).channel(`announcement:${id}`, {});
      const refusal = await join(peek).catch((e) => e.response);
      assert.equal(refusal.reason, 'forbidden', 'members do not see who read or answered');
      peek.leave();

      await expectOk(server.request('POST', `/api/announcements/${id}/read`, { token: aiko.token }));
      const [seen] = await status.waitFor((xs) => xs.length === 1);
      assert.deepEqual(
        [seen.user_id, seen.read_at, seen.answer, seen.read_count, seen.tally.yes],
        [aiko.user.id, clock.now(), null, 1, 0],
      );
      const [aikoCount] = await inboxes[0]!.unread.waitFor((xs) => xs.length === 2).then((xs) => xs.slice(1));
      assert.deepEqual(aikoCount, { group_id: groupId, count: 0 }, 'her other devices see the unread count drop');
      const benLater = open(ben).channel(`user:${ben.user.id}`, {});
      assert.deepEqual((await join(benLater)).announcements, [{ group_id: groupId, count: 1 }], 'a device that connects later starts from the count');
      benLater.leave();

      await expectOk(server.request('PUT', `/api/announcements/${id}/answer`, { token: aiko.token, body: { choice: 'yes', comment: '家族3人で参加します' } }));
      const [, answered] = await status.waitFor((xs) => xs.length === 2);
      assert.deepEqual(answered.answer, { type: 'attendance', choice: 'yes', comment: '家族3人で参加します' });
      assert.deepEqual(answered.tally, { type: 'attendance', answered: 1, unanswered: 2, yes: 1, no: 0, maybe: 0 });
      assert.deepEqual([answered.read_count, answered.answered_count, answered.recipient_count], [1, 1, 3]);
      assert.deepEqual(aikoGroupEvents.items, [], 'no answer reaches the members\' group topic');

      const sentMail = await server.app.store.outbox.listByMessageKey(`ann:${id}:send`);
      assert.deepEqual(sentMail.map((m) => m.user_id).sort(), members.map((m) => m.user.id).sort());

      clock.advance(30 * MINUTE - 1);
      await server.app.scheduler.tick();
      assert.deepEqual(await server.app.store.outbox.listByMessageKey(`ann:${id}:remind:1`), [], 'not before its time');
      clock.advance(1);
      await server.app.scheduler.tick();
      const reminded = await server.app.store.outbox.listByMessageKey(`ann:${id}:remind:1`);
      assert.deepEqual(reminded.map((m) => m.user_id).sort(), [ben.user.id, chie.user.id].sort(), 'the unread are reminded, the one who read is not');
      assert.ok(reminded.every((m) => m.subject.startsWith('【再送】') && /\/r\/r1\./.test(m.text_body)));
    });
  });
}

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Presence, type Socket } from 'phoenix';
import { collect, connect, disconnect, join, push, within, type TransportName } from '../support/phoenix-helpers.ts';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';

/**
 * The official phoenix npm client, unchanged, against the whole server — over WebSocket and
 * over LongPoll: sign-up by HTTP, invitation, a room, pushes with replies, broadcasts, presence,
 * history, read markers, edit/delete, removal, and recovery of missed messages.
 */
for (const transport of ['websocket', 'longpoll'] as TransportName[]) {
  describe(`phoenix client over ${transport}`, () => {
    let server: TestServer;
    let aiko: TestUser;
    let ben: TestUser;
    let groupId: string;
    let roomId: string;
    const sockets: Socket[] = [];
    const open = (u: TestUser, o: { authToken?: boolean } = {}) => {
      const s = connect(server.wsUrl, u.socketToken, transport, o);
      sockets.push(s);
      return s;
    };

    before(async () => {
      // The recovery test pushes 50 messages in a row: above the default burst for one socket.
      server = await startTestServer({ env: { RENRAKU_MESSAGE_BURST: '500' } });
      aiko = await server.signup('Aiko');
      ben = await server.signup('Ben');
      groupId = (await server.createGroup(aiko)).id;
      await server.addMember(aiko, groupId, ben);
      roomId = (await server.createRoom(aiko, groupId, 'general')).id;
    });
    after(async () => {
      await Promise.all(sockets.map(disconnect));
      await server.stop();
    });

    test('push with reply, broadcast to the other member, presence, history, edit and delete', async () => {
      const sa = open(aiko);
      const sb = open(ben, { authToken: transport === 'websocket' });
      const ca = sa.channel(`room:${roomId}`, {});
      const cb = sb.channel(`room:${roomId}`, {});
      const presence = new Presence(ca);
      const synced = new Promise<string[]>((resolve) => presence.onSync(() => {
        const keys = presence.list((key: string) => key);
        if (keys.length === 2) resolve(keys.sort());
      }));
      const bMsgs = collect(cb, 'msg');
      const bEdits = collect(cb, 'msg:edited');
      const bDeletes = collect(cb, 'msg:deleted');
      const joinA = await join(ca);
      assert.equal(joinA.last_seq, 0);
      await join(cb);
      assert.deepEqual(await within(5000, 'presence sync', synced), [aiko.user.id, ben.user.id].sort());

      const reply = await push(ca, 'msg:new', { body: 'おはようございます 🌸', client_id: 'a-1' });
      assert.equal(reply.seq, 1);
      assert.match(reply.id, /^[0-9A-Z]{26}$/);
      assert.equal(typeof reply.at, 'number');
      const [m] = await bMsgs.waitFor((xs) => xs.length === 1);
      assert.deepEqual(
        { id: m.id, seq: m.seq, room_id: m.room_id, author_id: m.author_id, body: m.body, reply_to: m.reply_to, at: m.at },
        { id: reply.id, seq: 1, room_id: roomId, author_id: aiko.user.id, body: 'おはようございます 🌸', reply_to: null, at: reply.at },
      );
      const again = await push(ca, 'msg:new', { body: 'おはようございます 🌸', client_id: 'a-1' });
      assert.deepEqual(again, reply, 'a retried client_id gets the first answer');

      const answer = await push(cb, 'msg:new', { body: 'reply!', client_id: 'b-1', reply_to: reply.id });
      assert.equal(answer.seq, 2);
      const page = await push(cb, 'history', { before: 3, limit: 1 });
      assert.deepEqual(page.messages.map((x: { seq: number; reply_to: string | null }) => [x.seq, x.reply_to]), [[2, reply.id]]);

      await push(ca, 'msg:edit', { id: reply.id, body: 'edited' });
      const [edited] = await bEdits.waitFor((xs) => xs.length === 1);
      assert.deepEqual([edited.id, edited.body, edited.seq], [reply.id, 'edited', 1]);
      const refused = await push(cb, 'msg:edit', { id: reply.id, body: 'not yours' }).catch((e) => e.response);
      assert.equal(refused.reason, 'forbidden');
      await push(ca, 'msg:delete', { id: reply.id });
      const [deleted] = await bDeletes.waitFor((xs) => xs.length === 1);
      assert.deepEqual([deleted.id, deleted.seq], [reply.id, 1]);
      const hist = await server.request('GET', `/api/rooms/${roomId}/messages`, { token: ben.token });
      assert.deepEqual(hist.body.messages.map((x: { seq: number; body: string; deleted: boolean }) => [x.seq, x.body, x.deleted]), [[1, '', true], [2, 'reply!', false]]);

      const left = new Promise<string[]>((resolve) => presence.onSync(() => {
        const keys = presence.list((key: string) => key);
        if (keys.length === 1) resolve(keys);
      }));
      cb.leave();
      assert.deepEqual(await within(5000, 'presence leave', left), [aiko.user.id]);
      ca.leave();
    });

    test('read markers move the unread counts on user:<id>', async () => {
      const room = (await server.createRoom(aiko, groupId, 'reads')).id;
      for (let i = 0; i < 5; i++) await server.request('POST', `/api/rooms/${room}/messages`, { token: aiko.token, body: { body: `m${i}` } });
      const sb = open(ben);
      const me = sb.channel(`user:${ben.user.id}`, {});
      const unread = collect(me, 'unread');
      const joined = await join(me);
      const counts = joined.rooms.find((r: { room_id: string }) => r.room_id === room);
      assert.deepEqual([counts.last_seq, counts.last_read_seq, counts.unread], [5, 0, 5]);
      const cr = sb.channel(`room:${room}`, {});
      await join(cr);
      const res = await push(cr, 'read', { seq: 3 });
      assert.deepEqual([res.last_read_seq, res.unread], [3, 2]);
      const [u] = await unread.waitFor((xs) => xs.length === 1);
      assert.deepEqual([u.room_id, u.last_read_seq, u.unread], [room, 3, 2]);
      const other = sb.channel(`user:${aiko.user.id}`, {});
      const refusal = await join(other).catch((e) => e.response);
      assert.equal(refusal.reason, 'forbidden');
      other.leave();
      cr.leave();
      me.leave();
    });

    test('recovery: a client that missed 50 messages gets exactly those, in order, once', async () => {
      const room = (await server.createRoom(aiko, groupId, 'recovery')).id;
      const sa = open(aiko);
      const ca = sa.channel(`room:${room}`, {});
      await join(ca);
      await push(ca, 'msg:new', { body: 'before', client_id: 'r-0' });

      const sb1 = open(ben);
      const cb1 = sb1.channel(`room:${room}`, {});
      const seen = collect(cb1, 'msg');
      const j = await join(cb1);
      assert.equal(j.last_seq, 1);
      await disconnect(sb1);

      for (let i = 1; i <= 50; i++) await push(ca, 'msg:new', { body: `missed ${i}`, client_id: `r-${i}` });
      assert.equal(seen.items.length, 0, 'the disconnected client got nothing live');

      const sb2 = open(ben);
      const cb2 = sb2.channel(`room:${room}`, { last_seq: j.last_seq });
      const live = collect(cb2, 'msg');
      const rejoined = await join(cb2);
      assert.equal(rejoined.recovered, true);
      assert.deepEqual(rejoined.messages.map((m: { seq: number }) => m.seq), Array.from({ length: 50 }, (_, i) => i + 2));
      assert.deepEqual(rejoined.messages.map((m: { body: string }) => m.body), Array.from({ length: 50 }, (_, i) => `missed ${i + 1}`));

      await push(ca, 'msg:new', { body: 'after', client_id: 'r-51' });
      const got = await live.waitFor((xs) => xs.some((m) => m.seq === 52));
      assert.deepEqual(got.map((m) => m.seq), [52], 'live delivery resumes with no duplicate of the recovered ones');
      ca.leave();
      cb2.leave();
    });

    test('removing a member closes their channels at once', async () => {
      const carl = await server.signup('Carl');
      await server.addMember(aiko, groupId, carl);
      const sc = open(carl);
      const room = sc.channel(`room:${roomId}`, {});
      const group = sc.channel(`group:${groupId}`, {});
      const me = sc.channel(`user:${carl.user.id}`, {});
      await join(room);
      const role = await join(group);
      assert.equal(role.role, 'member');
      await join(me);
      const removed = collect(me, 'group:removed');
      const roomClosed = new Promise<void>((resolve) => room.onClose(() => resolve()));
      const groupClosed = new Promise<void>((resolve) => group.onClose(() => resolve()));
      const res = await server.request('DELETE', `/api/groups/${groupId}/members/${carl.user.id}`, { token: aiko.token });
      assert.equal(res.status, 204);
      await within(5000, 'room channel closed', roomClosed);
      await within(5000, 'group channel closed', groupClosed);
      const [note] = await removed.waitFor((xs) => xs.length === 1);
      assert.equal(note.group_id, groupId);
      const again = sc.channel(`room:${roomId}`, {});
      const refusal = await join(again).catch((e) => e.response);
      assert.equal(refusal.reason, 'not_member');
      again.leave();
      me.leave();
    });
  });
}

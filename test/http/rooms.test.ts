import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';

describe('rooms and messages over HTTP', () => {
  let server: TestServer;
  let owner: TestUser;
  let member: TestUser;
  let groupId: string;
  let roomId: string;
  before(async () => {
    server = await startTestServer();
    owner = await server.signup('Owner');
    member = await server.signup('Member');
    groupId = (await server.createGroup(owner)).id;
    await server.addMember(owner, groupId, member);
    roomId = (await server.createRoom(owner, groupId, 'general')).id;
  });
  after(async () => { await server.stop(); });

  test('post, idempotent retry, history paging, read markers', async () => {
    const seqs: number[] = [];
    for (let i = 1; i <= 12; i++) {
      const res = await server.request('POST', `/api/rooms/${roomId}/messages`, { token: i % 2 ? owner.token : member.token, body: { body: `message ${i}`, client_id: `c-${i}` } });
      assert.equal(res.status, 201);
      seqs.push(res.body.message.seq);
    }
    assert.deepEqual(seqs, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const retry = await server.request('POST', `/api/rooms/${roomId}/messages`, { token: owner.token, body: { body: 'message 1', client_id: 'c-1' } });
    assert.equal(retry.body.message.seq, 1, 'a retry returns the first answer');
    const conflict = await server.request('POST', `/api/rooms/${roomId}/messages`, { token: owner.token, body: { body: 'different', client_id: 'c-1' } });
    assert.deepEqual([conflict.status, conflict.body.code], [409, 'client_id_conflict']);

    const newest = await server.request('GET', `/api/rooms/${roomId}/messages?limit=5`, { token: member.token });
    assert.deepEqual(newest.body.messages.map((m: { seq: number }) => m.seq), [8, 9, 10, 11, 12]);
    const older = await server.request('GET', `/api/rooms/${roomId}/messages?before=8&limit=5`, { token: member.token });
    assert.deepEqual(older.body.messages.map((m: { seq: number }) => m.seq), [3, 4, 5, 6, 7]);
    const after = await server.request('GET', `/api/rooms/${roomId}/messages?after=10`, { token: member.token });
    assert.deepEqual(after.body.messages.map((m: { seq: number }) => m.seq), [11, 12]);

    const unread = await server.request('GET', '/api/me/unread', { token: member.token });
    assert.deepEqual(unread.body.rooms.find((r: { room_id: string }) => r.room_id === roomId), { room_id: roomId, group_id: groupId, last_seq: 12, last_read_seq: 0, unread: 12 });
    const read = await server.request('PUT', `/api/rooms/${roomId}/read`, { token: member.token, body: { seq: 9 } });
    assert.deepEqual([read.body.last_read_seq, read.body.unread], [9, 3]);
    const back = await server.request('PUT', `/api/rooms/${roomId}/read`, { token: member.token, body: { seq: 2 } });
    assert.equal(back.body.last_read_seq, 9, 'markers only move forward');
    const past = await server.request('PUT', `/api/rooms/${roomId}/read`, { token: member.token, body: { seq: 1000 } });
    assert.equal(past.body.last_read_seq, 12, 'clamped to the newest message');
  });

  test('bad bodies and bad queries are refused with their codes', async () => {
    const cases: [unknown, number, string][] = [
      [{ body: '' }, 422, 'body_empty'],
      [{ body: 'x'.repeat(8001) }, 422, 'body_too_long'],
      [{ body: 'nul\u0000byte' }, 422, 'invalid_characters'],
      [{ body: 42 }, 400, 'validation_failed'],
      [{ body: 'reply', reply_to: '01NOSUCHMESSAGE00000000000' }, 422, 'reply_to_invalid'],
    ];
    for (const [body, status, code] of cases) {
      const res = await server.request('POST', `/api/rooms/${roomId}/messages`, { token: owner.token, body });
      assert.deepEqual([res.status, res.body.code], [status, code], JSON.stringify(body).slice(0, 60));
    }
    const q = await server.request('GET', `/api/rooms/${roomId}/messages?limit=100000`, { token: owner.token });
    assert.deepEqual([q.status, q.body.field], [400, 'limit']);
    const none = await server.request('GET', '/api/rooms/01NOSUCHROOM00000000000000/messages', { token: owner.token });
    assert.deepEqual([none.status, none.body.code], [404, 'room_not_found']);
  });

  test('unicode, RTL and SQL-like text are stored literally', async () => {
    const bodies = ['🎉👨‍👩‍👧‍👦 𠮷野家', 'مرحبا بالعالم ‏שלום', "'); DROP TABLE messages; --", 'tab\tnew\nline'];
    for (const body of bodies) {
      const res = await server.request('POST', `/api/rooms/${roomId}/messages`, { token: owner.token, body: { body } });
      assert.equal(res.status, 201);
      const hist = await server.request('GET', `/api/rooms/${roomId}/messages?after=${res.body.message.seq - 1}&limit=1`, { token: owner.token });
      assert.equal(hist.body.messages[0].body, body);
    }
  });
});

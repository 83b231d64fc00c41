import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';

const RLO = '\u202E';
const ISOLATE = '\u2067';

describe('names over HTTP: no line breaks or bidi controls, every other character kept', () => {
  let server: TestServer;
  let owner: TestUser;
  let groupId: string;
  before(async () => {
    server = await startTestServer();
    owner = await server.signup('Owner');
    groupId = (await server.createGroup(owner)).id;
  });
  after(async () => { await server.stop(); });

  test('signup, group, room and sub-group names with CR/LF or a bidi control are refused (400 invalid_name)', async () => {
    const bad = [`Aiko\nAdmin`, `Aiko\r\nBen`, `evil${RLO}gpj.exe`, `x${ISOLATE}y\u2069`];
    let n = 0;
    for (const name of bad) {
      const what = JSON.stringify(name);
      const signup = await server.request('POST', '/api/signup', { body: { email: `names-${++n}@example.test`, password: 'correct horse battery', name } });
      assert.deepEqual([signup.status, signup.body.code, signup.body.field], [400, 'invalid_name', 'name'], `signup ${what}`);
      const group = await server.request('POST', '/api/groups', { token: owner.token, body: { name, slug: `names-${++n}` } });
      assert.deepEqual([group.status, group.body.code], [400, 'invalid_name'], `group ${what}`);
      const room = await server.request('POST', `/api/groups/${groupId}/rooms`, { token: owner.token, body: { name } });
      assert.deepEqual([room.status, room.body.code], [400, 'invalid_name'], `room ${what}`);
      const subgroup = await server.request('POST', `/api/groups/${groupId}/subgroups`, { token: owner.token, body: { name } });
      assert.deepEqual([subgroup.status, subgroup.body.code], [400, 'invalid_name'], `sub-group ${what}`);
    }
  });

  test('Japanese, emoji and ZWJ sequences are kept exactly', async () => {
    const name = '山田 花子 👨‍👩‍👧 🏳️‍🌈';
    const signup = await server.request('POST', '/api/signup', { body: { email: 'yamada@example.test', password: 'correct horse battery', name } });
    assert.deepEqual([signup.status, signup.body.user?.name], [201, name]);
    const group = await server.request('POST', '/api/groups', { token: owner.token, body: { name: '3年B組 👪', slug: 'names-kept' } });
    assert.deepEqual([group.status, group.body.group?.name], [201, '3年B組 👪']);
    const room = await server.request('POST', `/api/groups/${groupId}/rooms`, { token: owner.token, body: { name: '連絡 📣' } });
    assert.deepEqual([room.status, room.body.room?.name], [201, '連絡 📣']);
    const subgroup = await server.request('POST', `/api/groups/${groupId}/subgroups`, { token: owner.token, body: { name: '役員 👩‍💼' } });
    assert.deepEqual([subgroup.status, subgroup.body.subgroup?.name], [201, '役員 👩‍💼']);
  });
});

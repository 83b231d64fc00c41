import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';

describe('groups, roles, invitations and sub-groups over HTTP', () => {
  let server: TestServer;
  let owner: TestUser;
  let member: TestUser;
  let outsider: TestUser;
  before(async () => {
    server = await startTestServer();
    owner = await server.signup('Owner');
    member = await server.signup('Member');
    outsider = await server.signup('Outsider');
  });
  after(async () => { await server.stop(); });

  test('create a group: the creator is its owner; slugs are unique and well-formed', async () => {
    const res = await server.request('POST', '/api/groups', { token: owner.token, body: { name: 'Soccer club', slug: 'soccer-club' } });
    assert.equal(res.status, 201);
    assert.equal(res.body.group.role, 'owner');
    const list = await server.request('GET', '/api/groups', { token: owner.token });
    assert.ok(list.body.groups.some((g: { slug: string }) => g.slug === 'soccer-club'));
    const dup = await server.request('POST', '/api/groups', { token: member.token, body: { name: 'Other', slug: 'soccer-club' } });
    assert.deepEqual([dup.status, dup.body.code], [409, 'slug_taken']);
    const reserved = await server.request('POST', '/api/groups', { token: member.token, body: { name: 'x', slug: 'postmaster' } });
    assert.equal(reserved.body.code, 'slug_taken');
    const bad = await server.request('POST', '/api/groups', { token: member.token, body: { name: 'x', slug: 'Bad Slug!' } });
    assert.deepEqual([bad.status, bad.body.field], [400, 'slug']);
  });

  test('invitations: accept, already member, revoke, use limit, expiry', async () => {
    const group = await server.createGroup(owner);
    const inv = await server.request('POST', `/api/groups/${group.id}/invites`, { token: owner.token, body: { max_uses: 1 } });
    assert.equal(inv.status, 201);
    const preview = await server.request('GET', `/api/invites/${inv.body.code}`);
    assert.deepEqual([preview.status, preview.body.valid, preview.body.group.id], [200, true, group.id]);

    const accepted = await server.request('POST', `/api/invites/${inv.body.code}/accept`, { token: member.token });
    assert.equal(accepted.status, 200);
    assert.equal(accepted.body.group.role, 'member');
    const again = await server.request('POST', `/api/invites/${inv.body.code}/accept`, { token: member.token });
    assert.equal(again.body.code, 'already_member');
    const usedUp = await server.request('POST', `/api/invites/${inv.body.code}/accept`, { token: outsider.token });
    assert.deepEqual([usedUp.status, usedUp.body.code], [410, 'invite_used_up']);

    const inv2 = await server.request('POST', `/api/groups/${group.id}/invites`, { token: owner.token });
    const byMember = await server.request('DELETE', `/api/invites/${inv2.body.code}`, { token: member.token });
    assert.deepEqual([byMember.status, byMember.body.code], [403, 'forbidden']);
    assert.equal((await server.request('DELETE', `/api/invites/${inv2.body.code}`, { token: owner.token })).status, 204);
    const revoked = await server.request('POST', `/api/invites/${inv2.body.code}/accept`, { token: outsider.token });
    assert.deepEqual([revoked.status, revoked.body.code], [410, 'invite_revoked']);

    const unknown = await server.request('POST', '/api/invites/nosuchcode/accept', { token: outsider.token });
    assert.deepEqual([unknown.status, unknown.body.code], [404, 'invite_not_found']);
    const list = await server.request('GET', `/api/groups/${group.id}/invites`, { token: owner.token });
    assert.equal(list.body.invites.length, 2);
    const tooShort = await server.request('POST', `/api/groups/${group.id}/invites`, { token: owner.token, body: { expires_in_ms: 10 } });
    assert.deepEqual([tooShort.status, tooShort.body.field], [400, 'expires_in_ms']);
  });

  test('every route is authorized by role and membership', async () => {
    const group = await server.createGroup(owner);
    await server.addMember(owner, group.id, member);
    const asOutsider = [
      ['GET', `/api/groups/${group.id}`], ['GET', `/api/groups/${group.id}/members`], ['GET', `/api/groups/${group.id}/rooms`],
      ['POST', `/api/groups/${group.id}/invites`], ['GET', `/api/groups/${group.id}/subgroups`],
    ] as const;
    for (const [method, path] of asOutsider) {
      const res = await server.request(method, path, { token: outsider.token, ...(method === 'POST' ? { body: {} } : {}) });
      assert.deepEqual([res.status, res.body.code], [403, 'not_member'], `${method} ${path}`);
    }
    const asMember = [
      ['POST', `/api/groups/${group.id}/invites`, {}], ['POST', `/api/groups/${group.id}/rooms`, { name: 'r' }],
      ['PATCH', `/api/groups/${group.id}/members/${owner.user.id}`, { role: 'member' }], ['POST', `/api/groups/${group.id}/subgroups`, { name: 's' }],
      ['DELETE', `/api/groups/${group.id}/members/${owner.user.id}`, undefined],
    ] as const;
    for (const [method, path, body] of asMember) {
      const res = await server.request(method, path, { token: member.token, ...(body ? { body } : {}) });
      assert.deepEqual([res.status, res.body.code], [403, 'forbidden'], `${method} ${path}`);
    }
    const missing = await server.request('GET', '/api/groups/01NOSUCHGROUP0000000000000', { token: owner.token });
    assert.deepEqual([missing.status, missing.body.code], [404, 'group_not_found']);
  });

  test('member emails: plain members see names only, owners and senders see addresses, an owner may open them', async () => {
    const group = await server.createGroup(owner);
    const sender = await server.signup('Sender');
    for (const u of [member, sender]) await server.addMember(owner, group.id, u);
    assert.equal((await server.request('PATCH', `/api/groups/${group.id}/members/${sender.user.id}`, { token: owner.token, body: { role: 'sender' } })).status, 200);
    const emailsSeenBy = async (who: TestUser) => {
      const res = await server.request('GET', `/api/groups/${group.id}/members`, { token: who.token });
      assert.equal(res.status, 200);
      return res.body.members.map((m: { email: string | null }) => m.email);
    };
    const addresses = [owner, member, sender].map((u) => u.user.email);
    assert.deepEqual(await emailsSeenBy(member), [null, null, null], 'a plain member sees no address');
    assert.deepEqual(await emailsSeenBy(owner), addresses);
    assert.deepEqual(await emailsSeenBy(sender), addresses);
    assert.equal((await server.request('GET', `/api/groups/${group.id}`, { token: member.token })).body.group.member_emails_visible, false);

    const open = (who: TestUser, visible: boolean, id = group.id) => server.request('PATCH', `/api/groups/${id}`, { token: who.token, body: { member_emails_visible: visible } });
    const outsiderTry = await open(outsider, true);
    assert.deepEqual([outsiderTry.status, outsiderTry.body.code], [403, 'not_member']);
    const unknown = await open(owner, true, '01NOSUCHGROUP0000000000000');
    assert.deepEqual([unknown.status, unknown.body.code], [404, 'group_not_found']);
    for (const who of [member, sender]) {
      const res = await open(who, true);
      assert.deepEqual([res.status, res.body.code], [403, 'forbidden']);
    }
    assert.deepEqual(await emailsSeenBy(member), [null, null, null], 'refused changes change nothing');
    const opened = await open(owner, true);
    assert.deepEqual([opened.status, opened.body], [200, { member_emails_visible: true }]);
    assert.deepEqual(await emailsSeenBy(member), addresses, 'opened by the owner');
    assert.equal((await server.request('GET', `/api/groups/${group.id}`, { token: member.token })).body.group.member_emails_visible, true);
    assert.deepEqual((await open(owner, false)).body, { member_emails_visible: false });
    assert.deepEqual(await emailsSeenBy(member), [null, null, null]);
  });

  test('roles: promote to sender, who may then invite and open rooms; the last owner stays', async () => {
    const group = await server.createGroup(owner);
    await server.addMember(owner, group.id, member);
    const promote = await server.request('PATCH', `/api/groups/${group.id}/members/${member.user.id}`, { token: owner.token, body: { role: 'sender' } });
    assert.deepEqual([promote.status, promote.body.role], [200, 'sender']);
    assert.equal((await server.request('POST', `/api/groups/${group.id}/invites`, { token: member.token, body: {} })).status, 201);
    assert.equal((await server.request('POST', `/api/groups/${group.id}/rooms`, { token: member.token, body: { name: 'r' } })).status, 201);
    const demoteSelf = await server.request('PATCH', `/api/groups/${group.id}/members/${owner.user.id}`, { token: owner.token, body: { role: 'member' } });
    assert.deepEqual([demoteSelf.status, demoteSelf.body.code], [409, 'last_owner']);
    const leave = await server.request('POST', `/api/groups/${group.id}/leave`, { token: owner.token });
    assert.equal(leave.body.code, 'last_owner');
    const badRole = await server.request('PATCH', `/api/groups/${group.id}/members/${member.user.id}`, { token: owner.token, body: { role: 'king' } });
    assert.deepEqual([badRole.status, badRole.body.field], [400, 'role']);
  });

  test('remove a member and leave', async () => {
    const group = await server.createGroup(owner);
    await server.addMember(owner, group.id, member);
    await server.addMember(owner, group.id, outsider);
    assert.equal((await server.request('DELETE', `/api/groups/${group.id}/members/${member.user.id}`, { token: owner.token })).status, 204);
    assert.equal((await server.request('GET', `/api/groups/${group.id}`, { token: member.token })).body.code, 'not_member');
    assert.equal((await server.request('POST', `/api/groups/${group.id}/leave`, { token: outsider.token })).status, 204);
    const members = await server.request('GET', `/api/groups/${group.id}/members`, { token: owner.token });
    assert.deepEqual(members.body.members.map((m: { user_id: string }) => m.user_id), [owner.user.id]);
    const gone = await server.request('DELETE', `/api/groups/${group.id}/members/${member.user.id}`, { token: owner.token });
    assert.deepEqual([gone.status, gone.body.code], [404, 'member_not_found']);
  });

  test('sub-groups with leaders', async () => {
    const group = await server.createGroup(owner);
    await server.addMember(owner, group.id, member);
    const sub = await server.request('POST', `/api/groups/${group.id}/subgroups`, { token: owner.token, body: { name: 'Grade 3' } });
    assert.equal(sub.status, 201);
    const id = sub.body.subgroup.id;
    assert.equal((await server.request('PUT', `/api/subgroups/${id}/members/${member.user.id}`, { token: owner.token, body: { leader: true } })).status, 204);
    assert.equal((await server.request('PUT', `/api/subgroups/${id}/members/${outsider.user.id}`, { token: owner.token, body: {} })).body.code, 'member_not_found');
    const list = await server.request('GET', `/api/groups/${group.id}/subgroups`, { token: member.token });
    assert.deepEqual(list.body.subgroups[0].members, [{ subgroup_id: id, user_id: member.user.id, leader: true }]);
    assert.equal((await server.request('DELETE', `/api/subgroups/${id}/members/${member.user.id}`, { token: owner.token })).status, 204);
    assert.equal((await server.request('DELETE', `/api/subgroups/${id}`, { token: owner.token })).status, 204);
    assert.equal((await server.request('DELETE', `/api/subgroups/${id}`, { token: owner.token })).body.code, 'subgroup_not_found');
  });
});

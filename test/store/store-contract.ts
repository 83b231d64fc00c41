import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { migrationProvider } from '../../src/adapters/store/migrations/index.ts';
import { AppError } from '../../src/domain/app-error.ts';
import type { ErrorCode } from '../../src/domain/error-codes.ts';
import type { Store } from '../../src/domain/store.ts';
import type { Group, Invite, NewMessage, Room, UserWithPassword } from '../../src/domain/types.ts';

export interface OpenedStore {
  /** a store on an empty database, not yet migrated */
  store: Store;
  cleanup(): Promise<void>;
}

const T0 = 1_700_000_000_000;

function newUser(key: string): UserWithPassword {
  return { id: `u-${key}`, email: `${key}@example.com`, name: `User ${key}`, password_hash: `scrypt$${key}`, created_at: T0, email_verified: true, language: null };
}

function newGroup(key: string, ownerId: string): Group {
  return { id: `g-${key}`, name: `Group ${key}`, slug: `group-${key}`, created_by: ownerId, created_at: T0 + 1 };
}

function newRoom(key: string, groupId: string, createdBy: string): Room {
  return { id: `r-${key}`, group_id: groupId, name: `Room ${key}`, created_by: createdBy, created_at: T0 + 2, last_seq: 0 };
}

function newInvite(code: string, groupId: string, createdBy: string, over: Partial<Invite> = {}): Invite {
  return {
    code, group_id: groupId, created_by: createdBy, created_at: T0, expires_at: null, max_uses: null, uses: 0, revoked_at: null, ...over,
  };
}

function withoutPassword({ password_hash: _p, ...user }: UserWithPassword) {
  return user;
}

/** Rejects with an AppError of this code. */
function appError(code: ErrorCode) {
  return (error: unknown) => error instanceof AppError && error.code === code;
}

const ALL_MIGRATIONS = Object.keys(await migrationProvider.getMigrations()).sort();

/**
 * The behaviour every Store must show, whatever the dialect. `open` gives a fresh, empty,
 * unmigrated database for each test; the suite migrates it.
 */
export function storeContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let nextMessage = 0;

    beforeEach(async () => {
      ({ store, cleanup } = await open());
      assert.deepEqual(await store.migrate(), ALL_MIGRATIONS);
      nextMessage = 0;
    });
    afterEach(async () => {
      await cleanup();
    });

    function msg(roomId: string, authorId: string, over: Partial<NewMessage> = {}): NewMessage {
      nextMessage += 1;
      return {
        id: `m-${String(nextMessage).padStart(6, '0')}`, room_id: roomId, author_id: authorId, body: `message ${nextMessage}`,
        reply_to: null, mentions: [], client_id: null, created_at: T0 + 10 + nextMessage, ...over,
      };
    }

    /** alice owns group "one" (rooms a and b), bob is a member; carol is in no group. */
    async function world() {
      const alice = newUser('alice');
      const bob = newUser('bob');
      const carol = newUser('carol');
      for (const u of [alice, bob, carol]) await store.users.create(u);
      const group = await store.groups.create(newGroup('one', alice.id), T0 + 5);
      await store.groups.addMember({ group_id: group.id, user_id: bob.id, role: 'member', joined_at: T0 + 6 });
      const roomA = await store.rooms.create(newRoom('a', group.id, alice.id));
      const roomB = await store.rooms.create(newRoom('b', group.id, alice.id));
      return { alice, bob, carol, group, roomA, roomB };
    }

    describe('store', () => {
      it('migrate() is idempotent: a second call applies nothing', async () => {
        assert.deepEqual(await store.migrate(), []);
        assert.deepEqual(await store.migrate(), []);
      });

      it('ping() answers', async () => {
        await store.ping();
        assert.ok(store.dialect === 'sqlite' || store.dialect === 'postgres');
      });
    });

    describe('users', () => {
      it('create returns the user without password; find by id and by email round-trip', async () => {
        const alice = { ...newUser('alice'), email: 'Alice.Smith@Example.COM' };
        assert.deepEqual(await store.users.create(alice), withoutPassword(alice));
        assert.deepEqual(await store.users.findById(alice.id), withoutPassword(alice));
        assert.deepEqual(await store.users.findByEmail('alice.smith@example.com'), alice);
        assert.deepEqual(await store.users.findByEmail('ALICE.SMITH@EXAMPLE.COM'), alice);
      });

      it('unknown id or email is undefined', async () => {
        assert.equal(await store.users.findById('u-nobody'), undefined);
        assert.equal(await store.users.findByEmail('nobody@example.com'), undefined);
      });

      it('an email taken in any letter case is refused with email_taken', async () => {
        await store.users.create(newUser('alice'));
        await assert.rejects(store.users.create({ ...newUser('alice2'), email: 'ALICE@example.com' }), appError('email_taken'));
        assert.equal(await store.users.findById('u-alice2'), undefined);
      });

      it('a repeated id is not mistaken for a taken email', async () => {
        await store.users.create(newUser('alice'));
        await assert.rejects(
          store.users.create({ ...newUser('alice'), email: 'other@example.com' }),
          (error) => !(error instanceof AppError),
        );
      });
    });

    describe('sessions', () => {
      it('finds the user of an unexpired session only', async () => {
        const alice = newUser('alice');
        await store.users.create(alice);
        await store.sessions.create({ token_hash: 'h1', user_id: alice.id, created_at: T0, expires_at: T0 + 1000 });
        assert.deepEqual(await store.sessions.findUser('h1', T0 + 999), { user: withoutPassword(alice), session_id: 'h1', last_used_at: T0 });
        assert.equal(await store.sessions.findUser('h1', T0 + 1000), undefined);
        assert.equal(await store.sessions.findUser('nope', T0), undefined);
      });

      it('delete ends one session; deleteExpired removes exactly the expired ones', async () => {
        const alice = newUser('alice');
        await store.users.create(alice);
        for (const [hash, expires] of [['a', T0 + 10], ['b', T0 + 20], ['c', T0 + 30]] as const) {
          await store.sessions.create({ token_hash: hash, user_id: alice.id, created_at: T0, expires_at: expires });
        }
        await store.sessions.delete('c');
        assert.equal(await store.sessions.findUser('c', T0), undefined);
        assert.equal(await store.sessions.deleteExpired(T0 + 20), 2);
        assert.equal(await store.sessions.deleteExpired(T0 + 20), 0);
        await store.sessions.delete('missing');
      });
    });

    describe('accounts', () => {
      it('a new account may start unverified; verifying needs the current address; a change verifies the new one', async () => {
        const dan = await store.users.create({ ...newUser('dan'), email_verified: false });
        assert.equal(dan.email_verified, false);
        assert.equal(await store.users.markEmailVerified(dan.id, 'other@example.com', T0 + 1), false);
        assert.equal(await store.users.markEmailVerified(dan.id, 'DAN@example.com', T0 + 1), true);
        assert.equal((await store.users.findById(dan.id))?.email_verified, true);
        await store.users.create(newUser('erin'));
        await assert.rejects(store.users.changeEmail(dan.id, 'Erin@example.com', T0 + 2), appError('email_taken'));
        assert.equal(await store.users.changeEmail(dan.id, 'dan.new@example.com', T0 + 2), true);
        assert.equal((await store.users.findByEmail('DAN.NEW@example.com'))?.id, dan.id);
        assert.deepEqual(await store.users.updateProfile(dan.id, { name: 'Dan', language: 'en' }), {
          id: dan.id, email: 'dan.new@example.com', name: 'Dan', created_at: T0, email_verified: true, language: 'en',
        });
      });

      it('an account link is taken once, not after it expires, and not for another purpose', async () => {
        const alice = newUser('alice');
        await store.users.create(alice);
        const base = { user_id: alice.id, email: alice.email, created_at: T0, expires_at: T0 + 100 };
        await store.accountTokens.create({ ...base, token_hash: 'v1', purpose: 'verify_email' });
        await store.accountTokens.create({ ...base, token_hash: 'v2', purpose: 'verify_email' });
        await store.accountTokens.create({ ...base, token_hash: 'r1', purpose: 'reset_password', email: null });
        assert.equal(await store.accountTokens.take('v1', 'reset_password', T0 + 1), undefined);
        const [first, second] = await Promise.all([store.accountTokens.take('v1', 'verify_email', T0 + 1), store.accountTokens.take('v1', 'verify_email', T0 + 1)]);
        assert.equal([first, second].filter((t) => t !== undefined).length, 1, 'exactly one of two concurrent uses');
        assert.equal((await store.accountTokens.find('v1', 'verify_email'))?.used, true);
        assert.equal(await store.accountTokens.take('r1', 'reset_password', T0 + 100), undefined, 'expired');
        assert.equal(await store.accountTokens.revokeForUser(alice.id, ['verify_email'], T0 + 2), 1);
        assert.equal(await store.accountTokens.take('v2', 'verify_email', T0 + 3), undefined, 'revoked');
        assert.equal(await store.accountTokens.deleteExpired(T0 + 100), 3);
      });

      it('sessions are listed newest first and end one by one or all but one', async () => {
        const alice = newUser('alice');
        await store.users.create(alice);
        for (const [id, at] of [['s1', T0], ['s2', T0 + 1], ['s3', T0 + 2]] as const) {
          await store.sessions.create({ id, token_hash: `h-${id}`, user_id: alice.id, created_at: at, expires_at: T0 + 1000, user_agent: `agent ${id}` });
        }
        assert.deepEqual((await store.sessions.listForUser(alice.id, T0 + 5)).map((x) => [x.id, x.user_agent]), [['s3', 'agent s3'], ['s2', 'agent s2'], ['s1', 'agent s1']]);
        assert.equal(await store.sessions.isLive('s1', alice.id, T0 + 5), true);
        assert.equal(await store.sessions.isLive('s1', 'u-other', T0 + 5), false);
        assert.equal(await store.sessions.isLive('s1', alice.id, T0 + 1000), false);
        await store.sessions.touch('s1', T0 + 50);
        assert.equal((await store.sessions.findUser('h-s1', T0 + 51))?.last_used_at, T0 + 50);
        assert.equal(await store.sessions.deleteById('u-other', 's1'), false);
        assert.equal(await store.sessions.deleteById(alice.id, 's1'), true);
        assert.deepEqual((await store.sessions.deleteForUser(alice.id, 's3')).sort(), ['s2']);
        assert.deepEqual(await store.sessions.delete('h-s3'), { id: 's3', user_id: alice.id });
      });

      it('leaving: sole owners are named; anonymizing keeps messages and answers, erases the rest', async () => {
        const { alice, bob, group, roomA } = await world();
        assert.deepEqual(await store.accountData.soleOwnerGroups(alice.id), [{ id: group.id, name: group.name }]);
        assert.deepEqual(await store.accountData.soleOwnerGroups(bob.id), []);
        await store.messages.append(msg(roomA.id, bob.id, { body: 'hello' }));
        await store.sessions.create({ token_hash: 'hb', user_id: bob.id, created_at: T0, expires_at: T0 + 1000 });
        const exported = await store.accountData.exportUser(bob.id);
        assert.deepEqual(exported.messages.map((m) => m.body), ['hello']);
        assert.deepEqual(exported.memberships.map((m) => [m.group_id, m.role, m.mail_delivery]), [[group.id, 'member', 'each']]);
        assert.deepEqual(await store.accountData.anonymize(bob.id, T0 + 9), { group_ids: [group.id] });
        const gone = await store.users.findById(bob.id);
        assert.equal(gone?.name, '');
        assert.equal(gone?.email_verified, false);
        assert.equal(await store.users.findByEmail(bob.email), undefined);
        assert.equal(await store.sessions.findUser('hb', T0), undefined);
        assert.equal(await store.groups.getMembership(group.id, bob.id), undefined);
        assert.deepEqual((await store.messages.range(roomA.id, { limit: 10 })).map((m) => [m.author_id, m.body]), [[bob.id, 'hello']]);
        await store.users.create({ ...newUser('bob2'), email: bob.email });
      });
    });

    describe('groups', () => {
      it('create stores the group and makes the creator its owner', async () => {
        const alice = newUser('alice');
        await store.users.create(alice);
        const group = newGroup('one', alice.id);
        assert.deepEqual(await store.groups.create(group, T0 + 5), group);
        assert.deepEqual(await store.groups.findById(group.id), group);
        assert.deepEqual(await store.groups.findBySlug(group.slug), group);
        assert.deepEqual(await store.groups.getMembership(group.id, alice.id), {
          group_id: group.id, user_id: alice.id, role: 'owner', joined_at: T0 + 5,
        });
        assert.equal(await store.groups.countOwners(group.id), 1);
      });

      it('a taken slug is refused with slug_taken and leaves nothing behind', async () => {
        const { bob, group } = await world();
        const clash = { ...newGroup('two', bob.id), slug: group.slug };
        await assert.rejects(store.groups.create(clash, T0), appError('slug_taken'));
        assert.equal(await store.groups.findById(clash.id), undefined);
        assert.equal(await store.groups.getMembership(clash.id, bob.id), undefined);
      });

      it('unknown group, slug or membership is undefined', async () => {
        const { carol, group } = await world();
        assert.equal(await store.groups.findById('g-none'), undefined);
        assert.equal(await store.groups.findBySlug('none'), undefined);
        assert.equal(await store.groups.getMembership(group.id, carol.id), undefined);
      });

      it('listForUser gives each group of the user with the role held there', async () => {
        const { alice, bob, group } = await world();
        const other = await store.groups.create(newGroup('two', bob.id), T0 + 7);
        await store.groups.addMember({ group_id: other.id, user_id: alice.id, role: 'sender', joined_at: T0 + 8 });
        assert.deepEqual(await store.groups.listForUser(alice.id), [
          { ...group, role: 'owner' },
          { ...other, role: 'sender' },
        ]);
        assert.deepEqual(await store.groups.listForUser(bob.id), [
          { ...group, role: 'member' },
          { ...other, role: 'owner' },
        ]);
        assert.deepEqual(await store.groups.listForUser('u-carol'), []);
      });

      it('listMembers joins name and email, in joining order', async () => {
        const { alice, bob, group } = await world();
        assert.deepEqual(await store.groups.listMembers(group.id), [
          { group_id: group.id, user_id: alice.id, role: 'owner', joined_at: T0 + 5, name: alice.name, email: alice.email },
          { group_id: group.id, user_id: bob.id, role: 'member', joined_at: T0 + 6, name: bob.name, email: bob.email },
        ]);
      });

      it('member email visibility: closed by default, set per group, false for an unknown group', async () => {
        const { group } = await world();
        assert.equal(await store.groups.memberEmailsVisible(group.id), false);
        assert.equal(await store.groups.setMemberEmailsVisible(group.id, true), true);
        assert.equal(await store.groups.memberEmailsVisible(group.id), true);
        assert.equal(await store.groups.setMemberEmailsVisible(group.id, false), true);
        assert.equal(await store.groups.memberEmailsVisible(group.id), false);
        assert.equal(await store.groups.setMemberEmailsVisible('no-such-group', true), false);
        assert.equal(await store.groups.memberEmailsVisible('no-such-group'), false);
      });

      it('addMember twice returns false and changes nothing', async () => {
        const { carol, group } = await world();
        const membership = { group_id: group.id, user_id: carol.id, role: 'member' as const, joined_at: T0 + 9 };
        assert.equal(await store.groups.addMember(membership), true);
        assert.equal(await store.groups.addMember({ ...membership, role: 'owner', joined_at: T0 + 99 }), false);
        assert.deepEqual(await store.groups.getMembership(group.id, carol.id), membership);
      });

      it('setRole and countOwners', async () => {
        const { bob, carol, group } = await world();
        assert.equal(await store.groups.setRole(group.id, bob.id, 'owner'), true);
        assert.equal((await store.groups.getMembership(group.id, bob.id))?.role, 'owner');
        assert.equal(await store.groups.countOwners(group.id), 2);
        assert.equal(await store.groups.setRole(group.id, bob.id, 'sender'), true);
        assert.equal(await store.groups.countOwners(group.id), 1);
        assert.equal(await store.groups.setRole(group.id, carol.id, 'owner'), false);
        assert.equal(await store.groups.countOwners('g-none'), 0);
      });

      it('removeMember also removes the user from the sub-groups of that group only', async () => {
        const { alice, bob, group } = await world();
        const other = await store.groups.create(newGroup('two', alice.id), T0);
        await store.groups.addMember({ group_id: other.id, user_id: bob.id, role: 'member', joined_at: T0 });
        const here = await store.groups.createSubgroup({ id: 's-here', group_id: group.id, name: 'here', created_at: T0 });
        const there = await store.groups.createSubgroup({ id: 's-there', group_id: other.id, name: 'there', created_at: T0 });
        for (const s of [here, there]) {
          await store.groups.putSubgroupMember(s.id, bob.id, true);
          await store.groups.putSubgroupMember(s.id, alice.id, false);
        }
        assert.equal(await store.groups.removeMember(group.id, bob.id), true);
        assert.equal(await store.groups.getMembership(group.id, bob.id), undefined);
        assert.deepEqual((await store.groups.listSubgroups(group.id))[0]?.members, [
          { subgroup_id: here.id, user_id: alice.id, leader: false },
        ]);
        assert.deepEqual((await store.groups.listSubgroups(other.id))[0]?.members, [
          { subgroup_id: there.id, user_id: alice.id, leader: false },
          { subgroup_id: there.id, user_id: bob.id, leader: true },
        ]);
        assert.equal(await store.groups.removeMember(group.id, bob.id), false);
      });

      it('sub-groups: create, find, list with members; put is an upsert of leader', async () => {
        const { alice, bob, group } = await world();
        const first = { id: 's-1', group_id: group.id, name: 'Choir', created_at: T0 + 1 };
        const second = { id: 's-2', group_id: group.id, name: 'Band', created_at: T0 + 2 };
        assert.deepEqual(await store.groups.createSubgroup(first), first);
        await store.groups.createSubgroup(second);
        assert.deepEqual(await store.groups.findSubgroup(first.id), first);
        assert.equal(await store.groups.findSubgroup('s-none'), undefined);
        await store.groups.putSubgroupMember(first.id, bob.id, false);
        await store.groups.putSubgroupMember(first.id, alice.id, false);
        await store.groups.putSubgroupMember(first.id, bob.id, true);
        assert.deepEqual(await store.groups.listSubgroups(group.id), [
          {
            ...first,
            members: [
              { subgroup_id: first.id, user_id: alice.id, leader: false },
              { subgroup_id: first.id, user_id: bob.id, leader: true },
            ],
          },
          { ...second, members: [] },
        ]);
        await store.groups.putSubgroupMember(first.id, bob.id, false);
        assert.deepEqual((await store.groups.listSubgroups(group.id))[0]?.members[1], { subgroup_id: first.id, user_id: bob.id, leader: false });
        assert.deepEqual(await store.groups.listSubgroups('g-none'), []);
      });

      it('removeSubgroupMember and deleteSubgroup report whether anything was there', async () => {
        const { alice, bob, group } = await world();
        const sub = await store.groups.createSubgroup({ id: 's-1', group_id: group.id, name: 'Choir', created_at: T0 });
        await store.groups.putSubgroupMember(sub.id, alice.id, true);
        await store.groups.putSubgroupMember(sub.id, bob.id, false);
        assert.equal(await store.groups.removeSubgroupMember(sub.id, bob.id), true);
        assert.equal(await store.groups.removeSubgroupMember(sub.id, bob.id), false);
        assert.equal(await store.groups.deleteSubgroup(sub.id), true);
        assert.equal(await store.groups.findSubgroup(sub.id), undefined);
        assert.deepEqual(await store.groups.listSubgroups(group.id), []);
        assert.equal(await store.groups.deleteSubgroup(sub.id), false);
        // its members went with it: the id can be reused with no stale member
        await store.groups.createSubgroup({ ...sub, name: 'again' });
        assert.deepEqual((await store.groups.listSubgroups(group.id))[0]?.members, []);
      });
    });

    describe('invites', () => {
      it('create, find and listForGroup round-trip, nulls included', async () => {
        const { alice, group } = await world();
        const open = newInvite('code-1', group.id, alice.id);
        const bounded = newInvite('code-2', group.id, alice.id, { created_at: T0 + 1, expires_at: T0 + 100, max_uses: 5, uses: 1, revoked_at: T0 + 50 });
        assert.deepEqual(await store.invites.create(open), open);
        await store.invites.create(bounded);
        assert.deepEqual(await store.invites.find('code-2'), bounded);
        assert.equal(await store.invites.find('nope'), undefined);
        assert.deepEqual(await store.invites.listForGroup(group.id), [open, bounded]);
        assert.deepEqual(await store.invites.listForGroup('g-none'), []);
      });

      it('consume takes one use and returns the updated invite', async () => {
        const { alice, group } = await world();
        await store.invites.create(newInvite('c', group.id, alice.id, { max_uses: 2, expires_at: T0 + 100 }));
        assert.deepEqual(await store.invites.consume('c', T0 + 99), {
          ok: true, invite: newInvite('c', group.id, alice.id, { max_uses: 2, expires_at: T0 + 100, uses: 1 }),
        });
        assert.equal((await store.invites.consume('c', T0 + 99)).ok, true);
        assert.deepEqual(await store.invites.consume('c', T0 + 99), { ok: false, reason: 'invite_used_up' });
        assert.equal((await store.invites.find('c'))?.uses, 2);
      });

      it('consume names the reason: not found, expired, revoked (before expired), used up', async () => {
        const { alice, group } = await world();
        await store.invites.create(newInvite('exp', group.id, alice.id, { expires_at: T0 + 100 }));
        await store.invites.create(newInvite('rev', group.id, alice.id, { expires_at: T0 + 100 }));
        await store.invites.create(newInvite('none-left', group.id, alice.id, { max_uses: 1, uses: 1 }));
        assert.equal(await store.invites.revoke('rev', T0 + 1), true);
        assert.deepEqual(await store.invites.consume('missing', T0), { ok: false, reason: 'invite_not_found' });
        assert.deepEqual(await store.invites.consume('exp', T0 + 100), { ok: false, reason: 'invite_expired' });
        assert.deepEqual(await store.invites.consume('rev', T0 + 2), { ok: false, reason: 'invite_revoked' });
        assert.deepEqual(await store.invites.consume('rev', T0 + 200), { ok: false, reason: 'invite_revoked' });
        assert.deepEqual(await store.invites.consume('none-left', T0), { ok: false, reason: 'invite_used_up' });
        for (const code of ['exp', 'rev', 'none-left']) assert.notEqual((await store.invites.find(code))?.uses, 2);
        assert.equal((await store.invites.find('exp'))?.uses, 0);
      });

      it('an invite without limits can be consumed again and again', async () => {
        const { alice, group } = await world();
        await store.invites.create(newInvite('free', group.id, alice.id));
        for (let i = 0; i < 5; i++) assert.equal((await store.invites.consume('free', T0 + 10 ** 9)).ok, true);
        assert.equal((await store.invites.find('free'))?.uses, 5);
      });

      it('revoke keeps the first revoked_at; unknown code is false', async () => {
        const { alice, group } = await world();
        await store.invites.create(newInvite('c', group.id, alice.id));
        assert.equal(await store.invites.revoke('c', T0 + 1), true);
        assert.equal(await store.invites.revoke('c', T0 + 2), true);
        assert.equal((await store.invites.find('c'))?.revoked_at, T0 + 1);
        assert.equal(await store.invites.revoke('missing', T0), false);
      });

      it('10 concurrent consumes of an invite with 3 uses: exactly 3 succeed', async () => {
        const { alice, group } = await world();
        await store.invites.create(newInvite('c', group.id, alice.id, { max_uses: 3 }));
        const results = await Promise.all(Array.from({ length: 10 }, () => store.invites.consume('c', T0)));
        assert.equal(results.filter((r) => r.ok).length, 3);
        assert.deepEqual(
          results.filter((r) => !r.ok),
          Array.from({ length: 7 }, () => ({ ok: false, reason: 'invite_used_up' })),
        );
        assert.equal((await store.invites.find('c'))?.uses, 3);
      });
    });

    describe('rooms', () => {
      it('create, findById, listForGroup; a new room has last_seq 0', async () => {
        const { group, roomA, roomB } = await world();
        assert.deepEqual(roomA, newRoom('a', group.id, 'u-alice'));
        assert.deepEqual(await store.rooms.findById(roomA.id), roomA);
        assert.equal(await store.rooms.findById('r-none'), undefined);
        assert.deepEqual(await store.rooms.listForGroup(group.id), [roomA, roomB]);
        assert.deepEqual(await store.rooms.listForGroup('g-none'), []);
      });

      it('refuses a new room that claims messages', async () => {
        const { group } = await world();
        await assert.rejects(store.rooms.create({ ...newRoom('c', group.id, 'u-alice'), last_seq: 3 }), /last_seq 0/);
      });
    });

    describe('messages', () => {
      it('append gives seq 1, 2, 3… per room and moves the room last_seq', async () => {
        const { alice, bob, roomA, roomB } = await world();
        const seqs = [];
        for (const [room, author] of [[roomA, alice], [roomA, bob], [roomB, bob], [roomA, alice]] as const) {
          const result = await store.messages.append(msg(room.id, author.id));
          assert.equal(result.created, true);
          seqs.push(result.message.seq);
        }
        assert.deepEqual(seqs, [1, 2, 1, 3]);
        assert.equal((await store.rooms.findById(roomA.id))?.last_seq, 3);
        assert.equal((await store.rooms.findById(roomB.id))?.last_seq, 1);
      });

      it('append returns the stored message, and findById reads it back', async () => {
        const { alice, bob, roomA } = await world();
        const first = await store.messages.append(msg(roomA.id, alice.id));
        const input = msg(roomA.id, bob.id, { reply_to: first.message.id, mentions: [alice.id, bob.id], client_id: 'c-1' });
        const expected = { ...input, seq: 2, edited_at: null, deleted_at: null };
        assert.deepEqual(await store.messages.append(input), { message: expected, created: true });
        assert.deepEqual(await store.messages.findById(input.id), expected);
        assert.equal(await store.messages.findById('m-none'), undefined);
      });

      it('a client_id this author used in this room returns the first message and stores nothing', async () => {
        const { alice, roomA } = await world();
        const first = await store.messages.append(msg(roomA.id, alice.id, { client_id: 'c-1', body: 'first' }));
        const again = await store.messages.append(msg(roomA.id, alice.id, { client_id: 'c-1', body: 'second' }));
        assert.deepEqual(again, { message: first.message, created: false });
        assert.equal((await store.rooms.findById(roomA.id))?.last_seq, 1);
        assert.equal(await store.messages.findById(`m-${String(2).padStart(6, '0')}`), undefined);
      });

      it('the same client_id by another author, or in another room, is a different message', async () => {
        const { alice, bob, roomA, roomB } = await world();
        const mine = await store.messages.append(msg(roomA.id, alice.id, { client_id: 'c-1' }));
        const bobs = await store.messages.append(msg(roomA.id, bob.id, { client_id: 'c-1' }));
        const elsewhere = await store.messages.append(msg(roomB.id, alice.id, { client_id: 'c-1' }));
        assert.deepEqual([mine, bobs, elsewhere].map((r) => [r.created, r.message.seq]), [[true, 1], [true, 2], [true, 1]]);
        assert.equal(new Set([mine, bobs, elsewhere].map((r) => r.message.id)).size, 3);
      });

      it('messages without client_id are never deduplicated', async () => {
        const { alice, roomA } = await world();
        const a = await store.messages.append(msg(roomA.id, alice.id, { body: 'same' }));
        const b = await store.messages.append(msg(roomA.id, alice.id, { body: 'same' }));
        assert.deepEqual([a.created, b.created, b.message.seq], [true, true, 2]);
      });

      it('appendMany keeps order and seqs across rooms and is idempotent, within the batch too', async () => {
        const { alice, bob, roomA, roomB } = await world();
        const stored = await store.messages.append(msg(roomA.id, alice.id, { client_id: 'old' }));
        const batch = [
          msg(roomA.id, alice.id),
          msg(roomB.id, bob.id, { client_id: 'x' }),
          msg(roomA.id, alice.id, { client_id: 'old' }),
          msg(roomA.id, bob.id, { client_id: 'x' }),
          msg(roomB.id, bob.id, { client_id: 'x' }),
          msg(roomA.id, alice.id, { mentions: [bob.id] }),
        ];
        const results = await store.messages.appendMany(batch);
        assert.deepEqual(
          results.map((r) => [r.created, r.message.room_id, r.message.seq, r.message.id]),
          [
            [true, roomA.id, 2, batch[0]!.id],
            [true, roomB.id, 1, batch[1]!.id],
            [false, roomA.id, 1, stored.message.id],
            [true, roomA.id, 3, batch[3]!.id],
            [false, roomB.id, 1, batch[1]!.id],
            [true, roomA.id, 4, batch[5]!.id],
          ],
        );
        assert.deepEqual(results[5]!.message, { ...batch[5]!, seq: 4, edited_at: null, deleted_at: null });
        assert.deepEqual(results[4]!.message, await store.messages.findById(batch[1]!.id));
        assert.equal((await store.rooms.findById(roomA.id))?.last_seq, 4);
        assert.equal((await store.rooms.findById(roomB.id))?.last_seq, 1);
        assert.deepEqual(await store.messages.appendMany([]), []);
        // a retried batch: new ids, same client_ids; only the messages without one are new
        const replay = await store.messages.appendMany(batch.map((m) => ({ ...m, id: `${m.id}-retry` })));
        assert.deepEqual(
          replay.map((r) => [r.created, r.message.seq]),
          [[true, 5], [false, 1], [false, 1], [false, 3], [false, 1], [true, 6]],
        );
      });

      it('appendMany beyond one statement\'s parameter limit stays one gapless run', async () => {
        const { alice, roomA } = await world();
        const batch = Array.from({ length: 8000 }, (_, i) => msg(roomA.id, alice.id, { client_id: `c-${i}` }));
        const results = await store.messages.appendMany(batch);
        assert.deepEqual(results.map((r) => r.message.seq), batch.map((_, i) => i + 1));
        assert.ok(results.every((r) => r.created));
        const again = await store.messages.appendMany(batch.map((m) => ({ ...m, id: `${m.id}-again` })));
        assert.ok(again.every((r, i) => !r.created && r.message.seq === i + 1));
        assert.equal((await store.rooms.findById(roomA.id))?.last_seq, 8000);
      });

      it('a message for a missing room fails the whole batch with room_not_found', async () => {
        const { alice, roomA } = await world();
        await assert.rejects(store.messages.append(msg('r-none', alice.id)), appError('room_not_found'));
        await assert.rejects(
          store.messages.appendMany([msg(roomA.id, alice.id), msg('r-none', alice.id)]),
          appError('room_not_found'),
        );
        assert.equal((await store.rooms.findById(roomA.id))?.last_seq, 0);
        assert.deepEqual(await store.messages.range(roomA.id, { limit: 10 }), []);
      });

      it('a batch spanning many rooms, interleaved, numbers each room from its own last_seq', async () => {
        const { alice, bob, group } = await world();
        const rooms: Room[] = [];
        for (let r = 0; r < 40; r++) rooms.push(await store.rooms.create(newRoom(`many-${r}`, group.id, alice.id)));
        // every room already has r messages, so each batch run starts somewhere else
        for (const [r, room] of rooms.entries()) {
          if (r > 0) await store.messages.appendMany(Array.from({ length: r }, () => msg(room.id, alice.id)));
        }
        const batch = Array.from({ length: 400 }, (_, i) => msg(rooms[(i * 7) % 40]!.id, i % 2 ? alice.id : bob.id, { client_id: `k-${i}` }));
        const results = await store.messages.appendMany(batch);
        const expected = new Map(rooms.map((room, r) => [room.id, r]));
        for (const [i, result] of results.entries()) {
          const roomId = batch[i]!.room_id;
          const seq = expected.get(roomId)! + 1;
          expected.set(roomId, seq);
          assert.deepEqual([result.created, result.message.id, result.message.room_id, result.message.seq], [true, batch[i]!.id, roomId, seq]);
        }
        for (const room of rooms) {
          const last = expected.get(room.id)!;
          assert.equal((await store.rooms.findById(room.id))?.last_seq, last);
          const stored = await store.messages.range(room.id, { afterSeq: 0, limit: 100 });
          assert.deepEqual(stored.map((m) => m.seq), Array.from({ length: last }, (_, i) => i + 1), `room ${room.id} has no gap`);
        }
      });

      it('a repeat of a client_id inside one batch, before and after a new one, answers the first', async () => {
        const { alice, bob, roomA } = await world();
        const batch = [
          msg(roomA.id, alice.id, { client_id: 'same', body: 'first' }),
          msg(roomA.id, bob.id, { client_id: 'same', body: 'by bob' }),
          msg(roomA.id, alice.id, { client_id: 'same', body: 'again' }),
          msg(roomA.id, alice.id),
          msg(roomA.id, alice.id, { client_id: 'same', body: 'and again' }),
        ];
        const results = await store.messages.appendMany(batch);
        assert.deepEqual(
          results.map((r) => [r.created, r.message.id, r.message.seq, r.message.body]),
          [
            [true, batch[0]!.id, 1, 'first'],
            [true, batch[1]!.id, 2, 'by bob'],
            [false, batch[0]!.id, 1, 'first'],
            [true, batch[3]!.id, 3, batch[3]!.body],
            [false, batch[0]!.id, 1, 'first'],
          ],
        );
        assert.equal(await store.messages.findById(batch[2]!.id), undefined);
        assert.equal((await store.rooms.findById(roomA.id))?.last_seq, 3);
      });

      it('a batch that fails stores nothing and gives its seqs back', async () => {
        const { alice, roomA, roomB } = await world();
        await store.messages.append(msg(roomA.id, alice.id));
        // an unknown author fails the foreign key, after the seqs were taken in the same transaction
        const batch = [msg(roomA.id, alice.id, { client_id: 'x' }), msg(roomB.id, alice.id), msg(roomA.id, 'u-nobody')];
        await assert.rejects(store.messages.appendMany(batch));
        for (const m of batch) assert.equal(await store.messages.findById(m.id), undefined);
        assert.equal((await store.rooms.findById(roomA.id))?.last_seq, 1);
        assert.equal((await store.rooms.findById(roomB.id))?.last_seq, 0);
        const next = await store.messages.appendMany([msg(roomA.id, alice.id, { client_id: 'x' }), msg(roomB.id, alice.id)]);
        assert.deepEqual(next.map((r) => [r.created, r.message.seq]), [[true, 2], [true, 1]]);
      });

      it('range: after, before, both, neither — ascending, at most limit, this room only', async () => {
        const { alice, roomA, roomB } = await world();
        for (let i = 0; i < 10; i++) await store.messages.append(msg(roomA.id, alice.id));
        await store.messages.append(msg(roomB.id, alice.id));
        const seqs = async (opts: { afterSeq?: number; beforeSeq?: number; limit: number }) =>
          (await store.messages.range(roomA.id, opts)).map((m) => m.seq);
        assert.deepEqual(await seqs({ afterSeq: 3, limit: 4 }), [4, 5, 6, 7]);
        assert.deepEqual(await seqs({ afterSeq: 8, limit: 50 }), [9, 10]);
        assert.deepEqual(await seqs({ beforeSeq: 8, limit: 3 }), [5, 6, 7]);
        assert.deepEqual(await seqs({ beforeSeq: 3, limit: 50 }), [1, 2]);
        assert.deepEqual(await seqs({ afterSeq: 2, beforeSeq: 9, limit: 3 }), [3, 4, 5]);
        assert.deepEqual(await seqs({ limit: 3 }), [8, 9, 10]);
        assert.deepEqual(await seqs({ limit: 50 }), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert.deepEqual(await seqs({ afterSeq: 10, limit: 5 }), []);
        assert.deepEqual(await seqs({ limit: 0 }), []);
        assert.deepEqual(await store.messages.range('r-none', { limit: 5 }), []);
        const [only] = await store.messages.range(roomB.id, { limit: 5 });
        assert.equal(only?.room_id, roomB.id);
      });

      it('edit changes body, mentions and edited_at, nothing else', async () => {
        const { alice, bob, roomA } = await world();
        const { message } = await store.messages.append(msg(roomA.id, alice.id, { client_id: 'c', mentions: [bob.id] }));
        const edited = { ...message, body: 'better', mentions: [], edited_at: T0 + 500 };
        assert.deepEqual(await store.messages.edit(message.id, 'better', [], T0 + 500), edited);
        assert.deepEqual(await store.messages.findById(message.id), edited);
        assert.equal(await store.messages.edit('m-none', 'x', [], T0), undefined);
      });

      it('markDeleted leaves a tombstone: id, seq, author kept; body empty; never revived', async () => {
        const { alice, bob, roomA } = await world();
        const { message } = await store.messages.append(msg(roomA.id, alice.id, { client_id: 'c', mentions: [bob.id] }));
        const tombstone = { ...message, body: '', mentions: [], deleted_at: T0 + 600 };
        assert.deepEqual(await store.messages.markDeleted(message.id, T0 + 600), tombstone);
        assert.deepEqual(await store.messages.markDeleted(message.id, T0 + 700), tombstone);
        assert.equal(await store.messages.edit(message.id, 'back', [], T0 + 800), undefined);
        assert.deepEqual(await store.messages.findById(message.id), tombstone);
        assert.deepEqual(await store.messages.append(msg(roomA.id, alice.id, { client_id: 'c' })), { message: tombstone, created: false });
        assert.equal(await store.messages.markDeleted('m-none', T0), undefined);
      });

      it('stores text byte-exact: 4-byte emoji, RTL, combining marks, SQL-looking strings', async () => {
        const { alice, bob, roomA } = await world();
        const bodies = [
          '👩‍👩‍👧‍👦 family, 𝄞 clef, 🇯🇵 flag',
          'مرحبا بالعالم — שלום עולם',
          "'); DROP TABLE users;--",
          'e\u0301 vs é, Ω vs Ω, tab\there\nnew line',
          '\\x00 %s $1 ? :name `tick` "quote"',
        ];
        const results = await store.messages.appendMany(bodies.map((body, i) => msg(roomA.id, alice.id, { body, client_id: `🔑-${i}`, mentions: [bob.id] })));
        const read = await store.messages.range(roomA.id, { limit: 10 });
        for (const [i, body] of bodies.entries()) {
          assert.deepEqual(Buffer.from(read[i]!.body, 'utf8'), Buffer.from(body, 'utf8'));
          assert.equal(results[i]!.message.body, body);
          assert.equal(read[i]!.client_id, `🔑-${i}`);
        }
        const edited = await store.messages.edit(results[0]!.message.id, bodies[2]!, [], T0);
        assert.equal(edited?.body, bodies[2]);
        assert.ok(await store.users.findById(alice.id));
        const name = '山田 太郎 🐉';
        await store.users.create({ ...newUser('taro'), name, email: 'TARŌ@example.jp' });
        assert.equal((await store.users.findByEmail('tarō@example.jp'))?.name, name);
      });

      it('mentions round-trip as an array, empty included', async () => {
        const { alice, bob, roomA } = await world();
        const mentions = [bob.id, alice.id, 'u-"quoted"'];
        const { message } = await store.messages.append(msg(roomA.id, alice.id, { mentions }));
        assert.deepEqual((await store.messages.findById(message.id))?.mentions, mentions);
        const plain = await store.messages.append(msg(roomA.id, alice.id));
        assert.deepEqual((await store.messages.findById(plain.message.id))?.mentions, []);
      });
    });

    describe('read markers', () => {
      it('move forward only', async () => {
        const { alice, roomA } = await world();
        assert.equal(await store.reads.get(roomA.id, alice.id), 0);
        assert.equal(await store.reads.advance(roomA.id, alice.id, 5, T0), 5);
        assert.equal(await store.reads.advance(roomA.id, alice.id, 3, T0 + 1), 5);
        assert.equal(await store.reads.advance(roomA.id, alice.id, 5, T0 + 2), 5);
        assert.equal(await store.reads.advance(roomA.id, alice.id, 7, T0 + 3), 7);
        assert.equal(await store.reads.get(roomA.id, alice.id), 7);
      });

      it('listForUser covers every room of every group of the user, 0 when never read', async () => {
        const { alice, bob, carol, group, roomA, roomB } = await world();
        const other = await store.groups.create(newGroup('two', carol.id), T0);
        const roomC = await store.rooms.create(newRoom('c', other.id, carol.id));
        await store.messages.appendMany([msg(roomA.id, alice.id), msg(roomA.id, bob.id), msg(roomB.id, alice.id), msg(roomC.id, carol.id)]);
        await store.reads.advance(roomA.id, bob.id, 1, T0);
        await store.reads.advance(roomA.id, alice.id, 2, T0);
        assert.deepEqual(await store.reads.listForUser(bob.id), [
          { room_id: roomA.id, group_id: group.id, last_seq: 2, last_read_seq: 1 },
          { room_id: roomB.id, group_id: group.id, last_seq: 1, last_read_seq: 0 },
        ]);
        await store.groups.addMember({ group_id: other.id, user_id: bob.id, role: 'member', joined_at: T0 });
        assert.deepEqual((await store.reads.listForUser(bob.id)).map((r) => [r.room_id, r.last_seq, r.last_read_seq]), [
          [roomA.id, 2, 1],
          [roomB.id, 1, 0],
          [roomC.id, 1, 0],
        ]);
        assert.deepEqual(await store.reads.listForUser('u-nobody'), []);
      });
    });

    describe('bulk', () => {
      it('insertUsers inserts users and memberships in one go', async () => {
        const { alice, group } = await world();
        const users = Array.from({ length: 3000 }, (_, i) => newUser(`bulk-${i}`));
        const memberships = users.map((u) => ({ group_id: group.id, user_id: u.id, role: 'member' as const, joined_at: T0 }));
        await store.bulk.insertUsers(users, memberships);
        assert.deepEqual(await store.users.findByEmail('BULK-2999@example.com'), users[2999]);
        assert.equal((await store.groups.listMembers(group.id)).length, 3002);
        assert.equal((await store.groups.getMembership(group.id, alice.id))?.role, 'owner');
      });

      it('a taken email fails the whole load with email_taken', async () => {
        const { group } = await world();
        const users = [newUser('fresh'), { ...newUser('dup'), email: 'ALICE@example.com' }];
        const memberships = users.map((u) => ({ group_id: group.id, user_id: u.id, role: 'member' as const, joined_at: T0 }));
        await assert.rejects(store.bulk.insertUsers(users, memberships), appError('email_taken'));
        assert.equal(await store.users.findById('u-fresh'), undefined);
      });
    });
  });
}

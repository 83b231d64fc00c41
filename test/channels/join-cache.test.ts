import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { JoinCache } from '../../src/channels/join-cache.ts';
import { LIMITS } from '../../src/config/limits.ts';
import { startStore } from '../socket/realtime-node.ts';
import { ManualTime } from '../transport/manual-time.ts';

describe('JoinCache (real SQLite store)', () => {
  const time = new ManualTime();
  let db: Awaited<ReturnType<typeof startStore>>;
  let owner: string;
  let member: string;
  let groupId: string;
  let roomId: string;

  before(async () => {
    db = await startStore(time);
    owner = await db.user('Owner');
    member = await db.user('Member');
    groupId = await db.group(owner, [member]);
    roomId = (await db.room(groupId, owner)).id;
  });
  after(() => db.stop());

  test('reads each room, membership and name once within the TTL', async () => {
    const cache = new JoinCache({ store: db.store, clock: time });
    assert.equal((await cache.room(roomId))?.group_id, groupId);
    assert.equal(await cache.isMember(groupId, member), true);
    assert.equal(await cache.userName(member), 'Member');
    // Removed behind the cache's back (no revocation): still cached, which is why revocations are required.
    await db.store.groups.removeMember(groupId, member);
    assert.equal(await cache.isMember(groupId, member), true);
    time.advance(LIMITS.joinCacheTtlMs);
    assert.equal(await cache.isMember(groupId, member), false, 'read again after the TTL');
    await db.store.groups.addMember({ group_id: groupId, user_id: member, role: 'member', joined_at: time.now() });
  });

  test('a revocation drops the membership at once; a non-member is asked again every time', async () => {
    const cache = new JoinCache({ store: db.store, clock: time });
    const stranger = await db.user('Stranger');
    assert.equal(await cache.isMember(groupId, stranger), false);
    await db.store.groups.addMember({ group_id: groupId, user_id: stranger, role: 'member', joined_at: time.now() });
    assert.equal(await cache.isMember(groupId, stranger), true, 'a new member may join at once');
    await db.store.groups.removeMember(groupId, stranger);
    cache.revoke(stranger, groupId);
    assert.equal(await cache.isMember(groupId, stranger), false);
  });

  test('a membership read in flight across a revocation is answered but not kept', async () => {
    const cache = new JoinCache({ store: db.store, clock: time });
    const reading = cache.isMember(groupId, member);
    cache.revoke('someone-else', groupId);
    assert.equal(await reading, true);
    await db.store.groups.removeMember(groupId, member);
    assert.equal(await cache.isMember(groupId, member), false, 'read from the store, not from a stale entry');
    await db.store.groups.addMember({ group_id: groupId, user_id: member, role: 'member', joined_at: time.now() });
    assert.equal(await cache.isMember(groupId, member), true);
    cache.clear();
    await db.store.groups.removeMember(groupId, member);
    assert.equal(await cache.isMember(groupId, member), false, 'clear (after a bus outage) forgets every membership');
  });

  test('a group with many misses is read whole, once: ids and names of every member', async () => {
    const cache = new JoinCache({ store: db.store, clock: time });
    const people: string[] = [];
    for (let i = 0; i < LIMITS.joinCacheGroupLoadAfter + 8; i++) people.push(await db.user(`Person ${i}`));
    const crowd = await db.group(owner, people);
    for (const id of people.slice(0, LIMITS.joinCacheGroupLoadAfter)) assert.equal(await cache.isMember(crowd, id), true);
    // Never asked for, removed behind the cache's back: still known as a member, from the group read.
    const last = people.at(-1)!;
    await db.store.groups.removeMember(crowd, last);
    assert.equal(await cache.isMember(crowd, last), true, 'answered from the whole-group read');
    assert.equal(await cache.userName(last), `Person ${people.length - 1}`);
    cache.revoke(last, crowd);
    assert.equal(await cache.isMember(crowd, last), false, 'a revocation still takes effect at once');
  });

  test('an unknown room is not cached', async () => {
    const cache = new JoinCache({ store: db.store, clock: time });
    assert.equal(await cache.room('01NOPE'), undefined);
  });
});

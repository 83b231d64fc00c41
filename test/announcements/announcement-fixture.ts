import { startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';
import { ManualTime } from '../transport/manual-time.ts';

export const T0 = 1_800_000_000_000;
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** Time that moves only when a test says so (no timers are armed on it here). Advance it and
 *  `tick()` the scheduler with no `await` in between: a poll never sees the new time before
 *  tick() has claimed what is due. */
export const manualClock = (): ManualTime => new ManualTime(T0);

export interface AnnouncementWorld {
  server: TestServer;
  clock: ManualTime;
  groupId: string;
  /** owner */
  owner: TestUser;
  /** role sender */
  sender: TestUser;
  /** a member who leads sub-group `subgroupId` (members: leader, memberA) */
  leader: TestUser;
  memberA: TestUser;
  memberB: TestUser;
  outsider: TestUser;
  subgroupId: string;
  /** a second sub-group (memberB), not led by `leader` */
  otherSubgroupId: string;
  /** Moves the clock and runs every job due then, to completion. */
  advance(ms: number): Promise<void>;
  stop(): Promise<void>;
}

/** A server on a manual clock with one group: owner, sender, a sub-group leader, two members, and an outsider. */
export async function openAnnouncementWorld(): Promise<AnnouncementWorld> {
  const clock = manualClock();
  const server = await startTestServer({ clock });
  const [owner, sender, leader, memberA, memberB, outsider] = await Promise.all(
    ['Owner 代表', 'Sender', 'Leader', 'Aiko', 'Ben', 'Outsider'].map((name) => server.signup(name)),
  ) as [TestUser, TestUser, TestUser, TestUser, TestUser, TestUser];
  const groupId = (await server.createGroup(owner)).id;
  for (const u of [sender, leader, memberA, memberB]) await server.addMember(owner, groupId, u);
  await expectOk(server.request('PATCH', `/api/groups/${groupId}/members/${sender.user.id}`, { token: owner.token, body: { role: 'sender' } }));
  const subgroupId = (await expectOk(server.request('POST', `/api/groups/${groupId}/subgroups`, { token: owner.token, body: { name: 'Grade 3' } }))).subgroup.id;
  const otherSubgroupId = (await expectOk(server.request('POST', `/api/groups/${groupId}/subgroups`, { token: owner.token, body: { name: 'Grade 4' } }))).subgroup.id;
  await expectOk(server.request('PUT', `/api/subgroups/${subgroupId}/members/${leader.user.id}`, { token: owner.token, body: { leader: true } }));
  await expectOk(server.request('PUT', `/api/subgroups/${subgroupId}/members/${memberA.user.id}`, { token: owner.token, body: {} }));
  await expectOk(server.request('PUT', `/api/subgroups/${otherSubgroupId}/members/${memberB.user.id}`, { token: owner.token, body: {} }));
  return {
    server, clock, groupId, owner, sender, leader, memberA, memberB, outsider, subgroupId, otherSubgroupId,
    advance(ms) {
      clock.advance(ms);
      return server.app.scheduler.tick();
    },
    stop: () => server.stop(),
  };
}

/** The body of a 2xx answer; throws with the answer otherwise. */
export async function expectOk(pending: Promise<{ status: number; body: any }>): Promise<any> {
  const res = await pending;
  if (res.status < 200 || res.status > 299) throw new Error(`expected 2xx, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

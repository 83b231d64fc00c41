import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkAudience, mayView, resolveAudience, seesStatus, type Actor } from '../../src/announcements/announcement-access.ts';
import type { Announcement, Audience } from '../../src/announcements/types.ts';
import { AppError } from '../../src/domain/app-error.ts';
import type { MemberView, Role, SubgroupView } from '../../src/domain/types.ts';

const group = { id: 'g', name: 'G', slug: 'g', created_by: 'owner', created_at: 0 };
const member = (user_id: string, role: Role = 'member'): MemberView => ({ group_id: 'g', user_id, role, joined_at: 0, name: user_id, email: `${user_id}@x` });
const members = [member('owner', 'owner'), member('sender', 'sender'), member('lead'), member('a'), member('b'), member('c')];
const subgroups: SubgroupView[] = [
  { id: 's1', group_id: 'g', name: 'Grade 3', created_at: 0, members: [{ subgroup_id: 's1', user_id: 'lead', leader: true }, { subgroup_id: 's1', user_id: 'a', leader: false }] },
  { id: 's2', group_id: 'g', name: 'Grade 4', created_at: 0, members: [{ subgroup_id: 's2', user_id: 'b', leader: false }, { subgroup_id: 's2', user_id: 'a', leader: false }] },
];
const actor = (userId: string, role: Role = 'member'): Actor => ({ userId, role, group });
const everyone: Audience = { all: true, subgroup_ids: [], user_ids: [] };
const to = (subgroup_ids: string[], user_ids: string[] = []): Audience => ({ all: false, subgroup_ids, user_ids });
const code = (c: string) => (e: unknown) => e instanceof AppError && e.code === c;

describe('audiences', () => {
  test('resolve to current members, each once, never the author', () => {
    assert.deepEqual(resolveAudience(everyone, 'sender', members, subgroups), ['owner', 'lead', 'a', 'b', 'c']);
    assert.deepEqual(resolveAudience(to(['s1', 's2'], ['c', 'a']), 'lead', members, subgroups), ['a', 'b', 'c']);
    assert.deepEqual(resolveAudience(to([], ['gone', 'b']), 'owner', members, subgroups), ['b']);
  });

  test('owners and senders announce to anyone in the group', () => {
    for (const who of [actor('owner', 'owner'), actor('sender', 'sender')]) {
      checkAudience(who, everyone, members, subgroups);
      checkAudience(who, to(['s2'], ['c']), members, subgroups);
    }
  });

  test('a sub-group leader only to the sub-groups they lead and their members', () => {
    const lead = actor('lead');
    checkAudience(lead, to(['s1']), members, subgroups);
    checkAudience(lead, to([], ['a']), members, subgroups);
    assert.throws(() => checkAudience(lead, everyone, members, subgroups), code('forbidden'));
    assert.throws(() => checkAudience(lead, to(['s2']), members, subgroups), code('forbidden'));
    assert.throws(() => checkAudience(lead, to(['s1'], ['b']), members, subgroups), code('forbidden'));
    assert.throws(() => checkAudience(actor('a'), to(['s1']), members, subgroups), code('forbidden'));
  });

  test('unknown sub-groups or members, or nobody but the author, are refused', () => {
    const owner = actor('owner', 'owner');
    assert.throws(() => checkAudience(owner, to(['nope']), members, subgroups), code('recipients_invalid'));
    assert.throws(() => checkAudience(owner, to([], ['stranger']), members, subgroups), code('recipients_invalid'));
    assert.throws(() => checkAudience(owner, to([], ['owner']), members, subgroups), code('recipients_invalid'));
  });
});

describe('who sees what', () => {
  const sent = { author_id: 'lead', status: 'sent' } as Announcement;
  const draft = { author_id: 'lead', status: 'draft' } as Announcement;
  const row = { announcement_id: 'x', user_id: 'a', read_at: null, answer: null, answered_at: null, reminders_sent: 0 };

  test('status: the author, owners and senders; not other members', () => {
    assert.deepEqual(['lead', 'owner', 'sender', 'a'].map((u) => seesStatus(actor(u, u === 'owner' ? 'owner' : u === 'sender' ? 'sender' : 'member'), sent)), [true, true, true, false]);
  });

  test('a sent one: recipients and those who see status; an unsent one: its author and owners', () => {
    assert.equal(mayView(actor('a'), sent, row), true);
    assert.equal(mayView(actor('b'), sent, undefined), false);
    assert.equal(mayView(actor('sender', 'sender'), sent, undefined), true);
    assert.equal(mayView(actor('lead'), draft, undefined), true);
    assert.equal(mayView(actor('owner', 'owner'), draft, undefined), true);
    assert.equal(mayView(actor('sender', 'sender'), draft, undefined), false);
  });
});

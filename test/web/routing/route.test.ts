import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hrefOf, isPublic, parseHash, type Route } from '../../../web/src/routing/route.ts';

test('parseHash and hrefOf are inverses for every screen', () => {
  const routes: Route[] = [
    { name: 'home' }, { name: 'signin' }, { name: 'signin', next: '#/g/1' }, { name: 'signup', next: '#/invite/x' },
    { name: 'settings' }, { name: 'invite', code: 'Ab_9-' }, { name: 'group', groupId: 'G1', tab: 'rooms' },
    { name: 'group', groupId: 'G1', tab: 'members' }, { name: 'group', groupId: 'G1', tab: 'invites' },
    { name: 'room', groupId: 'G1', roomId: 'R1' }, { name: 'group', groupId: 'G1', tab: 'announcements' },
    { name: 'compose', groupId: 'G1' }, { name: 'compose', groupId: 'G1', draftId: 'A1' }, { name: 'announcement', id: 'A1' },
  ];
  for (const r of routes) assert.deepEqual(parseHash(hrefOf(r)), r, hrefOf(r));
});

test('parseHash: empty and unknown paths', () => {
  assert.deepEqual(parseHash(''), { name: 'home' });
  assert.deepEqual(parseHash('#/'), { name: 'home' });
  assert.deepEqual(parseHash('#/g/1/nope'), { name: 'notFound', path: '/g/1/nope' });
  assert.deepEqual(parseHash('#/invite/%E0%A4%A'), { name: 'invite', code: '%E0%A4%A' }, 'a bad escape is kept, not thrown');
});

test('isPublic: only sign-in, sign-up and invitations are shown signed out', () => {
  assert.deepEqual(['signin', 'signup', 'invite', 'home', 'settings'].map((name) => isPublic({ name } as Route)), [true, true, true, false, false]);
});

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
    { name: 'signin', notice: 'passwordSet' }, { name: 'signin', next: '#/g/1', notice: 'accountDeleted' },
    { name: 'forgotPassword' }, { name: 'resetPassword', token: 'Ab_9-.x_Y' }, { name: 'verifyEmail', token: 'Ab_9-.x_Y' },
  ];
  for (const r of routes) assert.deepEqual(parseHash(hrefOf(r)), r, hrefOf(r));
});

test('parseHash: empty and unknown paths', () => {
  assert.deepEqual(parseHash(''), { name: 'home' });
  assert.deepEqual(parseHash('#/'), { name: 'home' });
  assert.deepEqual(parseHash('#/g/1/nope'), { name: 'notFound', path: '/g/1/nope' });
  assert.deepEqual(parseHash('#/invite/%E0%A4%A'), { name: 'invite', code: '%E0%A4%A' }, 'a bad escape is kept, not thrown');
});

test('isPublic: only sign-in, sign-up, invitations and the account links are shown signed out', () => {
  assert.deepEqual(['signin', 'signup', 'invite', 'home', 'settings'].map((name) => isPublic({ name } as Route)), [true, true, true, false, false]);
  assert.deepEqual(['forgotPassword', 'resetPassword', 'verifyEmail'].map((name) => isPublic({ name } as Route)), [true, true, true]);
});

test('parseHash: the paths of the mailed account links; an unknown sign-in notice is dropped', () => {
  const token = 'A'.repeat(43) + '.' + 'b'.repeat(22);
  assert.deepEqual(parseHash(`#/verify-email/${token}`), { name: 'verifyEmail', token });
  assert.deepEqual(parseHash(`#/reset-password/${token}`), { name: 'resetPassword', token });
  assert.deepEqual(parseHash('#/forgot-password'), { name: 'forgotPassword' });
  assert.deepEqual(parseHash('#/signin?notice=hacked'), { name: 'signin' });
  assert.deepEqual(parseHash('#/verify-email'), { name: 'notFound', path: '/verify-email' });
});

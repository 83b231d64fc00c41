import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openListWorld, type ListWorld } from './list-world.ts';

/** The id our MTA stamps its Authentication-Results with, as set in RENRAKU_SMTP_AUTHSERV_ID. */
const AUTHSERV_ID = 'mx.lists.test';

describe('list posts with RENRAKU_SMTP_AUTHSERV_ID: a member\'s From counts only when our MTA vouches for it', () => {
  let world: ListWorld;
  before(async () => {
    world = await openListWorld({ env: { RENRAKU_SMTP_AUTHSERV_ID: AUTHSERV_ID } });
  });
  after(async () => {
    await world?.close();
  });

  const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1);
  const queue = async () => (await world.server.request('GET', `/api/groups/${world.group.id}/list/moderation`, { token: world.owner.token })).body.posts as Array<{ id: string; reason: string; subject: string; user_id: string | null }>;

  it('an owner\'s post our MTA passed DMARC for is published at once', async () => {
    const from = world.owner.user.email;
    await world.send({
      from, to: world.address, subject: 'Verified', text: 'Signed and sealed.', messageId: '<auth-1@example.test>',
      headers: { 'Authentication-Results': `${AUTHSERV_ID}; dkim=pass header.d=${domainOf(from)}; dmarc=pass header.from=${domainOf(from)}` },
    });
    await world.processed();
    assert.ok((await world.roomMessages()).some((m) => m.body === 'Verified\n\nSigned and sealed.'));
    assert.equal((await queue()).length, 0);
    await world.sink.waitForReceived(1 + world.members.length); // the owner's self-copy and each member's
  });

  it('the owner\'s address with no verdict of ours, or another host\'s pass, is held as unauthenticated — and an owner can still approve it', async () => {
    const from = world.owner.user.email;
    const sent = world.sink.received.length;
    await world.send({ from, to: world.address, subject: 'Forged?', text: 'No results header.', messageId: '<auth-2@example.test>' });
    await world.send({
      from, to: world.address, subject: 'Forged!', text: 'Someone else said pass.', messageId: '<auth-3@example.test>',
      headers: { 'Authentication-Results': `forger.example; dmarc=pass header.from=${domainOf(from)}` },
    });
    await world.processed();
    const held = await queue();
    assert.deepEqual(held.map((p) => [p.subject, p.reason]).sort(), [['Forged!', 'unauthenticated'], ['Forged?', 'unauthenticated']]);
    assert.ok(held.every((p) => p.user_id === world.owner.user.id), 'held under the member the address belongs to');
    const bodies = (await world.roomMessages()).map((m) => m.body);
    assert.ok(!bodies.some((b) => b.startsWith('Forged')), 'nothing held is shown');
    assert.equal(world.sink.received.length, sent, 'nothing held is mailed');

    const approved = await world.server.request('POST', `/api/list-posts/${held.find((p) => p.subject === 'Forged?')!.id}/approve`, { token: world.owner.token });
    assert.equal(approved.status, 200);
    assert.ok((await world.roomMessages()).some((m) => m.body === 'Forged?\n\nNo results header.'));
  });

  it('a stranger is still held as not a member, whatever the header says', async () => {
    await world.send({
      from: 'stranger@elsewhere.test', to: world.address, subject: 'Hello', text: 'Hi.', messageId: '<auth-4@elsewhere.test>',
      headers: { 'Authentication-Results': `${AUTHSERV_ID}; dmarc=pass header.from=elsewhere.test` },
    });
    await world.processed();
    assert.ok((await queue()).some((p) => p.subject === 'Hello' && p.reason === 'not_member'));
  });
});

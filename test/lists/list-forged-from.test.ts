import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { fromAddress } from '../../src/mail/feedback/auto-reply.ts';
import { isLoopback, senderTrustOf } from '../../src/lists/sender-trust.ts';
import { openListWorld, type ListWorld } from './list-world.ts';

type Held = Array<{ id: string; reason: string; subject: string; user_id: string | null }>;
const queue = async (world: ListWorld): Promise<Held> => (await world.server.request('GET', `/api/groups/${world.group.id}/list/moderation`, { token: world.owner.token })).body.posts;

/** A message with the From header exactly as given, sent as raw bytes over SMTP. */
function rawPost(world: ListWorld, from: string, subject: string, id: string) {
  const raw = [`From: ${from}`, `To: ${world.address}`, `Subject: ${subject}`, `Message-ID: <${id}@example.test>`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', 'Hello list.', ''].join('\r\n');
  return world.send({ envelope: { from: 'someone@elsewhere.test', to: [world.address] }, raw });
}

describe('a From with several mailboxes names no member (loopback listener, From trusted)', () => {
  let world: ListWorld;
  before(async () => {
    world = await openListWorld();
  });
  after(async () => {
    await world?.close();
  });

  it('the owner\'s address first and a stranger\'s second: held as not a member, never published', async () => {
    const owner = world.owner.user.email;
    await rawPost(world, `${owner}, intruder@elsewhere.test`, 'Two authors', 'two-1');
    await rawPost(world, `"Owner" <${owner}>, "Me" <intruder@elsewhere.test>`, 'Two named authors', 'two-2');
    await world.processed();
    const held = await queue(world);
    assert.deepEqual(held.map((p) => [p.subject, p.reason, p.user_id]).sort(), [
      ['Two authors', 'not_member', null], ['Two named authors', 'not_member', null],
    ]);
    assert.ok(!(await world.roomMessages()).some((m) => m.body.startsWith('Two')));
  });

  it('the owner alone is still published at once', async () => {
    await rawPost(world, `"Owner" <${world.owner.user.email}>`, 'Just me', 'one-1');
    await world.processed();
    assert.ok((await world.roomMessages()).some((m) => m.body === 'Just me\n\nHello list.'));
  });
});

describe('SMTP beyond loopback without RENRAKU_SMTP_AUTHSERV_ID', () => {
  let held: ListWorld;
  let trusting: ListWorld;
  before(async () => {
    held = await openListWorld({ env: { RENRAKU_HOST: '0.0.0.0' } });
    trusting = await openListWorld({ env: { RENRAKU_HOST: '0.0.0.0', RENRAKU_SMTP_TRUST_FROM: 'true' } });
  });
  after(async () => {
    await held?.close();
    await trusting?.close();
  });

  it('a member\'s post waits for an owner as unauthenticated, and an owner can approve it', async () => {
    await rawPost(held, `"Owner" <${held.owner.user.email}>`, 'Maybe forged', 'exposed-1');
    await held.processed();
    const posts = await queue(held);
    assert.deepEqual(posts.map((p) => [p.subject, p.reason, p.user_id]), [['Maybe forged', 'unauthenticated', held.owner.user.id]]);
    assert.equal((await held.roomMessages()).length, 0);
    const approved = await held.server.request('POST', `/api/list-posts/${posts[0]!.id}/approve`, { token: held.owner.token });
    assert.equal(approved.status, 200);
    assert.ok((await held.roomMessages()).some((m) => m.body === 'Maybe forged\n\nHello list.'));
  });

  it('with RENRAKU_SMTP_TRUST_FROM=true the operator accepts the risk: published on From alone', async () => {
    await rawPost(trusting, `"Owner" <${trusting.owner.user.email}>`, 'Trusted', 'exposed-2');
    await trusting.processed();
    assert.ok((await trusting.roomMessages()).some((m) => m.body === 'Trusted\n\nHello list.'));
    assert.equal((await queue(trusting)).length, 0);
  });
});

describe('senderTrustOf and the start-up warning', () => {
  const base = { host: '127.0.0.1', smtpPort: 2525, smtpAuthservId: '', smtpTrustFrom: false };
  it('decides from the listener address, the authserv-id and RENRAKU_SMTP_TRUST_FROM', () => {
    assert.deepEqual(senderTrustOf(base), { trust: { mode: 'from' } });
    assert.deepEqual(senderTrustOf({ ...base, host: '::1' }), { trust: { mode: 'from' } });
    assert.deepEqual(senderTrustOf({ ...base, host: '0.0.0.0', smtpPort: 0 }), { trust: { mode: 'from' } });
    assert.deepEqual(senderTrustOf({ ...base, host: '0.0.0.0', smtpAuthservId: 'mx.example.org' }), { trust: { mode: 'authserv', authservId: 'mx.example.org' } });
    const exposed = senderTrustOf({ ...base, host: '0.0.0.0' });
    assert.deepEqual(exposed.trust, { mode: 'hold' });
    assert.match(exposed.warning!, /0\.0\.0\.0.*RENRAKU_SMTP_AUTHSERV_ID.*any member's address.*wait for an owner.*RENRAKU_SMTP_TRUST_FROM=true/);
    const accepted = senderTrustOf({ ...base, host: '192.0.2.10', smtpTrustFrom: true });
    assert.deepEqual(accepted.trust, { mode: 'from' });
    assert.match(accepted.warning!, /192\.0\.2\.10.*RENRAKU_SMTP_TRUST_FROM=true publishes/);
  });

  it('isLoopback', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) assert.ok(isLoopback(host), host);
    for (const host of ['0.0.0.0', '::', '192.0.2.1', 'mail.example.org']) assert.ok(!isLoopback(host), host);
  });
});

describe('join by mail: a From with several mailboxes has no usable address', () => {
  it('fromAddress answers only for a single mailbox', async () => {
    const parse = (from: string) => simpleParser(`From: ${from}\r\nSubject: join\r\n\r\njoin\r\n`);
    assert.equal(fromAddress(await parse('"New" <new@example.org>')), 'new@example.org');
    assert.equal(fromAddress(await parse('new@example.org, victim@example.org')), undefined);
    assert.equal(fromAddress(await parse('Team: new@example.org, victim@example.org;')), undefined);
  });
});

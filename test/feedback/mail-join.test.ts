import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InboundHandler } from '../../src/mail/inbound/inbound-handler.ts';
import { expectOk } from '../announcements/announcement-fixture.ts';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';
import { crlf, handlerOf, inbound } from './mail-fixtures.ts';

function joinMail(from: string, to: string, headers = ''): Buffer {
  return crlf(`From: ${from}
To: ${to}
Subject: join
Date: Sun, 29 Nov 2026 19:00:00 +0900
Message-ID: <join-${Math.random().toString(36).slice(2)}@mail.example.org>
MIME-Version: 1.0
${headers}Content-Type: text/plain; charset=UTF-8

参加させてください。
`);
}

/** Joining by mail, through the handler and the HTTP routes of a whole server. */
describe('join by mail', () => {
  let server: TestServer;
  let owner: TestUser;
  let group: { id: string; slug: string };
  let join: InboundHandler;

  before(async () => {
    server = await startTestServer();
    owner = await server.signup('Owner');
    group = await server.createGroup(owner);
    join = handlerOf(server.app.feedbackHandlers, 'join');
  });
  after(async () => {
    await server?.stop();
  });

  const confirmationsTo = async (address: string) => {
    const requests = await server.app.store.feedback.listJoinRequests(group.id);
    const rows = [];
    for (const r of requests.filter((q) => q.address === address)) rows.push(...(await server.app.store.outbox.listByMessageKey(`join:${r.id}`)));
    return rows;
  };
  const tokenIn = (text: string): string => {
    const match = /\/mail-join\/(j1\.[A-Za-z0-9._-]+)/.exec(text);
    assert.ok(match, `a confirmation link in ${text}`);
    return match[1]!;
  };

  test('the join address of a list that does not exist is not ours (550 at RCPT); other domains neither', async () => {
    assert.equal(await join.resolve('no-such-group+join@localhost'), undefined);
    assert.equal(await join.resolve(`${group.slug}+join@example.org`), undefined);
    assert.equal(await join.resolve(`${group.slug}@localhost`), undefined, 'the list address itself belongs to the list handler');
    assert.deepEqual(await join.resolve(`${group.slug}+join@localhost`), { kind: 'join', address: `${group.slug}+join@localhost`, groupId: group.id });
  });

  test('a new address gets one confirmation mail; confirming creates the account and waits for an owner, who approves', async () => {
    const to = `${group.slug}+join@localhost`;
    await join.process(await inbound(join, to, joinMail('Newbie <newbie@example.org>', to), 'newbie@example.org'));
    await join.process(await inbound(join, to, joinMail('newbie@example.org', to), 'newbie@example.org'));
    const mails = await confirmationsTo('newbie@example.org');
    assert.equal(mails.length, 1, 'asking twice sends one confirmation');
    assert.equal(mails[0]!.recipient, 'newbie@example.org');
    assert.equal(mails[0]!.headers['Auto-Submitted'], 'auto-replied');
    const token = tokenIn(mails[0]!.text_body);

    const preview = await expectOk(server.request('GET', `/api/mail-joins/${token}`));
    assert.equal(preview.request.status, 'unconfirmed');
    assert.equal(preview.request.account_exists, false);
    const page = await fetch(`${server.url}/mail-join/${token}`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<form method="post"/);

    const noAccount = await server.request('POST', `/api/mail-joins/${token}`, { body: {} });
    assert.equal(noAccount.status, 422);
    assert.equal(noAccount.body.code, 'mail_join_account_required');
    const confirmed = await expectOk(server.request('POST', `/api/mail-joins/${token}`, { body: { name: 'Newbie', password: 'correct horse battery' } }));
    assert.equal(confirmed.request.status, 'pending');
    const again = await expectOk(server.request('POST', `/api/mail-joins/${token}`, { body: {} }));
    assert.equal(again.request.status, 'pending', 'confirming again answers the request as it stands');

    const pending = await expectOk(server.request('GET', `/api/groups/${group.id}/mail-joins?status=pending`, { token: owner.token }));
    assert.equal(pending.requests.length, 1);
    const approved = await expectOk(server.request('POST', `/api/groups/${group.id}/mail-joins/${pending.requests[0].id}/approve`, { token: owner.token }));
    assert.equal(approved.request.status, 'joined');
    const members = await expectOk(server.request('GET', `/api/groups/${group.id}/members`, { token: owner.token }));
    assert.ok(members.members.some((m: any) => m.email === 'newbie@example.org'));
    const twice = await server.request('POST', `/api/groups/${group.id}/mail-joins/${pending.requests[0].id}/reject`, { token: owner.token });
    assert.equal(twice.status, 409);
    assert.equal(twice.body.code, 'mail_join_closed');
  });

  test('with joins_directly an existing account joins at once through the page\'s form', async () => {
    const member = await server.signup('Existing');
    const refused = await server.request('PUT', `/api/groups/${group.id}/mail-join-policy`, { token: member.token, body: { joins_directly: true } });
    assert.equal(refused.status, 403);
    await expectOk(server.request('PUT', `/api/groups/${group.id}/mail-join-policy`, { token: owner.token, body: { joins_directly: true } }));
    const to = `${group.slug}+join@localhost`;
    await join.process(await inbound(join, to, joinMail(member.user.email, to), member.user.email));
    const token = tokenIn((await confirmationsTo(member.user.email))[0]!.text_body);
    const form = await fetch(`${server.url}/mail-join/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    assert.equal(form.status, 200);
    assert.match(await form.text(), /参加しました/);
    const groups = await expectOk(server.request('GET', '/api/groups', { token: member.token }));
    assert.ok(groups.groups.some((g: any) => g.id === group.id));
    // A member asking again gets nothing.
    await join.process(await inbound(join, to, joinMail(member.user.email, to), member.user.email));
    assert.equal((await confirmationsTo(member.user.email)).length, 1);
  });

  test('auto-replies, the null sender and forged links get nothing', async () => {
    const to = `${group.slug}+join@localhost`;
    await join.process(await inbound(join, to, joinMail('robot@example.org', to, 'Auto-Submitted: auto-replied\n'), 'robot@example.org'));
    await join.process(await inbound(join, to, joinMail('bounce@example.org', to), ''));
    assert.equal((await confirmationsTo('robot@example.org')).length + (await confirmationsTo('bounce@example.org')).length, 0);
    const forged = await server.request('GET', '/api/mail-joins/j1.01ARZ3NDEKTSV4RRFFQ69G5FAV.AAAAAAAAAAAAAAAAAAAAAA');
    assert.equal(forged.status, 400);
    assert.equal(forged.body.code, 'mail_join_link_invalid');
    const page = await fetch(`${server.url}/mail-join/nonsense`);
    assert.equal(page.status, 400);
  });
});

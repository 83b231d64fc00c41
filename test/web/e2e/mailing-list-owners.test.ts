import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import type { Clock } from '../../../src/domain/clock.ts';
import { listText, type ListTextKey } from '../../../web/src/i18n/list-texts.ts';
import { dsn } from '../../feedback/mail-fixtures.ts';
import { freePort } from '../../support/free-port.ts';
import { parseMail, startSmtpSink, type SmtpSink } from '../../support/smtp-sink.ts';
import { startTestServer, type TestServer, type TestUser } from '../../support/test-server.ts';
import { launchChromium, requireChromiumOrSkip } from '../support/browser.ts';
import { phone, signInContext } from '../support/ui.ts';
import { buildWebClient } from '../support/web-build.ts';

const SUITE = 'web client: representatives\' join requests by mail and bounces';
const LIST_DOMAIN = 'lists.test';
const PASSWORD = 'correct horse battery';
const DAY_MS = 24 * 60 * 60 * 1000;
const t = (key: ListTextKey, params?: Record<string, string | number>) => listText('en', key, params);

/**
 * The representatives' mail feedback on the list screen, fed by real mail: a stranger mails the
 * group's join address (nodemailer → our SMTP server), confirms the link from the confirmation
 * mail the relay received, and the representative approves the request in the browser; a
 * member's announcement mail bounces (DSNs to its VERP address, one a day on the server's
 * clock) until their mail pauses, and the representative resumes it in the browser.
 */
describe(SUITE, requireChromiumOrSkip(SUITE), () => {
  let sink: SmtpSink;
  let smtpPort: number;
  let server: TestServer;
  let browser: Browser;
  let owner: TestUser;
  let member: TestUser;
  let group: { id: string; slug: string };
  let page: Page;
  /** The server's clock runs `offset` ms ahead of the real one (bounce scores rise once a day). */
  let offset = 0;
  const clock: Clock = { now: () => Date.now() + offset };
  const violations: string[] = [];

  const sendMail = async (mail: nodemailer.SendMailOptions) => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
    try {
      const info = await transport.sendMail(mail);
      await server.app.smtp!.processor.idle();
      return info;
    } finally {
      transport.close();
    }
  };

  before(async () => {
    const webRoot = await buildWebClient();
    sink = await startSmtpSink();
    smtpPort = await freePort();
    server = await startTestServer({ webRoot, clock, env: { RENRAKU_SMTP_PORT: String(smtpPort), RENRAKU_SMTP_RELAY_URL: sink.url, RENRAKU_LIST_DOMAIN: LIST_DOMAIN } });
    owner = await server.signup('Aiko');
    member = await server.signup('Ken');
    group = await server.createGroup(owner, '3-B');
    await server.addMember(owner, group.id, member);
    browser = await launchChromium();
    const context = await browser.newContext(phone('en'));
    await signInContext(context, server.url, owner.user.email, PASSWORD);
    page = await context.newPage();
    page.on('console', (m) => {
      if (/Content.Security.Policy/i.test(m.text())) violations.push(m.text());
    });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await sink?.close();
  });

  test('a join request made by mail and confirmed waits for the representative, who approves it', { timeout: 90_000 }, async () => {
    const before = sink.received.length;
    const info = await sendMail({ from: 'Newbie <newbie@example.org>', to: `${group.slug}+join@${LIST_DOMAIN}`, subject: 'join', text: 'Please let me join.' });
    assert.match(info.response, /^250 /);
    await sink.waitForReceived(before + 1, 15_000);
    const confirmation = sink.received.slice(before).find((m) => m.to.includes('newbie@example.org'));
    assert.ok(confirmation, 'the relay got a confirmation mail for the new address');
    const token = /\/mail-join\/(j1\.[A-Za-z0-9._-]+)/.exec(String((await parseMail(confirmation)).text))?.[1];
    assert.ok(token, 'the confirmation mail has a link');
    const confirmed = await server.request('POST', `/api/mail-joins/${token}`, { body: { name: 'Newbie', password: PASSWORD } });
    assert.equal(confirmed.body.request.status, 'pending');

    await page.goto(`${server.url}/#/g/${group.id}/list`);
    const item = page.getByRole('listitem', { name: t('joins.requestOf', { address: 'newbie@example.org' }) });
    await item.getByRole('button', { name: t('joins.approve') }).click();
    await page.getByRole('status').filter({ hasText: t('joins.approved', { address: 'newbie@example.org' }) }).waitFor();
    assert.equal(await item.count(), 0);
    await page.getByText(t('joins.none')).waitFor();
    const members = (await server.request('GET', `/api/groups/${group.id}/members`, { token: owner.token })).body.members;
    assert.ok(members.some((m: { email: string }) => m.email === 'newbie@example.org'), 'the approved address is a member');
  });

  test('the join policy checkbox changes whether confirmed requests join directly', { timeout: 60_000 }, async () => {
    await page.goto(`${server.url}/#/g/${group.id}/list`);
    const box = page.getByRole('checkbox', { name: t('joins.directly') });
    await box.and(page.locator(':enabled:not(:checked)')).waitFor();
    await box.check();
    await box.and(page.locator(':enabled:checked')).waitFor();
    assert.deepEqual((await server.request('GET', `/api/groups/${group.id}/mail-join-policy`, { token: owner.token })).body, { joins_directly: true });
  });

  test('a member whose mail bounced shows their score; once paused, the representative resumes their mail', { timeout: 120_000 }, async () => {
    const before = sink.received.length;
    const sent = await server.request('POST', `/api/groups/${group.id}/announcements`, { token: owner.token, body: { title: 'Sports day', body: 'Saturday at 9.' } });
    assert.equal(sent.status, 201);
    await sink.waitForReceived(before + 1, 15_000);
    const mail = sink.received.slice(before).find((m) => m.to.includes(member.user.email));
    assert.ok(mail, 'the member got the announcement by mail');
    const verp = mail.from;
    const bounce = async (n: number) => {
      const raw = dsn({ verp, recipient: member.user.email, action: 'failed', status: '5.1.1', diagnostic: 'smtp; 550 5.1.1 User unknown' })
        .toString('latin1').replace('<20261129180000.4B2C61A0E2@mx.example.org>', `<dsn-${n}@mx.example.org>`);
      const info = await sendMail({ envelope: { from: '', to: verp }, raw });
      assert.match(info.response, /^250 /);
    };

    await bounce(1);
    const first = (await server.request('GET', `/api/groups/${group.id}/mail-bounces`, { token: owner.token })).body;
    assert.deepEqual(first.members.map((m: { user_id: string; score: number }) => [m.user_id, m.score]), [[member.user.id, 1]], JSON.stringify({ first, verp }));
    await page.reload(); // the page is already on the list screen (the previous test); read it afresh
    const row = page.getByRole('listitem', { name: 'Ken' });
    await row.getByText(t('bounces.score', { score: 1, threshold: 5 })).waitFor();
    assert.equal(await row.getByText(t('bounces.paused')).count(), 0, 'not paused below the threshold');

    for (let n = 2; n <= 5; n++) {
      offset += DAY_MS + 60_000;
      await bounce(n);
    }
    await page.reload();
    await row.getByText(t('bounces.score', { score: 5, threshold: 5 })).waitFor();
    await row.getByText(t('bounces.paused')).waitFor();
    const standing = (await server.request('GET', `/api/groups/${group.id}/mail-bounces`, { token: owner.token })).body.members[0];
    assert.notEqual(standing.paused_at, null);

    await row.getByRole('button', { name: t('bounces.unpause') }).click();
    await page.getByRole('status').filter({ hasText: t('bounces.unpaused', { name: 'Ken' }) }).waitFor();
    assert.equal(await row.count(), 0, 'a resumed member with score 0 leaves the list');
    await page.getByText(t('bounces.none')).waitFor();
    assert.deepEqual((await server.request('GET', `/api/groups/${group.id}/mail-bounces`, { token: owner.token })).body.members, []);
    assert.deepEqual(violations, []);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import { listText, type ListTextKey } from '../../../web/src/i18n/list-texts.ts';
import { freePort } from '../../support/free-port.ts';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink.ts';
import { startTestServer, type TestServer, type TestUser } from '../../support/test-server.ts';
import { launchChromium, requireChromiumOrSkip } from '../support/browser.ts';
import { eventuallyEqual } from '../support/eventually.ts';
import { bodies, phone, signInContext, texts, type Lang } from '../support/ui.ts';
import { buildWebClient } from '../support/web-build.ts';

const SUITE = 'web client: the mailing-list screen, moderation and delivery';
const LIST_DOMAIN = 'lists.test';
const PASSWORD = 'correct horse battery';

/** The list screens' own texts (web/src/i18n/list-texts.ts), to find controls by their labels. */
const listT = (lang: Lang) => (key: ListTextKey, params?: Record<string, string | number>) => listText(lang, key, params);

/**
 * A real server with inbound SMTP and a relay sink, real Chromium. A member sets their list
 * delivery to the daily digest and the API has it; a member sees no representative's controls;
 * a representative (in Japanese) finds a post a non-member sent by SMTP (nodemailer) held for
 * moderation, approves it, and it is in the list room; a second held post is rejected and
 * published nowhere. No CSP violation on the way.
 */
describe(SUITE, requireChromiumOrSkip(SUITE), () => {
  let sink: SmtpSink;
  let smtpPort: number;
  let server: TestServer;
  let browser: Browser;
  let owner: TestUser;
  let member: TestUser;
  let group: { id: string; slug: string };
  let ownerPage: Page;
  let memberPage: Page;
  const violations: string[] = [];

  const newPage = async (lang: Lang, who: TestUser): Promise<Page> => {
    const context = await browser.newContext(phone(lang));
    await signInContext(context, server.url, who.user.email, PASSWORD);
    const page = await context.newPage();
    page.on('console', (m) => {
      if (/Content.Security.Policy/i.test(m.text())) violations.push(m.text());
    });
    return page;
  };
  const sendMail = async (mail: nodemailer.SendMailOptions) => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
    try {
      return await transport.sendMail(mail);
    } finally {
      transport.close();
    }
  };

  before(async () => {
    const webRoot = await buildWebClient();
    sink = await startSmtpSink();
    smtpPort = await freePort();
    server = await startTestServer({ webRoot, env: { RENRAKU_SMTP_PORT: String(smtpPort), RENRAKU_SMTP_RELAY_URL: sink.url, RENRAKU_LIST_DOMAIN: LIST_DOMAIN } });
    owner = await server.signup('Aiko');
    member = await server.signup('Ken');
    group = await server.createGroup(owner, '3-B');
    await server.addMember(owner, group.id, member);
    browser = await launchChromium();
    ownerPage = await newPage('ja', owner);
    memberPage = await newPage('en', member);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await sink?.close();
  });

  test('a member changes their list delivery to the daily digest, and the API reflects it', { timeout: 60_000 }, async () => {
    const t = listT('en');
    const page = memberPage;
    await page.goto(`${server.url}/#/g/${group.id}/list`);
    assert.equal(await page.getByRole('textbox', { name: t('list.address') }).inputValue(), `${group.slug}@${LIST_DOMAIN}`);
    const each = page.getByRole('radio', { name: t('list.delivery.each') });
    await each.and(page.locator(':checked:enabled')).waitFor();
    assert.equal((await server.request('GET', `/api/groups/${group.id}/list/me`, { token: member.token })).body.delivery, 'each');

    await page.getByRole('radio', { name: t('list.delivery.digest') }).check();
    await page.getByRole('status').filter({ hasText: t('list.saved') }).waitFor();
    const mine = await server.request('GET', `/api/groups/${group.id}/list/me`, { token: member.token });
    assert.deepEqual(mine.body, { delivery: 'digest', self_copy: true });

    await page.getByRole('checkbox', { name: t('list.selfCopy') }).uncheck();
    await eventuallyEqual(async () => (await server.request('GET', `/api/groups/${group.id}/list/me`, { token: member.token })).body, { delivery: 'digest', self_copy: false });

    await page.reload();
    await page.getByRole('radio', { name: t('list.delivery.digest') }).and(page.locator(':checked:enabled')).waitFor();
    assert.equal(await page.getByRole('checkbox', { name: t('list.selfCopy') }).isChecked(), false);
  });

  test('a member sees no representative controls on the list screen', { timeout: 60_000 }, async () => {
    const t = listT('en');
    const page = memberPage;
    await page.goto(`${server.url}/#/g/${group.id}/list`);
    await page.getByRole('radio', { name: t('list.delivery.each') }).and(page.locator(':enabled')).waitFor();
    for (const key of ['list.settings', 'mod.title', 'joins.title', 'bounces.title'] as const) {
      assert.equal(await page.getByRole('heading', { name: t(key) }).count(), 0, `no "${t(key)}" for a member`);
    }
    assert.equal(await page.getByRole('button', { name: t('mod.approve') }).count(), 0);
    assert.equal(await page.getByRole('radio', { name: t('list.mode.discussion') }).count(), 0);
    // what the screen hides, the server refuses as well
    assert.equal((await server.request('GET', `/api/groups/${group.id}/list/moderation`, { token: member.token })).status, 403);
  });

  test('a representative approves a held post from a non-member, and it appears in the list room', { timeout: 90_000 }, async () => {
    const t = listT('ja');
    const app = texts('ja');
    const page = ownerPage;
    const info = await sendMail({
      from: '"Visitor Person" <visitor@example.org>', to: `${group.slug}@${LIST_DOMAIN}`, subject: '落とし物のお知らせ',
      text: '体育館に青い水筒の忘れ物がありました。\n職員室で預かっています。', messageId: '<held-1@example.org>',
    });
    assert.match(info.response, /^250 /);
    await server.app.smtp!.processor.idle();

    await page.goto(`${server.url}/#/g/${group.id}/list`);
    const from = 'Visitor Person <visitor@example.org>';
    const item = page.getByRole('listitem', { name: t('mod.postOf', { from }) });
    await item.waitFor();
    assert.match(await item.innerText(), /落とし物のお知らせ/);
    assert.match(await item.innerText(), /体育館に青い水筒の忘れ物がありました。/);
    assert.match(await item.innerText(), new RegExp(t('mod.why', { reason: t('mod.reason.not_member') })));
    assert.equal(await page.getByRole('link', { name: t('list.openRoom') }).count(), 0, 'no list room before the first post');

    await item.getByRole('button', { name: t('mod.approve') }).click();
    await page.getByRole('status').filter({ hasText: t('mod.approved', { subject: '落とし物のお知らせ' }) }).waitFor();
    assert.equal(await item.count(), 0, 'the approved post left the queue');
    await page.getByText(t('mod.none')).waitFor();
    const queue = await server.request('GET', `/api/groups/${group.id}/list/moderation`, { token: owner.token });
    assert.deepEqual(queue.body.posts, []);

    await page.getByRole('link', { name: t('list.openRoom') }).click();
    await page.getByRole('textbox', { name: app('room.message') }).waitFor();
    // A post by a non-member names its sender in the room (src/lists/list-publisher.ts).
    await eventuallyEqual(() => bodies(page), ['✉ Visitor Person <visitor@example.org>\n落とし物のお知らせ\n\n体育館に青い水筒の忘れ物がありました。\n職員室で預かっています。']);
    const { list } = (await server.request('GET', `/api/groups/${group.id}/list`, { token: owner.token })).body;
    assert.equal(page.url(), `${server.url}/#/g/${group.id}/r/${list.room_id}`);
  });

  test('a representative rejects a held post after confirming; it is published nowhere', { timeout: 60_000 }, async () => {
    const t = listT('ja');
    const page = ownerPage;
    await sendMail({ from: 'spam@example.net', to: `${group.slug}@${LIST_DOMAIN}`, subject: 'Cheap watches', text: 'Buy now.', messageId: '<held-2@example.net>' });
    await server.app.smtp!.processor.idle();
    await page.goto(`${server.url}/#/g/${group.id}/list`);
    const item = page.getByRole('listitem', { name: t('mod.postOf', { from: 'spam@example.net' }) });
    await item.getByRole('button', { name: t('mod.reject') }).click();
    await item.getByText(t('mod.rejectConfirm'), { exact: true }).waitFor();
    await item.getByRole('button', { name: t('mod.reject') }).click();
    await page.getByRole('status').filter({ hasText: t('mod.rejected', { subject: 'Cheap watches' }) }).waitFor();
    assert.equal(await item.count(), 0);

    const { list } = (await server.request('GET', `/api/groups/${group.id}/list`, { token: owner.token })).body;
    const messages = (await server.request('GET', `/api/rooms/${list.room_id}/messages?limit=100`, { token: owner.token })).body.messages;
    assert.equal(messages.length, 1, 'only the approved post is in the room');
    assert.deepEqual((await server.request('GET', `/api/groups/${group.id}/list/moderation`, { token: owner.token })).body.posts, []);
  });

  test('a representative switches the list to discussion (ML) mode and the API has it', { timeout: 60_000 }, async () => {
    const t = listT('ja');
    const page = ownerPage;
    await page.goto(`${server.url}/#/g/${group.id}/list`);
    await page.getByRole('radio', { name: t('list.mode.discussion') }).check();
    await page.getByRole('button', { name: t('list.save') }).click();
    await page.getByRole('status').filter({ hasText: t('list.saved') }).waitFor();
    const { list } = (await server.request('GET', `/api/groups/${group.id}/list`, { token: owner.token })).body;
    assert.equal(list.mode, 'discussion');
    assert.match(await page.getByText(t('list.modeIs', { mode: t('list.modeShort.discussion') })).innerText(), /メンバー全員/);

    await page.getByLabel(t('list.timeZone')).fill('Mars/Olympus');
    await page.getByRole('button', { name: t('list.save') }).click();
    await page.getByRole('alert').filter({ hasText: listText('ja', 'list.error.time_zone_invalid') }).waitFor();
    assert.equal((await server.request('GET', `/api/groups/${group.id}/list`, { token: owner.token })).body.list.time_zone, list.time_zone);
    assert.deepEqual(violations, []);
  });
});

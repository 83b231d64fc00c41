import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer, type TestUser } from '../../support/test-server.ts';
import { launchChromium, requireChromiumOrSkip } from '../support/browser.ts';
import { phone, signInContext, texts } from '../support/ui.ts';
import { buildWebClient } from '../support/web-build.ts';

const SUITE = 'web client: announcements, sender and member in two browsers';
const ja = texts('ja');
const en = texts('en');

/**
 * Aiko (representative, Japanese) writes an announcement asking for attendance in the
 * composer; Ben (member, English) sees it arrive live, opens it (read) and answers ○; Aiko's
 * view shows the read status and the tally change without a reload.
 */
describe(SUITE, requireChromiumOrSkip(SUITE), () => {
  let server: TestServer;
  let browser: Browser;
  let aiko: TestUser;
  let ben: TestUser;
  let groupId: string;
  let aikoPage: Page;
  let benPage: Page;

  before(async () => {
    const webRoot = await buildWebClient();
    server = await startTestServer({ webRoot });
    aiko = await server.signup('Aiko');
    ben = await server.signup('Ben');
    groupId = (await server.createGroup(aiko, '3-B')).id;
    await server.addMember(aiko, groupId, ben);
    browser = await launchChromium();
    const aikoCtx = await browser.newContext(phone('ja'));
    const benCtx = await browser.newContext(phone('en'));
    await signInContext(aikoCtx, server.url, aiko.user.email, 'correct horse battery');
    await signInContext(benCtx, server.url, ben.user.email, 'correct horse battery');
    aikoPage = await aikoCtx.newPage();
    benPage = await benCtx.newPage();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the member receives it live, reads and answers ○; the sender sees read status and tally change live', { timeout: 60_000 }, async () => {
    await benPage.goto(`${server.url}/#/g/${groupId}/announcements`);
    await benPage.getByText(en('ann.none')).waitFor();

    await aikoPage.goto(`${server.url}/#/g/${groupId}/announcements`);
    await aikoPage.getByRole('link', { name: ja('ann.new') }).click();
    await aikoPage.getByLabel(ja('ann.title'), { exact: true }).fill('運動会の出欠');
    await aikoPage.getByLabel(ja('ann.body'), { exact: true }).fill('10月12日(土)9時集合です。<script>alert(1)</script>');
    await aikoPage.getByLabel(ja('ann.askAnswer')).selectOption('attendance');
    await aikoPage.getByRole('button', { name: ja('ann.send') }).click();
    await aikoPage.getByRole('heading', { name: '運動会の出欠', level: 2 }).waitFor();
    const counts = aikoPage.locator('.status-counts');
    await counts.getByText(ja('ann.counts', { read: 0, total: 1, answered: 0 })).waitFor();

    const item = benPage.getByRole('link', { name: /運動会の出欠/ });
    await item.getByText(en('ann.unread')).waitFor();
    await item.click();
    await benPage.locator('.announcement-body', { hasText: '<script>alert(1)</script>' }).waitFor();
    await counts.getByText(ja('ann.counts', { read: 1, total: 1, answered: 0 })).waitFor();
    assert.equal(await aikoPage.locator('.recipient[data-read="true"] .list-title').textContent(), 'Ben');

    await benPage.getByText(en('ann.choice.yes')).click();
    await benPage.getByRole('button', { name: en('ann.sendAnswer') }).click();
    await benPage.getByText(en('ann.answerSent')).waitFor();
    await counts.getByText(ja('ann.counts', { read: 1, total: 1, answered: 1 })).waitFor();
    await aikoPage.locator('.tally-line[data-yes="1"][data-no="0"][data-maybe="0"]').waitFor();
    assert.equal(await aikoPage.locator('.recipient .answer-summary').textContent(), '○');
    assert.match(await aikoPage.getByRole('link', { name: ja('ann.csv') }).getAttribute('href') ?? '', /\/status\.csv\?tz=/);
  });

  test('a sub-group made in the members screen, with Ben in it, receives an announcement to it', { timeout: 60_000 }, async () => {
    await aikoPage.goto(`${server.url}/#/g/${groupId}/members`);
    await aikoPage.getByLabel(ja('sub.name')).fill('運動会係');
    await aikoPage.getByRole('button', { name: ja('sub.create') }).click();
    await aikoPage.getByRole('button', { name: /運動会係/ }).click();
    await aikoPage.getByLabel(ja('sub.in', { name: 'Ben' })).check();
    await aikoPage.getByRole('button', { name: new RegExp(ja('sub.count', { n: 1 })) }).waitFor();

    await benPage.goto(`${server.url}/#/g/${groupId}/announcements`);
    await benPage.getByRole('link', { name: /運動会の出欠/ }).waitFor();
    await aikoPage.goto(`${server.url}/#/g/${groupId}/announce`);
    await aikoPage.getByLabel(ja('ann.title'), { exact: true }).fill('係の打ち合わせ');
    await aikoPage.getByRole('button', { name: ja('ann.send') }).click();
    await aikoPage.getByText(ja('ann.problem.required')).waitFor();
    await aikoPage.getByLabel(ja('ann.body'), { exact: true }).fill('金曜19時、図書室で。');
    await aikoPage.getByLabel(ja('ann.choose')).check();
    await aikoPage.getByLabel('運動会係').check();
    await aikoPage.getByRole('button', { name: ja('ann.send') }).click();
    await aikoPage.locator('.status-counts').getByText(ja('ann.counts', { read: 0, total: 1, answered: 0 })).waitFor();
    await benPage.getByRole('link', { name: /係の打ち合わせ/ }).getByText(en('ann.unread')).waitFor();
  });
});

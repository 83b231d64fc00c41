import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { launchChromium, requireChromiumOrSkip } from '../support/browser.ts';
import { eventually, eventuallyEqual } from '../support/eventually.ts';
import { bodies, phone, send, signInInUi, signUpInUi, texts } from '../support/ui.ts';
import { buildWebClient } from '../support/web-build.ts';

const SUITE = 'web client: two people in two browsers';
const PASSWORD = 'correct horse battery';
const ja = texts('ja');
const en = texts('en');

/**
 * The built client in Debian's Chromium against the whole server. Aiko (Japanese) and Ben
 * (English) sign up in the UI; Aiko makes a group, a room and an invitation link, Ben accepts
 * it; they talk live; the server restarts while both are offline (and Ben types a message) and
 * both recover every message exactly once; with WebSockets blocked, LongPoll still delivers.
 */
describe(SUITE, requireChromiumOrSkip(SUITE), () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'renraku-web-test-'));
  let webRoot: string;
  let server: TestServer;
  let browser: Browser;
  let aikoCtx: BrowserContext;
  let benCtx: BrowserContext;
  let aiko: Page;
  let ben: Page;
  let roomPath = '';
  let groupId = '';
  const aikoEmail = 'aiko@example.test';
  const benEmail = 'ben@example.test';

  before(async () => {
    webRoot = await buildWebClient();
    server = await startTestServer({ dataDir, webRoot });
    browser = await launchChromium();
    aikoCtx = await browser.newContext(phone('ja'));
    benCtx = await browser.newContext(phone('en'));
    aiko = await aikoCtx.newPage();
    ben = await benCtx.newPage();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('sign up both in the UI; Aiko makes a group, a room and an invitation link; Ben accepts it', { timeout: 60_000 }, async () => {
    const page = await aiko.goto(`${server.url}/`);
    assert.match(page?.headers()['content-security-policy'] ?? '', /script-src 'self'; style-src 'self'/);
    await aiko.getByRole('heading', { name: ja('auth.signIn') }).waitFor();
    await aiko.getByRole('link', { name: ja('auth.toSignUp') }).click();
    await signUpInUi(aiko, 'ja', { name: 'Aiko', email: aikoEmail, password: PASSWORD });
    await aiko.getByRole('heading', { name: ja('groups.title') }).waitFor();
    await aiko.getByRole('button', { name: ja('groups.new') }).click();
    await aiko.getByLabel(ja('groups.name')).fill('Class 3-B');
    assert.equal(await aiko.getByLabel(ja('groups.slug')).inputValue(), 'class-3-b');
    await aiko.getByRole('button', { name: ja('groups.create') }).click();
    await aiko.getByLabel(ja('group.roomName')).fill('general');
    await aiko.getByRole('button', { name: ja('group.createRoom') }).click();
    await aiko.getByRole('heading', { name: '# general' }).waitFor();
    roomPath = new URL(aiko.url()).hash;
    groupId = /#\/g\/([^/]+)\/r\//.exec(roomPath)![1]!;

    await aiko.goto(`${server.url}/#/g/${groupId}/invites`);
    await aiko.getByRole('button', { name: ja('invites.create') }).click();
    const link = await aiko.getByLabel(ja('invites.link')).inputValue();
    assert.match(link, new RegExp(`^${server.url}/#/invite/[\\w-]+$`));

    await ben.goto(link);
    await ben.getByText(en('invite.to', { group: 'Class 3-B' })).waitFor();
    await signUpInUi(ben, 'en', { name: 'Ben', email: benEmail, password: PASSWORD });
    await ben.getByRole('button', { name: en('invite.join') }).click();
    await ben.getByRole('link', { name: /# general/ }).click();
    await ben.getByRole('heading', { name: '# general' }).waitFor();
    await aiko.goto(`${server.url}/${roomPath}`);
    await aiko.getByRole('heading', { name: '# general' }).waitFor();
  });

  test('they talk live: messages, a reply, typing, presence, an edit and a delete', { timeout: 60_000 }, async () => {
    await aiko.getByRole('button', { name: ja('room.online', { n: 2 }) }).waitFor();
    await send(aiko, 'ja', 'おはようございます');
    await ben.locator('.msg-body', { hasText: 'おはようございます' }).waitFor();

    await ben.getByRole('textbox', { name: en('room.message') }).pressSequentially('Good');
    await aiko.getByText(ja('room.typing1', { a: 'Ben' })).waitFor();
    await ben.getByRole('button', { name: en('room.actions', { name: 'Aiko' }) }).click();
    await ben.getByRole('button', { name: en('room.reply') }).click();
    await ben.getByText(en('room.replying', { name: 'Aiko' })).waitFor();
    await send(ben, 'en', 'Good morning! <b>not bold</b>');
    const reply = aiko.locator('.msg', { hasText: 'Good morning!' });
    await reply.locator('.msg-quote', { hasText: 'おはようございます' }).waitFor();
    assert.equal(await reply.locator('.msg-body').textContent(), 'Good morning! <b>not bold</b>', 'user text is shown as text');
    assert.equal(await aiko.locator('.msg-body b').count(), 0);

    await aiko.getByRole('button', { name: ja('room.actions', { name: ja('room.you') }) }).click();
    await aiko.getByRole('button', { name: ja('room.edit') }).click();
    await aiko.getByRole('textbox', { name: ja('room.message') }).fill('おはようございます!');
    await aiko.getByRole('button', { name: ja('room.save') }).click();
    await ben.locator('.msg', { hasText: 'おはようございます!' }).getByText(en('room.edited')).waitFor();

    await ben.getByRole('button', { name: en('room.actions', { name: en('room.you') }) }).click();
    await ben.getByRole('button', { name: en('room.delete') }).click();
    await ben.getByRole('button', { name: en('room.delete') }).click();
    await aiko.getByText(ja('room.deleted')).waitFor();
    await eventuallyEqual(() => bodies(aiko), ['おはようございます!', ja('room.deleted')]);
  });

  test('the server restarts while both are offline: every message is recovered once, the missed ones are marked, the one typed offline is sent once', { timeout: 90_000 }, async () => {
    await aikoCtx.setOffline(true);
    await benCtx.setOffline(true);
    await ben.getByText(en('link.offline')).waitFor();
    await send(ben, 'en', 'typed while offline');
    await ben.locator('.msg.pending', { hasText: 'typed while offline' }).getByText(en('room.pending')).waitFor();

    const port = Number(new URL(server.url).port);
    await server.stop();
    server = await startTestServer({ dataDir, webRoot, port });
    const { body: login } = await server.request('POST', '/api/login', { body: { email: aikoEmail, password: PASSWORD } });
    const roomId = roomPath.split('/').at(-1)!;
    for (const n of [1, 2, 3]) {
      const res = await server.request('POST', `/api/rooms/${roomId}/messages`, { token: login.token, body: { body: `missed ${n}`, client_id: `http-${n}` } });
      assert.equal(res.status, 201);
    }

    await aikoCtx.setOffline(false);
    await benCtx.setOffline(false);
    const everything = ['おはようございます!', en('room.deleted'), 'missed 1', 'missed 2', 'missed 3', 'typed while offline'];
    await eventuallyEqual(() => bodies(ben), everything, 30_000);
    await ben.getByText(en('room.missed', { n: 3 })).waitFor();
    assert.equal(await ben.locator('.divider', { hasText: en('room.missedLine') }).count(), 1);
    assert.equal(await ben.locator('.msg.pending').count(), 0);
    await eventuallyEqual(() => bodies(aiko), ['おはようございます!', ja('room.deleted'), 'missed 1', 'missed 2', 'missed 3', 'typed while offline'], 30_000);

    const history = await server.request('GET', `/api/rooms/${roomId}/messages`, { token: login.token });
    assert.deepEqual(history.body.messages.map((m: { body: string }) => m.body).filter((b: string) => b === 'typed while offline'), ['typed while offline'], 'stored exactly once');

    // Live delivery resumes after the restart, both ways.
    await send(aiko, 'ja', 'おかえりなさい');
    await ben.locator('.msg-body', { hasText: 'おかえりなさい' }).waitFor();
    await send(ben, 'en', 'thanks');
    await aiko.locator('.msg-body', { hasText: 'thanks' }).waitFor();
  });

  test('with WebSockets blocked by a proxy, LongPoll still delivers both ways', { timeout: 60_000 }, async () => {
    const ctx = await browser.newContext(phone('en'));
    // A proxy that takes the upgrade and passes nothing on: the WebSocket opens, no frame ever
    // arrives, so phoenix.js's health check fails and it falls back after longPollFallbackMs.
    await ctx.routeWebSocket(/\/socket\/websocket/, () => undefined);
    const page = await ctx.newPage();
    const longPolls: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/socket/longpoll')) longPolls.push(r.method());
    });
    await page.goto(`${server.url}/${roomPath}`);
    await signInInUi(page, 'en', { email: benEmail, password: PASSWORD });
    await page.getByRole('heading', { name: '# general' }).waitFor();
    await page.locator('.msg-body', { hasText: 'thanks' }).waitFor();

    await send(aiko, 'ja', 'WebSocket から');
    await page.locator('.msg-body', { hasText: 'WebSocket から' }).waitFor();
    await send(page, 'en', 'from LongPoll');
    await aiko.locator('.msg-body', { hasText: 'from LongPoll' }).waitFor();
    assert.ok(longPolls.includes('GET') && longPolls.includes('POST'), `LongPoll was used: ${longPolls.join(',')}`);
    await ctx.close();
  });

  test('a room of 10,000 messages renders only what is on screen and jumps to the first unread', { timeout: 90_000 }, async () => {
    const aikoUser = (await server.request('POST', '/api/login', { body: { email: aikoEmail, password: PASSWORD } })).body;
    const room = (await server.request('POST', `/api/groups/${groupId}/rooms`, { token: aikoUser.token, body: { name: 'archive' } })).body.room;
    const at = Date.now();
    await server.app.store.messages.appendMany(Array.from({ length: 10_000 }, (_, i) => ({
      id: `bulk${String(i).padStart(8, '0')}`, room_id: room.id, author_id: aikoUser.user.id, body: `message ${i + 1}`,
      reply_to: null, mentions: [], client_id: null, created_at: at + i,
    })));

    await ben.goto(`${server.url}/#/g/${groupId}/r/${room.id}`);
    await ben.locator('.msg-body', { hasText: /^message 10000$/ }).waitFor();
    const rendered = () => ben.locator('.vrow').count();
    assert.ok((await rendered()) <= 60, `rows rendered: ${await rendered()}`);

    await ben.getByRole('button', { name: `↑ ${en('room.jumpUnread', { n: 10_000 })}` }).click();
    await ben.locator('.msg-body', { hasText: /^message 1$/ }).waitFor({ timeout: 60_000 });
    await ben.getByText(en('room.newMessages')).waitFor();
    await eventually(async () => assert.ok((await rendered()) <= 60, `rows rendered after the jump: ${await rendered()}`));
    await ben.getByText(en('room.start')).waitFor();
  });
});

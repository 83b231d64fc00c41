import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, WebSocket as PageWebSocket } from 'playwright-core';
import { startTestServer, type TestServer } from '../../support/test-server.ts';
import { launchChromium, requireChromiumOrSkip } from '../support/browser.ts';
import { phone, signUpInUi, texts } from '../support/ui.ts';
import { buildWebClient } from '../support/web-build.ts';

const SUITE = "web client: its CSP lets its own WebSocket through, and nothing else";

/**
 * The client's CSP names `'self'` and the public origin's ws URL only: the page, served from
 * another address than the public URL (as in tests and behind a proxy), still opens its
 * WebSocket to where it came from, with no CSP violation and no LongPoll fallback.
 */
describe(SUITE, requireChromiumOrSkip(SUITE), () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    server = await startTestServer({ webRoot: await buildWebClient() });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('signed in, the page talks over a WebSocket to its own origin', { timeout: 60_000 }, async () => {
    const context = await browser.newContext(phone('en'));
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => { if (/Content Security Policy/i.test(message.text())) violations.push(message.text()); });
    const answered = new Promise<PageWebSocket>((resolve) => {
      page.on('websocket', (ws) => { if (ws.url().includes('/socket/websocket')) ws.once('framereceived', () => resolve(ws)); });
    });
    const res = await page.goto(`${server.url}/#/signup`);
    assert.doesNotMatch(res?.headers()['content-security-policy'] ?? '', /connect-src[^;]*\s(ws|wss):(\s|;|$)/, 'no socket to any host');
    await signUpInUi(page, 'en', { name: 'Mika', email: 'mika@example.test', password: 'correct horse battery' });
    await page.getByRole('heading', { name: texts('en')('groups.title') }).waitFor();
    const ws = await answered;
    assert.equal(new URL(ws.url()).host, new URL(server.url).host);
    assert.deepEqual(violations, []);
    await context.close();
  });
});

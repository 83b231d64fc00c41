import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Socket } from 'phoenix';
import { connect, join } from '../../support/phoenix-helpers.ts';
import { startTestServer, type TestServer, type TestUser } from '../../support/test-server.ts';
import { launchChromium, requireChromiumOrSkip } from '../support/browser.ts';
import { buildWebClient } from '../support/web-build.ts';

const SUITE = 'web client: the operators page';
const TOKEN = 'operator-token-for-the-dashboard-0123456789';

/**
 * An operator opens `#/operators` (no member session), is refused with a wrong token, then
 * sees this node, its live charts, the nodes, a connection made by a real phoenix client and
 * its detail, and a trace that stops itself — all through /api/ops, with no CSP violation.
 */
describe(SUITE, requireChromiumOrSkip(SUITE), () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let member: TestUser;
  let roomId: string;
  let socket: Socket | undefined;
  const violations: string[] = [];

  before(async () => {
    const webRoot = await buildWebClient();
    server = await startTestServer({ webRoot, env: { RENRAKU_OPERATOR_TOKEN: TOKEN } });
    member = await server.signup('Member');
    const group = await server.createGroup(member);
    roomId = (await server.createRoom(member, group.id)).id;
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('console', (m) => {
      if (/Content.Security.Policy/i.test(m.text())) violations.push(m.text());
    });
  });
  after(async () => {
    socket?.disconnect();
    await browser?.close();
    await server?.stop();
  });

  test('a wrong token is refused; the right one shows the node, its charts and its nodes', { timeout: 60_000 }, async () => {
    await page.goto(`${server.url}/#/operators`);
    await page.getByLabel('Operator token').fill('wrong-token');
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('alert').filter({ hasText: 'operator_token_invalid' }).waitFor();

    await page.getByLabel('Operator token').fill(TOKEN);
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('heading', { name: `Node ${server.app.nodeId}` }).waitFor();
    await page.getByRole('img', { name: 'Connections' }).locator('canvas').waitFor();
    await page.getByRole('region', { name: 'Nodes' }).getByText(server.url).waitFor();
  });

  test('a live connection appears in the top list, with its detail', { timeout: 60_000 }, async () => {
    socket = connect(server.wsUrl, member.socketToken, 'websocket');
    await join(socket.channel(`room:${roomId}`, {}));
    await page.locator('[data-fact="connections"]').filter({ hasText: /^1$/ }).waitFor();
    const top = page.getByRole('region', { name: 'Top connections' });
    const row = top.getByRole('row').filter({ hasText: member.user.id });
    await row.waitFor();
    await row.getByRole('button').click();
    const detail = page.getByLabel('Connection detail');
    await detail.filter({ hasText: `"userId": "${member.user.id}"` }).waitFor();
  });

  test('a trace of a room shows the message posted and stops itself at its limit', { timeout: 60_000 }, async () => {
    const trace = page.getByRole('region', { name: 'Trace' });
    await trace.getByLabel('Topic or user').fill(`room:${roomId}`);
    await trace.getByLabel('Max events').fill('1');
    await trace.getByLabel('Seconds').fill('30');
    const started = page.waitForRequest((r) => r.url().endsWith('/api/ops/trace'));
    await trace.getByRole('button', { name: 'Start trace' }).click();
    await started;
    // The node subscribes when the request arrives; post until the trace has seen one.
    await waitUntilSubscribed(server, `room:${roomId}`);
    const posted = await server.request('POST', `/api/rooms/${roomId}/messages`, { token: member.token, body: { body: 'seen by the operator', client_id: 'ops-page-1' } });
    assert.equal(posted.status, 201);
    await trace.getByRole('status').filter({ hasText: 'stopped by max: 1 recorded, 0 dropped' }).waitFor();
    assert.match(await trace.getByRole('list', { name: 'Trace events' }).innerText(), /broadcast room:\S+ msg .*seen by the operator/);
    assert.deepEqual(violations, []);
  });
});

/** The trace's subscription is in place once the topic has one more local subscriber than before (none here). */
async function waitUntilSubscribed(server: TestServer, topic: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (server.app.pubsub.subscriberCount(topic) === 0) {
    if (Date.now() > deadline) throw new Error(`the trace never subscribed to ${topic}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

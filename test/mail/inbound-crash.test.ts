import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import nodemailer from 'nodemailer';
import { freePort } from '../support/free-port.ts';
import { startSmtpSink } from '../support/smtp-sink.ts';
import { startTestServer } from '../support/test-server.ts';

const CHILD = fileURLToPath(new URL('./inbound-crash-child.ts', import.meta.url));
const LIST_DOMAIN = 'lists.test';

test('the SMTP server killed between committing a message and its 250: the sender\'s retry yields exactly one post', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'renraku-inbound-crash-'));
  const sink = await startSmtpSink();
  const env = { RENRAKU_LIST_DOMAIN: LIST_DOMAIN, RENRAKU_SMTP_RELAY_URL: sink.url, RENRAKU_SECRET: 'inbound-crash-test-secret-0123456789abcdef' };
  try {
    // Set up a group with two members, then stop the server (its data dir is kept).
    const setup = await startTestServer({ dataDir, env });
    const owner = await setup.signup('Owner');
    const member = await setup.signup('Member');
    const group = await setup.createGroup(owner, 'Crash club');
    await setup.addMember(owner, group.id, member);
    await setup.stop();

    // The SMTP server alone in a child that dies after the commit, before the reply.
    const childPort = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, String(childPort), LIST_DOMAIN], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = once(child, 'exit');
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => (chunk.toString().includes('ready') ? resolve() : undefined));
      child.once('exit', () => reject(new Error('child exited before it was ready')));
    });
    const post = { from: owner.user.email, to: `${group.slug}@${LIST_DOMAIN}`, subject: 'Once only', text: 'This must arrive exactly once.', messageId: '<once-only@example.test>' };
    const first = nodemailer.createTransport({ host: '127.0.0.1', port: childPort, ignoreTLS: true });
    await assert.rejects(first.sendMail(post), 'the sender saw no 250');
    first.close();
    await exited;
    assert.equal(child.signalCode, 'SIGKILL');

    // Restarted: the committed, unprocessed message is processed at start-up.
    const smtpPort = await freePort();
    const server = await startTestServer({ dataDir, env: { ...env, RENRAKU_SMTP_PORT: String(smtpPort) } });
    try {
      const { list } = (await server.request('GET', `/api/groups/${group.id}/list`, { token: owner.token })).body;
      const history = async () => (await server.request('GET', `/api/rooms/${list.room_id}/messages`, { token: owner.token })).body.messages;
      assert.notEqual(list.room_id, null, 'the recovered post created the list room');
      assert.equal((await history()).length, 1);

      // The sender retries, as it must after no reply.
      const retry = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, ignoreTLS: true });
      const info = await retry.sendMail(post);
      retry.close();
      assert.match(info.response, /^250 .*Already accepted/);
      await server.app.smtp!.processor.idle();
      const messages = await history();
      assert.equal(messages.length, 1, 'exactly one post');
      assert.match(messages[0].body, /^Once only\n\nThis must arrive exactly once\.$/);
      await sink.waitForReceived(2);
      assert.deepEqual(sink.received.flatMap((m) => m.to).sort(), [owner.user.email, member.user.email].sort(), 'each member got it once');
      const rows = Object.values(await server.app.store.outbox.countByStatus()).reduce((a, b) => a + b, 0);
      assert.equal(rows, 2, 'one outbox row per member, no more');
    } finally {
      await server.stop();
    }
  } finally {
    await sink.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

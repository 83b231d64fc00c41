import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import nodemailer from 'nodemailer';
import { freePort } from '../support/free-port.ts';
import { startSmtpSink } from '../support/smtp-sink.ts';
import { startTestServer } from '../support/test-server.ts';
import { ManualTime } from '../transport/manual-time.ts';

test('a delivery whose handler failed is retried by the inbound.retry job, and then posted once', async () => {
  const time = new ManualTime(Date.parse('2026-11-30T03:00:00Z'));
  const sink = await startSmtpSink();
  const smtpPort = await freePort();
  const server = await startTestServer({ clock: time, env: { RENRAKU_SMTP_PORT: String(smtpPort), RENRAKU_SMTP_RELAY_URL: sink.url, RENRAKU_LIST_DOMAIN: 'lists.test' } });
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, ignoreTLS: true });
  const blocker = join(server.dataDir, 'list-attachments');
  try {
    const owner = await server.signup('Owner');
    const group = await server.createGroup(owner, 'Retry club');
    // Attachments cannot be stored while a file stands where their folder belongs.
    writeFileSync(blocker, 'not a folder');
    const info = await transport.sendMail({
      from: owner.user.email, to: `${group.slug}@lists.test`, subject: 'With a file', text: 'See the PDF.',
      attachments: [{ filename: 'a.pdf', content: '%PDF-1.4\n%%EOF\n', contentType: 'application/pdf' }],
    });
    assert.match(info.response, /^250 /, 'accepted: the message is committed whatever processing does');
    await server.app.smtp!.processor.idle();
    const [failed] = await server.app.store.inbound.listUnprocessed({ limit: 10, maxAttempts: 10 });
    assert.equal(failed?.attempts, 1);
    assert.match(String(failed?.last_error), /ENOTDIR|EEXIST|not a directory|file already exists/i);

    rmSync(blocker);
    time.advance(5 * 60_000);
    await server.app.scheduler.tick();
    assert.deepEqual(await server.app.store.inbound.listUnprocessed({ limit: 10, maxAttempts: 10 }), []);
    const { list } = (await server.request('GET', `/api/groups/${group.id}/list`, { token: owner.token })).body;
    const messages = (await server.request('GET', `/api/rooms/${list.room_id}/messages`, { token: owner.token })).body.messages;
    assert.deepEqual(messages.map((m: { body: string }) => m.body), ['With a file\n\nSee the PDF.']);
    time.advance(5 * 60_000);
    await server.app.scheduler.tick();
    assert.equal((await server.request('GET', `/api/rooms/${list.room_id}/messages`, { token: owner.token })).body.messages.length, 1);
  } finally {
    transport.close();
    await server.stop();
    await sink.close();
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSmtpSink } from '../support/smtp-sink.ts';
import { startTestServer } from '../support/test-server.ts';
import { mails } from './mail-harness.ts';

test('the app wires the outbox to a dispatcher that listen() starts and close() stops', async () => {
  const sink = await startSmtpSink();
  const server = await startTestServer({ env: { RENRAKU_SMTP_RELAY_URL: sink.url, RENRAKU_LIST_DOMAIN: 'lists.example.org' } });
  try {
    assert.equal(await server.app.outbox.enqueue(mails(3, 'app:1')), 3);
    await sink.waitForReceived(3);
    assert.match(sink.received[0]!.from, /^bounces\+[0-9a-z]{26}-[0-9a-f]{20}@lists\.example\.org$/);
    assert.match(String(sink.received[0]!.messageId), /^<[0-9A-Z]{26}@lists\.example\.org>$/);
  } finally {
    // Were the dispatcher still running, its idle timer would keep this file's process alive.
    await server.stop();
    await sink.close();
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifySendError, parseRelayUrl, smtpTransportFromConfig } from '../../src/adapters/mail/smtp-transport.ts';

/** An error shaped like nodemailer's (smtp-connection's _formatError). */
function smtpError(code: string, command: string, response?: string): Error {
  const responseCode = response === undefined ? undefined : Number(response.slice(0, 3));
  return Object.assign(new Error(`failed${response ? `: ${response}` : ''}`), { code, command, ...(response ? { response, responseCode } : {}) });
}

test('5xx at RCPT TO or DATA bounces; 4xx there is retried for this mail only', () => {
  assert.deepEqual(classifySendError(smtpError('EENVELOPE', 'RCPT TO', '550 5.1.1 No such user')), { kind: 'bounced', code: 550, detail: '550 5.1.1 No such user' });
  assert.deepEqual(classifySendError(smtpError('EMESSAGE', 'DATA', '554 5.7.1 Spam')), { kind: 'bounced', code: 554, detail: '554 5.7.1 Spam' });
  assert.deepEqual(classifySendError(smtpError('EENVELOPE', 'RCPT TO', '450 4.2.1 Mailbox busy')), { kind: 'retry', detail: '450 4.2.1 Mailbox busy', relayUnavailable: false });
  assert.deepEqual(classifySendError(smtpError('EMESSAGE', 'DATA', '451 4.7.1 Greylisted')), { kind: 'retry', detail: '451 4.7.1 Greylisted', relayUnavailable: false });
});

test('trouble with the relay itself is retried and stops the batch, even a 5xx: it is no member\'s bounce', () => {
  for (const error of [
    smtpError('EAUTH', 'AUTH PLAIN', '535 5.7.8 Authentication failed'),
    smtpError('EENVELOPE', 'MAIL FROM', '553 5.7.1 Sender address rejected'),
    smtpError('EPROTOCOL', 'EHLO', '421 4.3.2 Shutting down'),
    smtpError('ESOCKET', 'CONN'),
    smtpError('ECONNECTION', 'CONN'),
    smtpError('ETIMEDOUT', 'CONN'),
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    'a string, not an Error',
  ]) {
    const outcome = classifySendError(error);
    assert.equal(outcome.kind, 'retry', String(error));
    assert.equal(outcome.kind === 'retry' && outcome.relayUnavailable, true, String(error));
  }
});

test('a mail refused before any SMTP reply will not be accepted by retrying', () => {
  assert.deepEqual(classifySendError(smtpError('EMESSAGE', 'MAIL FROM')), { kind: 'rejected', detail: 'failed' });
  assert.deepEqual(classifySendError(smtpError('EENVELOPE', 'API')), { kind: 'rejected', detail: 'failed' });
});

test('relay URLs: host, port (587 / 465 by default), TLS, percent-encoded credentials', () => {
  assert.deepEqual(parseRelayUrl('smtp://127.0.0.1:2525'), { host: '127.0.0.1', port: 2525, secure: false });
  assert.deepEqual(parseRelayUrl('smtp://mail.example.org'), { host: 'mail.example.org', port: 587, secure: false });
  assert.deepEqual(parseRelayUrl('smtps://u%40example.org:p%3Ass%2Fw@smtp.example.org/'), {
    host: 'smtp.example.org', port: 465, secure: true, auth: { user: 'u@example.org', pass: 'p:ss/w' },
  });
  assert.deepEqual(parseRelayUrl('smtp://[::1]:25'), { host: '::1', port: 25, secure: false });
  for (const bad of ['http://mail.example.org', 'smtp://', 'smtp://host:25/path', 'smtp://host:25?pool=true', 'mail.example.org']) {
    assert.throws(() => parseRelayUrl(bad), /RENRAKU_SMTP_RELAY_URL/, bad);
  }
});

test('from the config: no relay, no transport; a DKIM key that cannot be read stops start-up', async () => {
  const none = { smtpRelayUrl: '', dkimDomain: '', dkimSelector: '', dkimPrivateKeyPath: '' };
  assert.equal(smtpTransportFromConfig(none), undefined);
  const plain = smtpTransportFromConfig({ ...none, smtpRelayUrl: 'smtp://127.0.0.1:2525' });
  assert.ok(plain);
  await plain.close();
  assert.throws(
    () => smtpTransportFromConfig({ smtpRelayUrl: 'smtp://127.0.0.1:2525', dkimDomain: 'example.org', dkimSelector: 's', dkimPrivateKeyPath: '/nonexistent/dkim.pem' }),
    /RENRAKU_DKIM_PRIVATE_KEY_PATH: cannot read \/nonexistent\/dkim\.pem \(ENOENT/,
  );
});

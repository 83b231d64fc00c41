import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import { loadConfig } from '../../src/config/config.ts';
import { requireServiceOrSkip } from '../support/free-port.ts';
import { startTestServer } from '../support/test-server.ts';
import { LIST_DOMAIN, openListWorld, smtpDialog, type ListWorld } from '../lists/list-world.ts';

function opensslAvailable(): { ok: true } | { ok: false; reason: string } {
  const probe = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  return probe.status === 0 ? { ok: true } : { ok: false, reason: `openssl version failed: ${probe.error?.message ?? probe.stderr}` };
}

/** A self-signed certificate for the list domain, made by openssl; `cn` tells two apart. */
function makeCertificate(dir: string, name: string, cn: string): { certPath: string; keyPath: string; cert: Buffer } {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-keyout', keyPath, '-out', certPath, '-subj', `/CN=${cn}`, '-addext', `subjectAltName=DNS:${LIST_DOMAIN}`,
  ], { stdio: 'ignore' });
  return { certPath, keyPath, cert: readFileSync(certPath) };
}

describe('STARTTLS on the inbound SMTP listener', requireServiceOrSkip('openssl', 'the STARTTLS tests', { available: opensslAvailable(), ci: process.env.CI === 'true' }), () => {
  let dir: string;
  let first: ReturnType<typeof makeCertificate>;
  let second: ReturnType<typeof makeCertificate>;
  let served: { certPath: string; keyPath: string };
  let world: ListWorld;

  /** nodemailer that insists on STARTTLS and trusts only `ca`. */
  const tlsSend = (ca: Buffer, mail: nodemailer.SendMailOptions) => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: world.smtpPort, secure: false, requireTLS: true, tls: { ca: [ca], servername: LIST_DOMAIN } });
    return transport.sendMail(mail).finally(() => transport.close());
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'renraku-tls-'));
    first = makeCertificate(dir, 'first', 'first.renraku.test');
    second = makeCertificate(dir, 'second', 'second.renraku.test');
    served = { certPath: join(dir, 'served.crt'), keyPath: join(dir, 'served.key') };
    writeFileSync(served.certPath, first.cert);
    writeFileSync(served.keyPath, readFileSync(first.keyPath));
    world = await openListWorld({ env: { RENRAKU_SMTP_TLS_CERT_PATH: served.certPath, RENRAKU_SMTP_TLS_KEY_PATH: served.keyPath } });
  });
  after(async () => {
    await world?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is offered in the EHLO reply, and a post sent over it arrives in the list room', async () => {
    const replies = await smtpDialog(world.smtpPort, ['EHLO client.test', 'QUIT']);
    assert.ok(replies.some((line) => /^250[ -]STARTTLS$/.test(line)), replies.join('\n'));

    const info = await tlsSend(first.cert, { from: world.owner.user.email, to: world.address, subject: 'Over TLS', text: 'Sealed.', messageId: '<tls-1@example.test>' });
    assert.match(info.response, /^250 /);
    await world.processed();
    const bodies = (await world.roomMessages()).map((m) => m.body);
    assert.ok(bodies.includes('Over TLS\n\nSealed.'), bodies.join(' | '));
  });

  it('is offered, never required: a client without TLS still posts (RFC 3207)', async () => {
    const info = await world.send({ from: world.owner.user.email, to: world.address, subject: 'In the clear', text: 'Plain.', messageId: '<plain-1@example.test>' });
    assert.match(info.response, /^250 /);
    await world.processed();
    assert.ok((await world.roomMessages()).some((m) => m.body === 'In the clear\n\nPlain.'));
  });

  it('serves a renewed certificate without a restart, and keeps the old one while the new files are unusable', async () => {
    const smtp = world.server.app.smtp!;
    assert.equal(smtp.reloadTls(), false, 'nothing changed yet');

    // Half-written: a new certificate with the old key does not match, so the first one stays.
    writeFileSync(served.certPath, second.cert);
    assert.equal(smtp.reloadTls(), false);
    await tlsSend(first.cert, { from: world.owner.user.email, to: world.address, subject: 'Still first', text: '1', messageId: '<tls-2@example.test>' });

    writeFileSync(served.keyPath, readFileSync(second.keyPath));
    assert.equal(smtp.reloadTls(), true);
    await tlsSend(second.cert, { from: world.owner.user.email, to: world.address, subject: 'Now second', text: '2', messageId: '<tls-3@example.test>' });
    await assert.rejects(
      tlsSend(first.cert, { from: world.owner.user.email, to: world.address, subject: 'Old trust', text: '3', messageId: '<tls-4@example.test>' }),
      /self[- ]signed|certificate/i,
      'a client trusting only the first certificate no longer connects',
    );
    await world.processed();
    const bodies = (await world.roomMessages()).map((m) => m.body);
    assert.ok(bodies.includes('Still first\n\n1') && bodies.includes('Now second\n\n2'));
    assert.ok(!bodies.includes('Old trust\n\n3'));
  });

  it('is not offered without a certificate, and STARTTLS is then refused with a reason', async () => {
    const plain = await openListWorld();
    try {
      const replies = await smtpDialog(plain.smtpPort, ['EHLO client.test', 'STARTTLS', 'QUIT']);
      assert.ok(!replies.some((line) => /STARTTLS/.test(line.slice(4))), replies.join('\n'));
      assert.ok(replies.some((line) => /^5\d\d /.test(line)), `STARTTLS refused with a 5xx: ${replies.join('\n')}`);
    } finally {
      await plain.close();
    }
  });

  it('a certificate that cannot be read, or a key that is not its own, stops start-up naming the variable', async () => {
    await assert.rejects(
      startTestServer({ env: { RENRAKU_SMTP_PORT: '2', RENRAKU_SMTP_TLS_CERT_PATH: join(dir, 'absent.crt'), RENRAKU_SMTP_TLS_KEY_PATH: first.keyPath } }),
      /^Error: RENRAKU_SMTP_TLS_CERT_PATH: cannot read .*absent\.crt/,
    );
    await assert.rejects(
      startTestServer({ env: { RENRAKU_SMTP_PORT: '2', RENRAKU_SMTP_TLS_CERT_PATH: first.certPath, RENRAKU_SMTP_TLS_KEY_PATH: second.keyPath } }),
      /not a usable certificate and key/,
    );
    assert.throws(() => loadConfig({ RENRAKU_SMTP_TLS_CERT_PATH: first.certPath }), /^ConfigError: RENRAKU_SMTP_TLS_KEY_PATH: is required/);
  });
});

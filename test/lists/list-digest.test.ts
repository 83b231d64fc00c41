import assert from 'node:assert/strict';
import { test } from 'node:test';
import nodemailer from 'nodemailer';
import { freePort } from '../support/free-port.ts';
import { parseMail, startSmtpSink } from '../support/smtp-sink.ts';
import { startTestServer } from '../support/test-server.ts';
import { ManualTime } from '../transport/manual-time.ts';

const LIST_DOMAIN = 'lists.test';
/** 2026-11-30 12:00 in Tokyo. */
const START = Date.parse('2026-11-30T12:00:00+09:00');
const at = (iso: string) => Date.parse(iso);

test('daily digests in the group\'s time zone, assembled once a day (injected clock, the durable scheduler)', async () => {
  const time = new ManualTime(START);
  const sink = await startSmtpSink();
  const smtpPort = await freePort();
  const server = await startTestServer({ clock: time, env: { RENRAKU_SMTP_PORT: String(smtpPort), RENRAKU_SMTP_RELAY_URL: sink.url, RENRAKU_LIST_DOMAIN: LIST_DOMAIN } });
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, ignoreTLS: true });
  try {
    const owner = await server.signup('Owner');
    const reader = await server.signup('Digest reader');
    const group = await server.createGroup(owner, 'Digest club');
    await server.addMember(owner, group.id, reader);
    assert.equal((await server.request('PATCH', `/api/groups/${group.id}/list`, { token: owner.token, body: { time_zone: 'Asia/Tokyo' } })).status, 200);
    assert.equal((await server.request('PATCH', `/api/groups/${group.id}/list`, { token: owner.token, body: { time_zone: 'Mars/Olympus' } })).body.code, 'time_zone_invalid');
    assert.equal((await server.request('PATCH', `/api/groups/${group.id}/list/me`, { token: reader.token, body: { delivery: 'digest' } })).body.delivery, 'digest');

    const post = async (subject: string, when: string) => {
      time.advance(at(when) - time.now());
      await transport.sendMail({ from: owner.user.email, to: `${group.slug}@${LIST_DOMAIN}`, subject, text: `Text of ${subject}.` });
      await server.app.smtp!.processor.idle();
    };
    const tickAt = async (when: string) => {
      time.advance(at(when) - time.now());
      await server.app.scheduler.tick();
    };
    const digestsTo = async (email: string) => {
      const mails = await Promise.all(sink.received.filter((m) => m.to.includes(email)).map(parseMail));
      return mails.filter((m) => /Digest/.test(m.subject ?? ''));
    };

    await post('Morning news', '2026-11-30T12:00:00+09:00');
    await post('Evening news', '2026-11-30T23:40:00+09:00');
    await tickAt('2026-11-30T23:45:00+09:00');
    // Owner (every message) got both posts; the digest reader got none of them one by one.
    await sink.waitForReceived(2);
    assert.deepEqual(sink.received.flatMap((m) => m.to), [owner.user.email, owner.user.email]);
    assert.equal((await digestsTo(reader.user.email)).length, 0, 'no digest before the day is over in Tokyo');

    await tickAt('2026-12-01T00:00:00+09:00');
    await sink.waitForReceived(3);
    let digests = await digestsTo(reader.user.email);
    assert.equal(digests.length, 1);
    assert.equal(digests[0]!.subject, `[${group.slug}] Digest 2026-11-30 (2)`);
    assert.match(String(digests[0]!.text), /1\. Morning news[\s\S]*2\. Evening news[\s\S]*Text of Morning news\.[\s\S]*Text of Evening news\./);

    // Later occurrences the same day assemble nothing more.
    for (const when of ['2026-12-01T00:15:00+09:00', '2026-12-01T06:00:00+09:00', '2026-12-01T23:45:00+09:00']) await tickAt(when);
    await post('Next day', '2026-12-01T23:50:00+09:00');
    await sink.waitForReceived(4);
    assert.equal((await digestsTo(reader.user.email)).length, 1, 'one digest a day');

    await tickAt('2026-12-02T00:00:00+09:00');
    await sink.waitForReceived(5);
    digests = await digestsTo(reader.user.email);
    assert.equal(digests.length, 2);
    assert.equal(digests[1]!.subject, `[${group.slug}] Digest 2026-12-01 (1)`);
    assert.doesNotMatch(String(digests[1]!.text), /Morning news/);
    await server.app.scheduler.tick();
    assert.equal(sink.received.length, 5, 'nothing was sent twice');
  } finally {
    transport.close();
    await server.stop();
    await sink.close();
  }
});

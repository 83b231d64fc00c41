import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createSmtpTransport } from '../../src/adapters/mail/smtp-transport.ts';
import { LIMITS } from '../../src/config/limits.ts';
import { Dispatcher, retryDelay, DEFAULT_DISPATCH_LIMITS } from '../../src/mail/dispatcher.ts';
import type { MailTransport } from '../../src/mail/mail-transport.ts';
import { renderAnnouncementMail } from '../../src/mail/templates.ts';
import { parseMail, startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { verifyDkim } from './dkim-verify.ts';
import { drain, LIST_DOMAIN, mails, openMailWorld, tally, type MailWorld } from './mail-harness.ts';

describe('dispatcher against a real SMTP relay', () => {
  let world: MailWorld;
  let sink: SmtpSink;

  beforeEach(async () => {
    world = await openMailWorld();
    sink = await startSmtpSink();
  });
  afterEach(async () => {
    await world.close();
    await sink.close();
  });

  it('delivers a Japanese mail intact: UTF-8 subject and bodies, stable Message-ID, VERP return path, Auto-Submitted', async () => {
    const rendered = renderAnnouncementMail({
      locale: 'ja', groupName: '3年B組 保護者会', title: '【重要】運動会のお知らせ（雨天時は体育館）',
      body: '保護者各位\n\n10月12日（土）に運動会を行います。\nお弁当🍙をご用意ください。<script>alert(1)</script>',
      readUrl: 'https://renraku.example.org/r/abc?sig=xyz&u=1', answerHint: '出欠を回答してください（締切 10/5）',
    });
    const [mail] = mails(1, 'ann:01J:send', { ...rendered, to: 'Hanako.Yamada@example.jp', headers: { 'List-Id': '3年B組 <class-3b.renraku.example.org>' } });
    assert.equal(await world.outbox.enqueue([mail!]), 1);

    const report = await world.dispatcher(sink.url).runOnce();
    assert.deepEqual(report, { claimed: 1, sent: 1, retried: 0, bounced: 0, failed: 0, released: 0 });

    const [received] = sink.received;
    const [row] = await world.store.outbox.listByMessageKey('ann:01J:send');
    assert.ok(received && row);
    assert.ok(received.raw.every((byte) => byte < 0x80), 'the wire form is 7-bit: every non-ASCII character is encoded');
    assert.match(received.raw.toString('latin1'), /^Subject: =\?UTF-8\?[BQ]\?/im, 'the subject is an RFC 2047 encoded word');
    assert.equal(received.messageId, `<${row.id}@${LIST_DOMAIN}>`);
    assert.equal(world.verp.parse(received.from), row.id, 'MAIL FROM is the row\'s signed VERP address');
    assert.match(received.from, new RegExp(`^bounces\\+[0-9a-z]+-[0-9a-f]+@${LIST_DOMAIN.replace(/\./g, '\\.')}$`));
    assert.deepEqual(received.to, ['Hanako.Yamada@example.jp']);

    const parsed = await parseMail(received);
    assert.equal(parsed.subject, '[3年B組 保護者会] 【重要】運動会のお知らせ（雨天時は体育館）');
    assert.equal(parsed.text?.trimEnd(), rendered.text.trimEnd());
    assert.equal(parsed.html, rendered.html);
    assert.ok(!String(parsed.html).includes('<script>'), 'user text is escaped in HTML');
    assert.equal(parsed.headers.get('auto-submitted'), 'auto-generated');
    // Only the words that need it are encoded, so the list's id stays machine-readable.
    assert.match(received.raw.toString('latin1'), /^List-Id: =\?UTF-8\?Q\?3=E5=B9=B4B=E7=B5=84\?= <class-3b\.renraku\.example\.org>\r$/im);
    assert.equal((parsed.headers.get('list') as any)?.id?.id, 'class-3b.renraku.example.org');
    assert.deepEqual(parsed.from?.value, [{ name: 'Renraku', address: `noreply@${LIST_DOMAIN}` }]);
    assert.equal(parsed.messageId, row.message_id);

    const sent = await world.store.outbox.find(row.id);
    assert.deepEqual([sent?.status, sent?.attempts, sent?.sent_at], ['sent', 1, world.clock.now()]);
  });

  it('1,000 mails to 1,000 recipients: every one delivered once, none twice', async () => {
    const started = performance.now();
    const dispatcher = world.dispatcher(sink.url);
    dispatcher.start();
    assert.equal(await world.outbox.enqueue(mails(1000, 'ann:big:send')), 1000, 'enqueue wakes the running dispatcher');
    assert.equal(await world.outbox.enqueue(mails(1000, 'ann:big:send')), 0, 'enqueueing the same message again adds nothing');
    await sink.waitForReceived(1000, 60_000);
    await dispatcher.stop();
    const elapsed = performance.now() - started;

    assert.equal(sink.received.length, 1000);
    const perRecipient = tally(sink.received.flatMap((m) => m.to));
    assert.equal(perRecipient.size, 1000);
    assert.ok([...perRecipient.values()].every((n) => n === 1), 'no recipient got the message twice');
    assert.equal(new Set(sink.received.map((m) => m.messageId)).size, 1000, 'one Message-ID per (message_key, recipient)');
    assert.deepEqual(await world.store.outbox.countByStatus(), { queued: 0, sending: 0, sent: 1000, bounced: 0, failed: 0 });
    console.log(`# 1,000 mails through the relay in ${Math.round(elapsed)} ms`);
  });

  it('relay down, then up: every mail delivered exactly once, the down time cost one backoff', async () => {
    await sink.down();
    await world.outbox.enqueue(mails(40));
    const dispatcher = world.dispatcher(sink.url);

    const down = await dispatcher.runOnce();
    assert.equal(down.claimed, 40);
    assert.equal(down.retried, DEFAULT_DISPATCH_LIMITS.concurrency, 'only the sends in flight were tried');
    assert.equal(down.released, 40 - DEFAULT_DISPATCH_LIMITS.concurrency, 'the rest of the batch was handed back untried');
    assert.equal(await world.store.outbox.nextDueAt(), world.clock.now() + LIMITS.mailRetryBaseMs);
    assert.equal((await dispatcher.runOnce()).claimed, 0, 'nothing is due until the backoff ends');
    assert.ok(world.logger.lines.some((l) => l.level === 'warn' && String(l.args[1]).includes('relay unavailable')));

    await sink.up();
    world.clock.advance(LIMITS.mailRetryBaseMs);
    const up = await drain(dispatcher);
    assert.equal(up.sent, 40);
    assert.equal(sink.received.length, 40);
    assert.ok([...tally(sink.received.flatMap((m) => m.to)).values()].every((n) => n === 1));
    const rows = await world.store.outbox.listByMessageKey('ann:1:send');
    assert.equal(rows.filter((r) => r.attempts === 2).length, DEFAULT_DISPATCH_LIMITS.concurrency, 'tried twice: the ones that met the dead relay');
    assert.ok(rows.every((r) => r.status === 'sent'));
  });

  it('a 550 for a recipient records a bounce on the member and is never retried', async () => {
    const rcpts: string[] = [];
    sink.onRcpt = (address) => {
      rcpts.push(address);
      return address.startsWith('member1@') ? { code: 550, message: '5.1.1 <member1@example.com>: Recipient address rejected' } : 'accept';
    };
    await world.outbox.enqueue(mails(3));
    const dispatcher = world.dispatcher(sink.url);
    assert.deepEqual(await dispatcher.runOnce(), { claimed: 3, sent: 2, retried: 0, bounced: 1, failed: 0, released: 0 });

    const bounces = await world.store.outbox.listBounces('u-1');
    assert.equal(bounces.length, 1);
    assert.equal(bounces[0]?.code, 550);
    assert.match(bounces[0]!.detail, /Recipient address rejected/);
    assert.equal(await world.store.outbox.countBounces('u-1', 0), 1);
    world.clock.advance(LIMITS.mailRetryMaxMs * 10);
    assert.equal((await dispatcher.runOnce()).claimed, 0);
    assert.equal(rcpts.filter((a) => a.startsWith('member1@')).length, 1, 'asked once');
    assert.deepEqual(await world.store.outbox.countByStatus(), { queued: 0, sending: 0, sent: 2, bounced: 1, failed: 0 });
  });

  it('a 451 then 250: delivered once, after the backoff and not before', async () => {
    let refusals = 0;
    sink.onData = (mail) => (mail.to[0] === 'member0@example.com' && refusals++ === 0 ? { code: 451, message: '4.7.1 Greylisted, try again later' } : 'accept');
    await world.outbox.enqueue(mails(2));
    const dispatcher = world.dispatcher(sink.url);
    assert.deepEqual(await dispatcher.runOnce(), { claimed: 2, sent: 1, retried: 1, bounced: 0, failed: 0, released: 0 });

    const [row] = (await world.store.outbox.listByMessageKey('ann:1:send')).filter((r) => r.recipient === 'member0@example.com');
    assert.deepEqual([row?.status, row?.attempts, row?.next_attempt_at], ['queued', 1, world.clock.now() + retryDelay(1, DEFAULT_DISPATCH_LIMITS)]);
    assert.match(String(row?.last_error), /^451 4\.7\.1 Greylisted/);
    world.clock.advance(retryDelay(1, DEFAULT_DISPATCH_LIMITS) - 1);
    assert.equal((await dispatcher.runOnce()).claimed, 0, 'not before the backoff');
    world.clock.advance(1);
    assert.deepEqual(await dispatcher.runOnce(), { claimed: 1, sent: 1, retried: 0, bounced: 0, failed: 0, released: 0 });
    assert.deepEqual(tally(sink.received.flatMap((m) => m.to)), new Map([['member1@example.com', 1], ['member0@example.com', 1]]));
  });

  it('gives up after the last attempt: failed, with the last answer kept; the backoff doubles up to its cap', async () => {
    sink.onData = () => ({ code: 452, message: '4.2.2 Mailbox full' });
    await world.outbox.enqueue(mails(1));
    const limits = { maxAttempts: 3, retryBaseMs: 1000, retryMaxMs: 3000 };
    const dispatcher = world.dispatcher(sink.url, limits);
    const waits: number[] = [];
    for (let pass = 1; pass <= 3; pass++) {
      const report = await dispatcher.runOnce();
      assert.equal(report.claimed, 1);
      const due = await world.store.outbox.nextDueAt();
      if (due !== undefined) {
        waits.push(due - world.clock.now());
        world.clock.advance(due - world.clock.now());
      }
    }
    assert.deepEqual(waits, [1000, 2000], 'base, then doubled; the third failure is final');
    const [row] = await world.store.outbox.listByMessageKey('ann:1:send');
    assert.equal(row?.status, 'failed');
    assert.match(String(row?.last_error), /^gave up after 3 attempts: 452 4\.2\.2 Mailbox full/);
    assert.deepEqual([retryDelay(1, limits), retryDelay(2, limits), retryDelay(3, limits), retryDelay(9, limits)], [1000, 2000, 3000, 3000]);
  });

  it('takes over the rows of a dispatcher that died holding them, once its lease runs out', async () => {
    await world.outbox.enqueue(mails(5));
    const dead = await world.store.outbox.claim({ claimer: 'dead', now: world.clock.now(), leaseUntil: world.clock.now() + LIMITS.mailLeaseMs, limit: 3 });
    const dispatcher = world.dispatcher(sink.url);
    assert.equal((await dispatcher.runOnce()).sent, 2, 'the rows of a live lease are left alone');
    world.clock.advance(LIMITS.mailLeaseMs);
    assert.equal((await dispatcher.runOnce()).sent, 3);
    assert.deepEqual(sink.received.map((m) => m.to[0]).sort(), mails(5).map((m) => m.to).sort());
    assert.deepEqual(await world.store.outbox.settle('dead', [{ id: dead[0]!.id, status: 'sent', at: world.clock.now() }]), new Set(), 'the dead claim settles nothing');
  });

  it('two dispatchers on one store never send the same row', async () => {
    await world.outbox.enqueue(mails(300));
    const a = world.dispatcher(sink.url, { batchSize: 20, concurrency: 3 }, { name: 'a' });
    const b = world.dispatcher(sink.url, { batchSize: 20, concurrency: 3 }, { name: 'b' });
    const [ra, rb] = await Promise.all([drain(a), drain(b)]);
    assert.equal(ra.sent + rb.sent, 300);
    assert.ok(ra.sent > 0 && rb.sent > 0, `both worked (${ra.sent} / ${rb.sent})`);
    const perRecipient = tally(sink.received.flatMap((m) => m.to));
    assert.equal(perRecipient.size, 300);
    assert.ok([...perRecipient.values()].every((n) => n === 1));
  });

  it('without a relay: warns once, sends nothing, keeps the mail queued', async () => {
    const dispatcher = world.dispatcher(undefined);
    dispatcher.start();
    dispatcher.start();
    await world.outbox.enqueue(mails(2));
    assert.deepEqual((await dispatcher.runOnce()).claimed, 0);
    const warnings = world.logger.lines.filter((l) => l.level === 'warn');
    assert.equal(warnings.length, 1);
    assert.match(String(warnings[0]?.args[0]), /RENRAKU_SMTP_RELAY_URL is empty/);
    assert.equal((await world.store.outbox.countByStatus()).queued, 2);
  });

  it('a send never starts when its lease could run out before it ends; the rest goes back to the queue', async () => {
    await world.outbox.enqueue(mails(3));
    const sent: string[] = [];
    const slowRelay: MailTransport = {
      async send(message) {
        world.clock.advance(4_000);
        sent.push(message.to);
        return { kind: 'sent', response: '250 ok' };
      },
      async close() {},
    };
    const limits = { leaseMs: 10_000, maxSendMs: 4_000, concurrency: 1 };
    const dispatcher = world.dispatcher(undefined, limits, { transport: slowRelay });
    // Sends start at +0 s and +4 s; at +8 s only 2 s of the lease are left.
    assert.deepEqual(await dispatcher.runOnce(), { claimed: 3, sent: 2, retried: 0, bounced: 0, failed: 0, released: 1 });
    const rows = await world.store.outbox.listByMessageKey('ann:1:send');
    assert.deepEqual(rows.map((r) => [r.recipient, r.status, r.attempts]), [
      ['member0@example.com', 'sent', 1], ['member1@example.com', 'sent', 1], ['member2@example.com', 'queued', 0],
    ]);
    assert.deepEqual((await dispatcher.runOnce()).sent, 1, 'a fresh claim, a fresh lease');
    assert.equal(sent.length, 3);
  });

  it('refuses limits that could not work, and a restart after stop()', async () => {
    assert.throws(() => world.dispatcher(sink.url, { leaseMs: 1000, maxSendMs: 1000 }), /maxSendMs \(1000\) must be less than leaseMs \(1000\)/);
    assert.throws(() => world.dispatcher(sink.url, { concurrency: 0 }), /limit concurrency must be a positive whole number/);
    const dispatcher = world.dispatcher(sink.url);
    await dispatcher.stop();
    assert.throws(() => dispatcher.start(), /was stopped/);
  });

  it('signs with DKIM when configured: the signature verifies with the public key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const transport = createSmtpTransport({
      relayUrl: sink.url,
      dkim: { domainName: 'example.org', keySelector: 'renraku2026', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
    });
    const dispatcher = new Dispatcher({ repository: world.store.outbox, transport, verp: world.verp, clock: world.clock, logger: world.logger });
    try {
      await world.outbox.enqueue(mails(1, 'ann:dkim:send', { subject: '署名つきのお知らせ', text: '本文です。\n二行目。' }));
      assert.equal((await dispatcher.runOnce()).sent, 1);
      const result = verifyDkim(sink.received[0]!.raw, publicKey);
      assert.deepEqual(result, { ok: true, domain: 'example.org', selector: 'renraku2026' });
      const tampered = Buffer.from(sink.received[0]!.raw.toString('latin1').replace('Subject:', 'Subject: x'), 'latin1');
      assert.equal(verifyDkim(tampered, publicKey).ok, false, 'the check is real: a changed header fails it');
    } finally {
      await dispatcher.stop();
    }
  });
});

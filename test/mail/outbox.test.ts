import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { IdGenerator } from '../../src/domain/ids.ts';
import { buildMailMessage } from '../../src/mail/mail-message.ts';
import { Outbox } from '../../src/mail/outbox.ts';
import type { OutgoingMail } from '../../src/mail/outgoing-mail.ts';
import { LIST_DOMAIN, mails, openMailWorld, type MailWorld } from './mail-harness.ts';

describe('outbox', () => {
  let world: MailWorld;
  beforeEach(async () => {
    world = await openMailWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  it('stores one row per (message_key, recipient) and says how many were new', async () => {
    assert.equal(await world.outbox.enqueue(mails(3)), 3);
    assert.equal(await world.outbox.enqueue([...mails(4), ...mails(4)]), 1, 'only member3 is new, once');
    assert.equal(await world.outbox.enqueue(mails(1, 'ann:1:send', { to: ' MEMBER0@example.com ' })), 0, 'case and spaces do not make a new recipient');
    assert.equal(await world.outbox.enqueue(mails(2, 'ann:1:remind:1')), 2, 'another message to the same people is new');
    assert.equal((await world.store.outbox.countByStatus()).queued, 6);
  });

  it('fills in the server From, a stable Message-ID on the list domain, and queues the row due now', async () => {
    await world.outbox.enqueue(mails(1, 'k', { html: '<p>x</p>', reply_to: 'Teacher <t@example.com>', headers: { 'List-Id': 'x <x.example.org>' } }));
    const [row] = await world.store.outbox.listByMessageKey('k');
    assert.ok(row);
    assert.equal(row.from_address, `Renraku <noreply@${LIST_DOMAIN}>`);
    assert.equal(row.message_id, `<${row.id}@${LIST_DOMAIN}>`);
    assert.match(row.id, /^[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.deepEqual([row.status, row.next_attempt_at, row.created_at], ['queued', world.clock.now(), world.clock.now()]);

    const message = buildMailMessage(row, world.verp);
    assert.deepEqual(message, {
      envelope: { from: world.verp.address(row.id), to: 'member0@example.com' },
      from: `Renraku <noreply@${LIST_DOMAIN}>`,
      to: 'member0@example.com',
      replyTo: 'Teacher <t@example.com>',
      subject: 'Notice k',
      text: 'Hello member 0',
      html: '<p>x</p>',
      messageId: row.message_id,
      headers: { 'Auto-Submitted': 'auto-generated', 'List-Id': 'x <x.example.org>' },
    });
  });

  it('a caller that forwards a person\'s mail may say it is not auto-generated', async () => {
    await world.outbox.enqueue(mails(1, 'fwd', { headers: { 'auto-submitted': 'no', Precedence: 'list' } }));
    const [row] = await world.store.outbox.listByMessageKey('fwd');
    assert.deepEqual(buildMailMessage(row!, world.verp).headers, { 'auto-submitted': 'no', Precedence: 'list' });
  });

  it('wakes the dispatcher only when something new was stored', async () => {
    let wakes = 0;
    const outbox = new Outbox({ repository: world.store.outbox, ids: new IdGenerator(), clock: world.clock, listDomain: LIST_DOMAIN, onEnqueued: () => (wakes += 1) });
    await outbox.enqueue(mails(2));
    await outbox.enqueue(mails(2));
    await outbox.enqueue([]);
    assert.equal(wakes, 1);
  });

  it('refuses malformed mail loudly, naming the mail and what is allowed, and stores none of the batch', async () => {
    const bad: [Partial<OutgoingMail>, RegExp][] = [
      [{ message_key: '' }, /message_key must be 1 to 200 characters/],
      [{ to: 'a@example.com, b@example.com' }, /to must be one bare address/],
      [{ to: 'Aiko <aiko@example.com>' }, /to must be one bare address/],
      [{ to: 'aiko@example.com\r\nBcc: x@evil.example' }, /to must be one bare address/],
      [{ subject: 'hi\r\nBcc: x@evil.example' }, /subject may not contain line breaks/],
      [{ from: 'Evil\n <x@evil.example>' }, /from may not contain line breaks/],
      [{ headers: { Bcc: 'x@evil.example' } }, /header Bcc is set by the outbox.*not allowed: from, to, cc, bcc/],
      [{ headers: { 'Message-ID': '<x@y>' } }, /header Message-ID is set by the outbox/],
      [{ headers: { 'X Bad': 'v' } }, /header name "X Bad" must be letters, digits and '-'/],
      [{ headers: { 'X-Ok': 'a\r\nBcc: x@evil.example' } }, /header X-Ok must be a string without line breaks/],
      [{ headers: { 'X-A': '1', 'x-a': '2' } }, /header x-a is given twice/],
      [{ text: undefined as unknown as string }, /text is required/],
    ];
    for (const [over, message] of bad) {
      const batch = [...mails(1, 'good'), { ...mails(1, 'bad')[0]!, ...over }];
      await assert.rejects(world.outbox.enqueue(batch), (error: Error) => {
        assert.ok(error instanceof TypeError);
        assert.match(error.message, /^outbox: mail 1 \(message_key /);
        assert.match(error.message, message);
        return true;
      });
    }
    assert.equal((await world.store.outbox.countByStatus()).queued, 0);
  });
});

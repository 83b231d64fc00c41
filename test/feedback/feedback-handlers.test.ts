import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadOrCreateSecret } from '../../src/app/secret.ts';
import type { InboundHandler } from '../../src/mail/inbound/inbound-handler.ts';
import { VerpAddresses } from '../../src/mail/verp.ts';
import { expectOk, HOUR, openAnnouncementWorld, type AnnouncementWorld } from '../announcements/announcement-fixture.ts';
import { dsn, handlerOf, inbound, reply } from './mail-fixtures.ts';

const DAY = 24 * HOUR;

/**
 * The three feedback handlers of a whole server (SQLite store, manual clock), fed with real
 * RFC 5322 / RFC 3464 messages parsed by mailparser, as the inbound SMTP server hands them over.
 */
describe('mail feedback handlers', () => {
  let world: AnnouncementWorld;
  let handlers: InboundHandler[];
  let verp: VerpAddresses;
  let announcementId: string;
  /** Events pushed on the owner's user topic. */
  const ownerEvents: { event: string; payload: any }[] = [];

  before(async () => {
    world = await openAnnouncementWorld();
    handlers = world.server.app.feedbackHandlers;
    verp = new VerpAddresses(loadOrCreateSecret(world.server.dataDir, ''), 'localhost');
    world.server.app.pubsub.subscribe(`user:${world.owner.user.id}`, (message) => {
      const [, , , event, payload] = JSON.parse(String(message.frame));
      ownerEvents.push({ event, payload });
    });
    const { announcement } = await expectOk(world.server.request('POST', `/api/groups/${world.groupId}/announcements`, {
      token: world.sender.token, body: { title: '運動会のお知らせ', body: '10月1日に運動会を行います。', answer: { type: 'attendance' } },
    }));
    announcementId = announcement.id;
  });
  after(async () => {
    await world?.stop();
  });

  const rowOf = async (userId: string) => {
    const rows = await world.server.app.store.outbox.listByMessageKey(`ann:${announcementId}:send`);
    const row = rows.find((r) => r.user_id === userId);
    assert.ok(row, `an announcement mail was queued for ${userId}`);
    return row;
  };
  const myAnswer = async (userId: string) => {
    const status = await expectOk(world.server.request('GET', `/api/announcements/${announcementId}/status`, { token: world.sender.token }));
    return status.recipients.find((r: any) => r.user_id === userId)?.answer ?? null;
  };

  describe('answers by reply', () => {
    test('announcement mail carries a Reply-To of ours, at most 64 characters before the @', async () => {
      for (const member of [world.memberA, world.memberB, world.owner]) {
        const row = await rowOf(member.user.id);
        assert.match(row.reply_to ?? '', /^reply\+[a-z2-7]{20}@localhost$/);
        assert.ok(row.reply_to!.split('@')[0]!.length <= 64);
      }
      const a = (await rowOf(world.memberA.user.id)).reply_to;
      const b = (await rowOf(world.memberB.user.id)).reply_to;
      assert.notEqual(a, b, 'each recipient has their own address');
    });

    test('a ○ reply is the member\'s answer; the words after it are the comment; quotes and signature are dropped', async () => {
      const replyHandler = handlerOf(handlers, 'reply');
      const to = (await rowOf(world.memberA.user.id)).reply_to!;
      const text = '○\n出席します。お弁当を持っていきます。\n\n-- \nAiko\n\n2026年11月29日(日) 18:00 Renraku <noreply@localhost>:\n> 10月1日に運動会を行います。\n';
      const mail = await inbound(replyHandler, to, reply({ from: world.memberA.user.email, to, text }), world.memberA.user.email);
      assert.equal(mail.recipient.kind, 'reply');
      assert.equal(mail.recipient.groupId, world.groupId);
      await replyHandler.process(mail);
      assert.deepEqual(await myAnswer(world.memberA.user.id), { type: 'attendance', choice: 'yes', comment: '出席します。お弁当を持っていきます。' });
      await replyHandler.process(mail);
      const replies = await expectOk(world.server.request('GET', `/api/announcements/${announcementId}/mail-replies`, { token: world.sender.token }));
      assert.equal(replies.replies.filter((r: any) => r.mail_id === mail.id).length, 1, 'processing the mail again records nothing more');
      assert.equal(replies.replies[0].outcome, 'answered');
    });

    const variants: [string, string, string | null][] = [
      ['×', 'no', null], ['x', 'no', null], ['ｘ', 'no', null], ['✕', 'no', null], ['X\n行けません', 'no', '行けません'],
      ['△ 遅れて行きます', 'maybe', '遅れて行きます'], ['?', 'maybe', null], ['？', 'maybe', null],
      ['〇', 'yes', null], ['ｏ', 'yes', null], ['o', 'yes', null], ['◯', 'yes', null],
      ['\n\n  ○  \n', 'yes', null],
    ];
    for (const [text, choice, comment] of variants) {
      test(`"${text.replace(/\n/g, '\\n')}" counts as ${choice}`, async () => {
        const replyHandler = handlerOf(handlers, 'reply');
        const to = (await rowOf(world.memberB.user.id)).reply_to!;
        await replyHandler.process(await inbound(replyHandler, to, reply({ from: world.memberB.user.email, to, text })));
        assert.deepEqual(await myAnswer(world.memberB.user.id), { type: 'attendance', choice, comment });
      });
    }

    test('an HTML-only reply is read too', async () => {
      const replyHandler = handlerOf(handlers, 'reply');
      const to = (await rowOf(world.leader.user.id)).reply_to!;
      const html = '<div>×</div><div>都合が悪いです</div><blockquote>10月1日に運動会を行います。</blockquote>';
      await replyHandler.process(await inbound(replyHandler, to, reply({ from: world.leader.user.email, to, text: '', html })));
      assert.deepEqual(await myAnswer(world.leader.user.id), { type: 'attendance', choice: 'no', comment: '都合が悪いです' });
    });

    test('other text is kept as a comment for the sender, and is no answer', async () => {
      const replyHandler = handlerOf(handlers, 'reply');
      const to = (await rowOf(world.owner.user.id)).reply_to!;
      const text = 'ok, 確認しました。\n雨の場合はどうなりますか？\n\n> 10月1日に運動会を行います。';
      const mail = await inbound(replyHandler, to, reply({ from: world.owner.user.email, to, text }));
      await replyHandler.process(mail);
      assert.equal(await myAnswer(world.owner.user.id), null);
      const replies = await expectOk(world.server.request('GET', `/api/announcements/${announcementId}/mail-replies`, { token: world.sender.token }));
      const mine = replies.replies.find((r: any) => r.mail_id === mail.id);
      assert.equal(mine.outcome, 'comment');
      assert.equal(mine.comment, 'ok, 確認しました。\n雨の場合はどうなりますか？');
      const seen = await world.server.request('GET', `/api/announcements/${announcementId}/mail-replies`, { token: world.memberA.token });
      assert.equal(seen.status, 403, 'a member does not see the others\' replies');
    });

    test('an auto-reply counts as nothing', async () => {
      const replyHandler = handlerOf(handlers, 'reply');
      const to = (await rowOf(world.owner.user.id)).reply_to!;
      const mail = await inbound(replyHandler, to, reply({ from: world.owner.user.email, to, text: '○\n不在です。', headers: 'Auto-Submitted: auto-replied\n' }));
      await replyHandler.process(mail);
      assert.equal(await myAnswer(world.owner.user.id), null);
      assert.equal((await world.server.app.store.feedback.findReply(mail.id))?.outcome, 'ignored');
    });

    test('a forged or unknown reply token is not ours (refused at RCPT)', async () => {
      const replyHandler = handlerOf(handlers, 'reply');
      const real = (await rowOf(world.memberA.user.id)).reply_to!;
      const token = real.slice('reply+'.length, real.indexOf('@'));
      const flipped = `reply+${token.slice(0, -1)}${token.endsWith('a') ? 'b' : 'a'}@localhost`;
      assert.equal(await replyHandler.resolve(flipped), undefined);
      assert.equal(await replyHandler.resolve('reply+aaaaaaaaaaaaaaaaaaaa@localhost'), undefined);
      assert.equal(await replyHandler.resolve(real.replace('@localhost', '@example.org')), undefined, 'another domain');
      assert.equal(await replyHandler.resolve(`reply+${token}x@localhost`), undefined);
    });
  });

  describe('bounces', () => {
    const standing = async (userId: string) => (await world.server.app.store.feedback.standings([userId]))[0];

    test('a hard DSN (5.x.x) raises the score by 1 and records a bounce of the row; a second the same day does not', async () => {
      const bounceHandler = handlerOf(handlers, 'bounce');
      const row = await rowOf(world.memberA.user.id);
      const to = verp.address(row.id);
      const raw = dsn({ verp: to, recipient: row.recipient, action: 'failed', status: '5.1.1', diagnostic: 'smtp; 550 5.1.1 <x@example.org>: Recipient address rejected: User unknown' });
      const mail = await inbound(bounceHandler, to, raw, '');
      assert.equal(mail.recipient.kind, 'bounce');
      await bounceHandler.process(mail);
      assert.equal((await standing(world.memberA.user.id))?.score, 1);
      const bounces = await world.server.app.store.outbox.listBounces(world.memberA.user.id);
      assert.equal(bounces.length, 1);
      assert.equal(bounces[0]!.code, 550);
      await bounceHandler.process(mail);
      await bounceHandler.process(await inbound(bounceHandler, to, raw, ''));
      assert.equal((await standing(world.memberA.user.id))?.score, 1, 'at most one rise a day, and a re-run changes nothing');
    });

    test('a soft DSN (delayed, or failed with 4.x.x) adds 0.5', async () => {
      const bounceHandler = handlerOf(handlers, 'bounce');
      const row = await rowOf(world.memberB.user.id);
      const to = verp.address(row.id);
      await bounceHandler.process(await inbound(bounceHandler, to, dsn({ verp: to, recipient: row.recipient, action: 'delayed', status: '4.4.1', diagnostic: 'smtp; 421 4.4.1 try later' }), ''));
      assert.equal((await standing(world.memberB.user.id))?.score, 0.5);
      assert.equal((await world.server.app.store.outbox.listBounces(world.memberB.user.id)).length, 0, 'a delay is no bounce of the row');
    });

    test('a DSN that reports delivery changes nothing', async () => {
      const bounceHandler = handlerOf(handlers, 'bounce');
      const row = await rowOf(world.leader.user.id);
      const to = verp.address(row.id);
      await bounceHandler.process(await inbound(bounceHandler, to, dsn({ verp: to, recipient: row.recipient, action: 'delivered', status: '2.0.0' }), ''));
      assert.equal(await standing(world.leader.user.id), undefined);
    });

    test('a DSN with a forged VERP token is refused at RCPT, and processing it anyway changes nothing', async () => {
      const bounceHandler = handlerOf(handlers, 'bounce');
      const row = await rowOf(world.leader.user.id);
      const genuine = verp.address(row.id);
      const forged = genuine.replace(/-([0-9a-f])/, (_, c: string) => `-${c === '0' ? '1' : '0'}`);
      assert.notEqual(forged, genuine);
      assert.equal(await bounceHandler.resolve(forged), undefined);
      assert.equal(await bounceHandler.resolve(new VerpAddresses('another secret', 'localhost').address(row.id)), undefined);
      const { simpleParser } = await import('mailparser');
      const raw = dsn({ verp: forged, recipient: row.recipient, action: 'failed', status: '5.1.1' });
      await bounceHandler.process({ id: '01FORGEDDSN000000000000000', envelopeFrom: '', recipient: { kind: 'bounce', address: forged }, raw, parsed: await simpleParser(raw), receivedAt: 0 });
      assert.equal(await standing(world.leader.user.id), undefined);
      assert.equal((await world.server.app.store.outbox.listBounces(world.leader.user.id)).length, 0);
    });

    test('at the threshold (5) mail pauses, the owners are told, the dispatcher sends nothing more; an owner unpauses', async () => {
      const bounceHandler = handlerOf(handlers, 'bounce');
      const row = await rowOf(world.memberA.user.id);
      const to = verp.address(row.id);
      const raw = dsn({ verp: to, recipient: row.recipient, action: 'failed', status: '5.2.1', diagnostic: 'smtp; 550 5.2.1 mailbox disabled' });
      for (let day = 1; day <= 4; day++) {
        assert.equal((await standing(world.memberA.user.id))?.paused_at, null, `not paused on day ${day}`);
        await world.advance(DAY);
        await bounceHandler.process(await inbound(bounceHandler, to, raw, ''));
      }
      const paused = await standing(world.memberA.user.id);
      assert.equal(paused?.score, 5);
      assert.equal(paused?.paused_at, world.clock.now());
      const told = ownerEvents.filter((e) => e.event === 'mail:paused');
      assert.equal(told.length, 1);
      assert.deepEqual({ user_id: told[0]!.payload.user_id, group_id: told[0]!.payload.group_id }, { user_id: world.memberA.user.id, group_id: world.groupId });

      const view = await expectOk(world.server.request('GET', `/api/groups/${world.groupId}/mail-bounces`, { token: world.owner.token }));
      assert.deepEqual(view.members.map((m: any) => [m.user_id, m.score, m.paused_at !== null]).sort(), [[world.memberA.user.id, 5, true], [world.memberB.user.id, 0.5, false]].sort());
      assert.equal((await world.server.request('GET', `/api/groups/${world.groupId}/mail-bounces`, { token: world.memberB.token })).status, 403);

      // A new announcement: the paused member's row fails unsent, the others are sent.
      const { announcement } = await expectOk(world.server.request('POST', `/api/groups/${world.groupId}/announcements`, {
        token: world.sender.token, body: { title: '2通目', body: '次のお知らせ' },
      }));
      const sent: string[] = [];
      const { Dispatcher } = await import('../../src/mail/dispatcher.ts');
      const dispatcher = new Dispatcher({
        repository: world.server.app.store.outbox, verp, clock: world.clock, logger: { info() {}, warn() {}, error() {} }, name: 'feedback-test',
        transport: { send: async (m) => { sent.push(m.to); return { kind: 'sent', response: '250 ok' }; }, close: async () => {} },
        paused: (ids) => world.server.app.store.feedback.pausedAmong(ids),
      });
      await dispatcher.runOnce();
      const rows = await world.server.app.store.outbox.listByMessageKey(`ann:${announcement.id}:send`);
      const mine = rows.find((r) => r.user_id === world.memberA.user.id)!;
      assert.equal(mine.status, 'failed');
      assert.match(mine.last_error ?? '', /paused/);
      assert.ok(!sent.includes(mine.recipient));
      assert.ok(sent.includes(world.memberB.user.email), 'the others are sent');

      assert.equal((await world.server.request('POST', `/api/groups/${world.groupId}/mail-bounces/${world.memberA.user.id}/unpause`, { token: world.memberB.token })).status, 403);
      const unpaused = await expectOk(world.server.request('POST', `/api/groups/${world.groupId}/mail-bounces/${world.memberA.user.id}/unpause`, { token: world.owner.token }));
      assert.equal(unpaused.unpaused, true);
      assert.deepEqual(await world.server.app.store.feedback.pausedAmong([world.memberA.user.id]), new Set());
      assert.equal((await standing(world.memberA.user.id))?.score, 0);
    });

    test('scores untouched for 7 days decay to 0 (the daily job, on the injected clock)', async () => {
      // memberB has 0.5 from a DSN some days ago (the clock moved 4 days since).
      assert.equal((await standing(world.memberB.user.id))?.score, 0.5);
      await world.advance(2 * DAY);
      assert.equal((await standing(world.memberB.user.id))?.score, 0.5, 'six days: kept');
      await world.advance(DAY + HOUR);
      assert.equal((await standing(world.memberB.user.id))?.score, 0, 'seven days and the job ran: forgotten');
    });
  });
});

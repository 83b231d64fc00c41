import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import { simpleParser } from 'mailparser';
import { expectOk } from '../announcements/announcement-fixture.ts';
import { LIST_DOMAIN, openListWorld, type ListWorld } from '../lists/list-world.ts';
import { freePort, requireServiceOrSkip } from '../support/free-port.ts';
import { postfixServerAvailable, startPostfix, type PrivatePostfix } from './private-postfix.ts';

/** Polls `check` until it returns a value (Postfix delivers on its own schedule), or fails after `ms` with `why()`. */
async function eventually<T>(check: () => Promise<T | undefined>, ms: number, why: () => string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up after ${ms} ms: ${why()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * The deployment of docs/mail.md for real: a private Postfix started from ops/postfix/main.cf
 * takes mail from the Internet side (an SMTP client not in mynetworks) and relays it to
 * Renraku's inbound SMTP by the transport map; unknown addresses are refused by Postfix during
 * the client's session, because Postfix verifies them with Renraku first (no backscatter).
 */
describe('Postfix in front of Renraku', requireServiceOrSkip('Postfix', 'the Postfix relay test', { available: postfixServerAvailable(), ci: process.env.CI === 'true' }), () => {
  let world: ListWorld;
  let postfix: PrivatePostfix;
  let client: nodemailer.Transporter;
  let replyTo: string;
  let memberEmail: string;
  let announcementId: string;

  before(async () => {
    world = await openListWorld({ memberCount: 1 });
    // The test client connects from 127.0.0.1: keep it out of mynetworks so it is treated as the Internet.
    postfix = await startPostfix({
      port: await freePort(), listDomain: LIST_DOMAIN, renrakuPort: world.smtpPort,
      overrides: { mynetworks: '192.0.2.1/32', address_verify_poll_count: '10' },
    });
    client = nodemailer.createTransport({ host: '127.0.0.1', port: postfix.port, secure: false, ignoreTLS: true });
    const { announcement } = await expectOk(world.server.request('POST', `/api/groups/${world.group.id}/announcements`, {
      token: world.owner.token, body: { title: '懇談会の出欠', body: '11月20日に懇談会を行います。', answer: { type: 'attendance' } },
    }));
    announcementId = announcement.id;
    memberEmail = world.members[0]!.user.email;
    await world.sink.waitForReceived(1, 15_000);
    const parsed = await simpleParser(world.sink.received.find((m) => m.to.includes(memberEmail))!.raw);
    replyTo = parsed.replyTo?.value[0]?.address ?? '';
  });
  after(async () => {
    client?.close();
    await postfix?.stop();
    await world?.close();
  });

  test('a × reply relayed by Postfix counts as the member\'s answer', async () => {
    await client.sendMail({ from: memberEmail, to: replyTo, subject: 'Re: 懇談会の出欠', text: '×\n仕事で参加できません。\n\n> 11月20日に懇談会を行います。\n' });
    const answer = await eventually(async () => {
      const status = await expectOk(world.server.request('GET', `/api/announcements/${announcementId}/status`, { token: world.owner.token }));
      return status.recipients.find((r: any) => r.user_id === world.members[0]!.user.id)?.answer ?? undefined;
    }, 30_000, () => postfix.log());
    assert.deepEqual(answer, { type: 'attendance', choice: 'no', comment: '仕事で参加できません。' });
  });

  test('an address Renraku does not know is refused by Postfix with 550, while the client is still connected', async () => {
    await assert.rejects(
      client.sendMail({ from: 'stranger@example.org', to: `reply+aaaaaaaaaaaaaaaaaaaa@${LIST_DOMAIN}`, subject: 'x', text: 'x' }),
      (error: { responseCode?: number; response?: string }) => {
        assert.equal(error.responseCode, 550, `${error.response}\n${postfix.log()}`);
        return true;
      },
    );
  });
});

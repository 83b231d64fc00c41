import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import { simpleParser } from 'mailparser';
import { expectOk } from '../announcements/announcement-fixture.ts';
import { LIST_DOMAIN, openListWorld, type ListWorld } from '../lists/list-world.ts';
import { dsn } from './mail-fixtures.ts';

/** swaks, a real SMTP client, sending `data` (full message) to our server (in this process: never block the loop); its exit code and transcript. */
function swaks(port: number, from: string, to: string, data: string): Promise<{ status: number | null; transcript: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('swaks', ['--server', `127.0.0.1:${port}`, '--from', from, '--to', to, '--data', '-', '--hide-informational', '--timeout', '20']);
    let transcript = '';
    child.stdout.on('data', (chunk: Buffer) => { transcript += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { transcript += chunk.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, transcript }));
    child.stdin.end(Buffer.from(data.replace(/\r?\n/g, '\r\n'), 'utf8'));
  });
}

/**
 * Feedback through the whole path: an announcement mail goes out through the dispatcher to a
 * real SMTP relay; the reply and the bounce come back to our inbound SMTP server from real
 * clients (swaks, nodemailer) and change the answer and the bounce score.
 */
describe('mail feedback over SMTP (swaks and nodemailer as clients, a real relay)', () => {
  let world: ListWorld;
  let mail: { from: string; replyTo: string; to: string };
  let announcementId: string;

  before(async () => {
    world = await openListWorld({ memberCount: 1 });
    const { announcement } = await expectOk(world.server.request('POST', `/api/groups/${world.group.id}/announcements`, {
      token: world.owner.token, body: { title: '遠足の出欠', body: '10月8日に遠足に行きます。', answer: { type: 'attendance' } },
    }));
    announcementId = announcement.id;
    await world.sink.waitForReceived(1, 15_000);
    const received = world.sink.received.find((m) => m.to.includes(world.members[0]!.user.email))!;
    const parsed = await simpleParser(received.raw);
    mail = { from: received.from, replyTo: parsed.replyTo?.value[0]?.address ?? '', to: world.members[0]!.user.email };
  });
  after(async () => {
    await world?.close();
  });

  test('the announcement mail has a Reply-To of ours and a VERP return path', () => {
    assert.match(mail.replyTo, new RegExp(`^reply\\+[a-z2-7]{20}@${LIST_DOMAIN.replace('.', '\\.')}$`));
    assert.match(mail.from, new RegExp(`^bounces\\+[0-9a-z]{26}-[0-9a-f]{20}@${LIST_DOMAIN.replace('.', '\\.')}$`));
  });

  test('a ○ reply sent with swaks counts as the member\'s answer', async () => {
    const data = `From: Member <${mail.to}>
To: ${mail.replyTo}
Subject: Re: 遠足の出欠
Message-ID: <swaks-reply-1@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

○
よろしくお願いします。

> 10月8日に遠足に行きます。
`;
    const sent = await swaks(world.smtpPort, mail.to, mail.replyTo, data);
    assert.equal(sent.status, 0, sent.transcript);
    await world.processed();
    const status = await expectOk(world.server.request('GET', `/api/announcements/${announcementId}/status`, { token: world.owner.token }));
    assert.deepEqual(status.recipients.find((r: any) => r.user_id === world.members[0]!.user.id)?.answer, { type: 'attendance', choice: 'yes', comment: 'よろしくお願いします。' });
  });

  test('a DSN to the VERP address, sent with nodemailer from the null sender, raises the bounce score', async () => {
    const client = nodemailer.createTransport({ host: '127.0.0.1', port: world.smtpPort, secure: false, ignoreTLS: true });
    try {
      await client.sendMail({ envelope: { from: '', to: mail.from }, raw: dsn({ verp: mail.from, recipient: mail.to, action: 'failed', status: '5.1.1', diagnostic: 'smtp; 550 5.1.1 User unknown' }) });
    } finally {
      client.close();
    }
    await world.processed();
    const view = await expectOk(world.server.request('GET', `/api/groups/${world.group.id}/mail-bounces`, { token: world.owner.token }));
    assert.deepEqual(view.members.map((m: any) => [m.user_id, m.score]), [[world.members[0]!.user.id, 1]]);
  });

  test('a forged bounce address and the join address of a list that does not exist are refused at RCPT with 550', async () => {
    const forged = mail.from.replace(/-([0-9a-f])/, (_, c: string) => `-${c === '0' ? '1' : '0'}`);
    for (const to of [forged, `no-such-list+join@${LIST_DOMAIN}`, `reply+aaaaaaaaaaaaaaaaaaaa@${LIST_DOMAIN}`]) {
      const sent = await swaks(world.smtpPort, 'someone@example.org', to, 'Subject: x\n\nx\n');
      assert.notEqual(sent.status, 0, sent.transcript);
      assert.match(sent.transcript, /<\*\* 550 /, sent.transcript);
    }
  });
});

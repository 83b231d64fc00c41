import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseMail, startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';
import { expectOk } from './announcement-fixture.ts';

/**
 * A Japanese announcement through the whole mail path — outbox, dispatcher, a real SMTP relay
 * started by the test — arrives intact with its read link, and following the link marks it read.
 */
describe('announcement mail through a real SMTP relay', () => {
  let sink: SmtpSink;
  let server: TestServer;
  let sender: TestUser;
  let member: TestUser;
  let groupId: string;

  before(async () => {
    sink = await startSmtpSink();
    server = await startTestServer({ env: { RENRAKU_SMTP_RELAY_URL: sink.url, RENRAKU_LIST_DOMAIN: 'renraku.example.org' } });
    sender = await server.signup('佐藤');
    member = await server.signup('鈴木');
    groupId = (await server.createGroup(sender, 'さくら小学校 3年B組')).id;
    await server.addMember(sender, groupId, member);
  });
  after(async () => {
    await server?.stop();
    await sink?.close();
  });

  test('a Japanese announcement arrives intact, and its read link marks it read', async () => {
    const body = '保護者の皆さまへ\n\n10月1日（土）に運動会を行います。🏃‍♀️\n雨天の場合は翌日に延期します。';
    const { announcement } = await expectOk(server.request('POST', `/api/groups/${groupId}/announcements`, {
      token: sender.token, body: { title: '運動会のお知らせ（出欠）', body, answer: { type: 'attendance' } },
    }));
    await sink.waitForReceived(1, 10_000);
    assert.deepEqual(sink.received.map((m) => m.to), [[member.user.email]]);
    const mail = await parseMail(sink.received[0]!);
    assert.equal(mail.subject, '[さくら小学校 3年B組] 運動会のお知らせ（出欠）');
    assert.ok(mail.text?.includes(body), mail.text);
    assert.ok(mail.html && mail.html.includes('10月1日（土）に運動会を行います。🏃‍♀️'));

    const link = /https?:\/\/\S+\/r\/(r1\.[^\s<"]+)/.exec(mail.text ?? '');
    assert.ok(link, 'the mail carries a read link');
    const followed = await fetch(`${server.url}/r/${link[1]}`, { redirect: 'manual' });
    assert.equal(followed.status, 303);
    const status = await expectOk(server.request('GET', `/api/announcements/${announcement.id}/status`, { token: sender.token }));
    assert.equal(status.recipients[0].user_id, member.user.id);
    assert.notEqual(status.recipients[0].read_at, null, 'following the link marked it read');
  });
});

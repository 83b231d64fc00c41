import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { IdGenerator } from '../../src/domain/ids.ts';
import { UNUSABLE_PASSWORD } from '../../src/domain/password.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';
import { expectOk } from './announcement-fixture.ts';

const MEMBERS = 1000;

/** One announcement to a 1,000-member group: every member gets exactly one mail from a real relay. */
describe('a 1,000-member announcement by email', () => {
  let sink: SmtpSink;
  let server: TestServer;
  let sender: TestUser;
  let groupId: string;
  const emails: string[] = [];

  before(async () => {
    sink = await startSmtpSink();
    server = await startTestServer({ env: { RENRAKU_SMTP_RELAY_URL: sink.url, RENRAKU_LIST_DOMAIN: 'renraku.example.org' } });
    sender = await server.signup('Sender');
    groupId = (await server.createGroup(sender, 'Big school')).id;
    // Members are loaded in bulk (signing up 1,000 people through scrypt would take minutes).
    const ids = new IdGenerator();
    const now = Date.now();
    const users = Array.from({ length: MEMBERS }, (_, i) => ({
      id: ids.next(), email: `parent-${i}@families.example`, name: `Parent ${i}`, created_at: now, password_hash: UNUSABLE_PASSWORD,
    }));
    emails.push(...users.map((u) => u.email));
    await server.app.store.bulk.insertUsers(users, users.map((u) => ({ group_id: groupId, user_id: u.id, role: 'member' as const, joined_at: now })));
  });
  after(async () => {
    await server?.stop();
    await sink?.close();
  });

  test('every member receives it exactly once', async () => {
    const { announcement } = await expectOk(server.request('POST', `/api/groups/${groupId}/announcements`, {
      token: sender.token, body: { title: '年度末のお知らせ', body: '皆さまへ。3月の予定をお知らせします。' },
    }));
    await sink.waitForReceived(MEMBERS, 120_000);
    const recipients = sink.received.flatMap((m) => m.to);
    assert.equal(recipients.length, MEMBERS, 'one delivery per member, none twice');
    assert.deepEqual([...new Set(recipients)].sort(), [...emails].sort());
    const status = await expectOk(server.request('GET', `/api/announcements/${announcement.id}/status`, { token: sender.token }));
    assert.equal(status.recipients.length, MEMBERS);
  });
});

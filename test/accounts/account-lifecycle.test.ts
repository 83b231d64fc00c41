import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseMail, startSmtpSink, type ReceivedMail, type SmtpSink } from '../support/smtp-sink.ts';
import { startTestServer, TEST_PASSWORD, type TestServer, type TestUser } from '../support/test-server.ts';

const NEW_PASSWORD = 'lantern orchard quietly 42';

/**
 * The account life cycle, black-box: the server mails through a real SMTP relay sink, and every
 * link is taken from the mail that arrived, as a person would.
 */
describe('account life cycle over HTTP and mail', () => {
  let sink: SmtpSink;
  let server: TestServer;
  let n = 0;

  before(async () => {
    sink = await startSmtpSink();
    server = await startTestServer({ env: { RENRAKU_SMTP_RELAY_URL: sink.url, RENRAKU_LIST_DOMAIN: 'lists.example.org', RENRAKU_PUBLIC_URL: 'http://renraku.example' } });
  });
  after(async () => {
    await server.stop();
    await sink.close();
  });

  /** The next mail to `to` (waits for it), parsed. */
  async function mailTo(to: string, since: number) {
    const find = (): ReceivedMail | undefined => sink.received.slice(since).find((m) => m.to.includes(to));
    for (let count = since + 1; find() === undefined; count++) await sink.waitForReceived(count, 10_000);
    return parseMail(find()!);
  }

  function linkToken(text: string, path: 'verify-email' | 'reset-password'): string {
    const match = new RegExp(`http://renraku\\.example/#/${path}/([A-Za-z0-9_.-]+)`).exec(text);
    assert.ok(match, `no ${path} link in:\n${text}`);
    return match[1]!;
  }

  async function signupRaw(name: string, language?: 'ja' | 'en') {
    const email = `${name.toLowerCase()}-${++n}@example.test`;
    const res = await server.request('POST', '/api/signup', { body: { email, password: TEST_PASSWORD, name, ...(language ? { language } : {}) } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return { email, token: res.body.token as string, user: res.body.user };
  }

  it('sign-up mails a single-use verification link; until it is opened no other mail goes to the address', async () => {
    const since = sink.received.length;
    const owner = await server.signup('Owner');
    const group = await server.createGroup(owner);
    const fresh = await signupRaw('Fresh', 'en');
    assert.equal(fresh.user.email_verified, false);
    const inv = await server.request('POST', `/api/groups/${group.id}/invites`, { token: owner.token, body: {} });
    assert.equal((await server.request('POST', `/api/invites/${inv.body.code}/accept`, { token: fresh.token })).status, 200);

    const verification = await mailTo(fresh.email, since);
    assert.equal(verification.subject, 'Confirm your email address');
    const token = linkToken(verification.text ?? '', 'verify-email');

    // An announcement now reaches the unverified member in the app, not by mail.
    const created = await server.request('POST', `/api/groups/${group.id}/announcements`, { token: owner.token, body: { title: 'Sports day', body: 'On Saturday.' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const annId = created.body.announcement.id as string;
    const rows = await server.app.store.outbox.listByMessageKey(`ann:${annId}:send`);
    assert.deepEqual(rows.map((r) => r.user_id), [], 'no announcement mail is queued for an unverified address');
    const status = await server.request('GET', `/api/announcements/${annId}/status`, { token: owner.token });
    assert.equal(status.body.recipients.find((r: { user_id: string }) => r.user_id === fresh.user.id).email_verified, false);

    assert.equal((await server.request('POST', '/api/email-verification/confirm', { body: { token: `${token.slice(0, -2)}xx` } })).body.code, 'token_invalid');
    const confirmed = await server.request('POST', '/api/email-verification/confirm', { body: { token } });
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    assert.equal(confirmed.body.user.email_verified, true);
    const again = await server.request('POST', '/api/email-verification/confirm', { body: { token } });
    assert.deepEqual([again.status, again.body.code], [410, 'token_used']);
    assert.equal((await server.request('GET', '/api/me', { token: fresh.token })).body.user.email_verified, true);
    assert.deepEqual([(await server.request('POST', '/api/me/verification', { token: fresh.token })).body.code], ['email_already_verified']);
  });

  it('a resend replaces the older link', async () => {
    const since = sink.received.length;
    const fresh = await signupRaw('Twice');
    const first = linkToken((await mailTo(fresh.email, since)).text ?? '', 'verify-email');
    const mark = sink.received.length;
    assert.equal((await server.request('POST', '/api/me/verification', { token: fresh.token })).status, 202);
    const second = linkToken((await mailTo(fresh.email, mark)).text ?? '', 'verify-email');
    assert.notEqual(first, second);
    assert.equal((await server.request('POST', '/api/email-verification/confirm', { body: { token: first } })).body.code, 'token_used');
    assert.equal((await server.request('POST', '/api/email-verification/confirm', { body: { token: second } })).status, 200);
  });

  it('password reset: the same answer for any address; the mailed link sets the password once and ends every session', async () => {
    const person = await server.signup('Resetter');
    const other = await server.request('POST', '/api/login', { body: { email: person.user.email, password: TEST_PASSWORD } });
    assert.equal(other.status, 200);
    const since = sink.received.length;
    const unknown = await server.request('POST', '/api/password-reset', { body: { email: `nobody-${n}@example.test` } });
    const known = await server.request('POST', '/api/password-reset', { body: { email: person.user.email } });
    assert.deepEqual([unknown.status, unknown.body], [202, { status: 'accepted' }]);
    assert.deepEqual([known.status, known.body], [unknown.status, unknown.body]);
    const mail = await mailTo(person.user.email, since);
    const token = linkToken(mail.text ?? '', 'reset-password');

    const weak = await server.request('POST', '/api/password-reset/confirm', { body: { token, password: 'password1' } });
    assert.equal(weak.body.code, 'weak_password', 'a weak password is refused and the link is not spent');
    assert.equal((await server.request('POST', '/api/password-reset/confirm', { body: { token, password: NEW_PASSWORD } })).status, 204);
    assert.equal((await server.request('POST', '/api/password-reset/confirm', { body: { token, password: NEW_PASSWORD } })).body.code, 'token_used');
    for (const t of [person.token, other.body.token]) assert.equal((await server.request('GET', '/api/me', { token: t })).status, 401, 'old sessions end');
    assert.equal((await server.request('POST', '/api/login', { body: { email: person.user.email, password: TEST_PASSWORD } })).status, 401);
    assert.equal((await server.request('POST', '/api/login', { body: { email: person.user.email, password: NEW_PASSWORD } })).status, 200);
  });

  it('profile, password change and address change', async () => {
    const person = await server.signup('Profile');
    const second = (await server.request('POST', '/api/login', { body: { email: person.user.email, password: TEST_PASSWORD } })).body.token as string;
    const patched = await server.request('PATCH', '/api/me', { token: person.token, body: { name: 'Profile Renamed', language: 'en' } });
    assert.deepEqual([patched.body.user.name, patched.body.user.language], ['Profile Renamed', 'en']);
    assert.equal((await server.request('PATCH', '/api/me', { token: person.token, body: { language: 'fr' } })).body.code, 'validation_failed');

    const wrong = await server.request('PUT', '/api/me/password', { token: person.token, body: { current: 'not it at all', password: NEW_PASSWORD } });
    assert.deepEqual([wrong.status, wrong.body.code], [403, 'wrong_password']);
    assert.equal((await server.request('PUT', '/api/me/password', { token: person.token, body: { current: TEST_PASSWORD, password: NEW_PASSWORD } })).status, 204);
    assert.equal((await server.request('GET', '/api/me', { token: person.token })).status, 200, 'this session stays');
    assert.equal((await server.request('GET', '/api/me', { token: second })).status, 401, 'the other session ends');

    const since = sink.received.length;
    const newEmail = `moved-${++n}@example.test`;
    const change = await server.request('POST', '/api/me/email', { token: person.token, body: { email: newEmail, password: NEW_PASSWORD } });
    assert.deepEqual([change.status, change.body], [202, { pending_email: newEmail }]);
    assert.equal((await server.request('GET', '/api/me', { token: person.token })).body.user.email, person.user.email, 'not before the link is opened');
    const link = linkToken((await mailTo(newEmail, since)).text ?? '', 'verify-email');
    const mark = sink.received.length;
    assert.equal((await server.request('POST', '/api/email-verification/confirm', { body: { token: link } })).body.user.email, newEmail);
    const notice = await mailTo(person.user.email, mark);
    assert.equal(notice.subject, 'Your email address was changed');
    assert.match(notice.text ?? '', new RegExp(newEmail));
  });

  it('sessions: listed with their device, and one ends without the others', async () => {
    const person = await server.signup('Devices');
    const phone = await server.request('POST', '/api/login', { body: { email: person.user.email, password: TEST_PASSWORD }, headers: { 'user-agent': 'PhoneBrowser/1.0' } });
    const listed = await server.request('GET', '/api/me/sessions', { token: person.token });
    assert.equal(listed.body.sessions.length, 2);
    const phoneSession = listed.body.sessions.find((s: { user_agent: string | null }) => s.user_agent === 'PhoneBrowser/1.0');
    assert.ok(phoneSession && !phoneSession.current);
    assert.equal(listed.body.sessions.filter((s: { current: boolean }) => s.current).length, 1);
    const stranger = await server.signup('Stranger');
    assert.equal((await server.request('DELETE', `/api/me/sessions/${phoneSession.id}`, { token: stranger.token })).body.code, 'session_not_found', 'only your own');
    assert.equal((await server.request('DELETE', `/api/me/sessions/${phoneSession.id}`, { token: person.token })).status, 204);
    assert.equal((await server.request('GET', '/api/me', { token: phone.body.token })).status, 401);
    assert.equal((await server.request('GET', '/api/me', { token: person.token })).status, 200);
  });

  it('export holds the person’s data; leaving keeps their messages under a former member and ends sign-in', async () => {
    const owner = await server.signup('Keeper');
    const leaver: TestUser = await server.signup('Leaver');
    const group = await server.createGroup(owner);
    await server.addMember(owner, group.id, leaver);
    const room = await server.createRoom(owner, group.id);
    const posted = await server.request('POST', `/api/rooms/${room.id}/messages`, { token: leaver.token, body: { body: 'See you at practice', client_id: 'c-1' } });
    assert.equal(posted.status, 201, JSON.stringify(posted.body));

    const exported = await server.request('GET', '/api/me/export', { token: leaver.token });
    assert.equal(exported.status, 200);
    assert.equal(exported.body.profile.email, leaver.user.email);
    assert.deepEqual(exported.body.messages.map((m: { body: string }) => m.body), ['See you at practice']);
    assert.deepEqual(exported.body.memberships.map((m: { group_id: string; role: string }) => [m.group_id, m.role]), [[group.id, 'member']]);
    assert.ok(exported.body.sessions.length >= 1);

    // The only owner must hand the group over first: the error names the group.
    const blocked = await server.request('DELETE', '/api/me', { token: owner.token, body: { password: TEST_PASSWORD } });
    assert.deepEqual([blocked.status, blocked.body.code, blocked.body.groups], [409, 'sole_owner', [{ id: group.id, name: 'Class 3-B parents' }]]);
    assert.equal((await server.request('DELETE', '/api/me', { token: leaver.token, body: { password: 'wrong guess' } })).body.code, 'wrong_password');

    const since = sink.received.length;
    assert.equal((await server.request('DELETE', '/api/me', { token: leaver.token, body: { password: TEST_PASSWORD } })).status, 204);
    assert.equal((await mailTo(leaver.user.email, since)).subject, '退会が完了しました');
    assert.equal((await server.request('GET', '/api/me', { token: leaver.token })).status, 401);
    assert.equal((await server.request('POST', '/api/login', { body: { email: leaver.user.email, password: TEST_PASSWORD } })).status, 401);
    const members = await server.request('GET', `/api/groups/${group.id}/members`, { token: owner.token });
    assert.deepEqual(members.body.members.map((m: { user_id: string }) => m.user_id), [owner.user.id]);
    const history = await server.request('GET', `/api/rooms/${room.id}/messages`, { token: owner.token });
    assert.deepEqual(history.body.messages.map((m: { author_id: string; body: string }) => [m.author_id, m.body]), [[leaver.user.id, 'See you at practice']]);
    const gone = await server.app.store.users.findById(leaver.user.id);
    assert.equal(gone?.name, '', 'the name is erased: clients show “Former member”');
    assert.doesNotMatch(gone?.email ?? '', /example\.test/);
    // The address is free again for a new account.
    assert.equal((await server.request('POST', '/api/signup', { body: { email: leaver.user.email, password: TEST_PASSWORD, name: 'Back again' } })).status, 201);
  });
});

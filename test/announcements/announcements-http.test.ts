import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ReadLinks } from '../../src/announcements/read-link.ts';
import { LIMITS } from '../../src/config/limits.ts';
import type { TestUser } from '../support/test-server.ts';
import { HOUR, MINUTE, expectOk, openAnnouncementWorld, type AnnouncementWorld } from './announcement-fixture.ts';

describe('announcements over HTTP', () => {
  let w: AnnouncementWorld;
  before(async () => {
    w = await openAnnouncementWorld();
  });
  after(async () => {
    await w.stop();
  });

  const req = (method: string, path: string, who?: TestUser, body?: unknown) =>
    w.server.request(method, path, { ...(who ? { token: who.token } : {}), ...(body !== undefined ? { body } : {}) });
  const announce = async (who: TestUser, body: Record<string, unknown>) =>
    (await expectOk(req('POST', `/api/groups/${w.groupId}/announcements`, who, { title: '運動会のお知らせ', body: '10月1日（土）に運動会を行います。', ...body }))).announcement;
  const outbox = (key: string) => w.server.app.store.outbox.listByMessageKey(key);
  const statusOf = async (id: string) => expectOk(req('GET', `/api/announcements/${id}/status`, w.sender));
  const refused = async (pending: Promise<{ status: number; body: any }>, status: number, code: string) => {
    const res = await pending;
    assert.deepEqual([res.status, res.body?.code], [status, code], JSON.stringify(res.body));
    return res.body;
  };

  test('send now to everyone: one recipient row and one mail each, counts for the sender only', async () => {
    const a = await announce(w.sender, { answer: { type: 'attendance' }, deadline: w.clock.now() + 3 * 24 * HOUR });
    assert.equal(a.status, 'sent');
    assert.equal(a.sent_at, w.clock.now());
    assert.deepEqual(a.recipients, { all: true, subgroup_ids: [], user_ids: [] });
    assert.deepEqual(a.counts, { recipient_count: 4, read_count: 0, answered_count: 0 }, 'everyone but the author');
    assert.equal(a.me, undefined);
    const mails = await outbox(`ann:${a.id}:send`);
    assert.deepEqual(mails.map((m) => m.user_id).sort(), [w.owner, w.leader, w.memberA, w.memberB].map((u) => u.user.id).sort());
    for (const m of mails) {
      assert.equal(m.subject, `[Class 3-B parents] 運動会のお知らせ`);
      assert.match(m.text_body, /10月1日（土）に運動会を行います。/);
      assert.match(m.text_body, /\/r\/r1\./);
    }
    const seen = await expectOk(req('GET', `/api/announcements/${a.id}`, w.memberA));
    assert.deepEqual([seen.announcement.me, seen.announcement.counts], [{ read_at: null, answer: null, answered_at: null }, undefined]);
    assert.equal((await expectOk(req('GET', `/api/announcements/${a.id}`, w.memberA))).announcement.me.read_at, null, 'GET marks nothing');
    await refused(req('GET', `/api/announcements/${a.id}`, w.outsider), 403, 'not_member');
    await refused(req('GET', '/api/announcements/01NOSUCHANNOUNCEMENT000000', w.memberA), 404, 'announcement_not_found');
    await refused(req('GET', `/api/announcements/${a.id}`), 401, 'unauthenticated');
  });

  test('mail preference: "none" gets no announcement mail; email: false sends none at all', async () => {
    assert.deepEqual(await expectOk(req('GET', `/api/groups/${w.groupId}/me/mail`, w.memberB)), { delivery: 'each' });
    assert.deepEqual(await expectOk(req('PUT', `/api/groups/${w.groupId}/me/mail`, w.memberB, { delivery: 'none' })), { delivery: 'none' });
    assert.deepEqual(await expectOk(req('GET', `/api/groups/${w.groupId}/me/mail`, w.memberB)), { delivery: 'none' });
    const refusedValue = await refused(req('PUT', `/api/groups/${w.groupId}/me/mail`, w.memberB, { delivery: 'weekly' }), 400, 'validation_failed');
    assert.equal(refusedValue.field, 'delivery');
    await refused(req('PUT', `/api/groups/${w.groupId}/me/mail`, w.outsider, { delivery: 'none' }), 403, 'not_member');
    try {
      const a = await announce(w.sender, {});
      assert.ok(!(await outbox(`ann:${a.id}:send`)).some((m) => m.user_id === w.memberB.user.id));
      assert.equal((await outbox(`ann:${a.id}:send`)).length, 3);
      const quiet = await announce(w.sender, { email: false });
      assert.deepEqual(await outbox(`ann:${quiet.id}:send`), []);
      assert.equal((await statusOf(quiet.id)).recipient_count, 4, 'still delivered in the app');
    } finally {
      await expectOk(req('PUT', `/api/groups/${w.groupId}/me/mail`, w.memberB, { delivery: 'each' }));
    }
  });

  test('read, answer, change the answer: status and tally follow', async () => {
    const a = await announce(w.sender, { answer: { type: 'attendance' } });
    const read = await expectOk(req('POST', `/api/announcements/${a.id}/read`, w.memberA));
    assert.deepEqual(read, { me: { read_at: w.clock.now(), answer: null, answered_at: null } });
    assert.equal((await statusOf(a.id)).read_count, 1);
    await expectOk(req('PUT', `/api/announcements/${a.id}/answer`, w.memberA, { choice: 'yes' }));
    const changed = await expectOk(req('PUT', `/api/announcements/${a.id}/answer`, w.memberA, { choice: 'maybe', comment: '少し遅れます' }));
    assert.deepEqual(changed.me.answer, { type: 'attendance', choice: 'maybe', comment: '少し遅れます' });
    const b = await expectOk(req('PUT', `/api/announcements/${a.id}/answer`, w.memberB, { choice: 'no' }));
    assert.equal(b.me.read_at, w.clock.now(), 'answering also counts as reading');
    const status = await statusOf(a.id);
    assert.deepEqual(status.tally, { type: 'attendance', answered: 2, unanswered: 2, yes: 0, no: 1, maybe: 1 });
    assert.deepEqual([status.recipient_count, status.read_count, status.answered_count], [4, 2, 2]);
    assert.deepEqual(status.recipients.map((r: any) => [r.name, r.read_at !== null, r.answer?.choice ?? null]), [
      ['Aiko', true, 'maybe'], ['Ben', true, 'no'], ['Leader', false, null], ['Owner 代表', false, null],
    ]);
    for (const who of [w.owner, w.sender]) assert.equal((await req('GET', `/api/announcements/${a.id}/status`, who)).status, 200);
    const listed = await expectOk(req('GET', `/api/groups/${w.groupId}/announcements`, w.memberA));
    const mine = listed.announcements.find((x: any) => x.id === a.id);
    assert.deepEqual([mine.me.answer.choice, mine.counts], ['maybe', undefined]);
  });

  test('questionnaires and date polls are answered and tallied', async () => {
    const q = await announce(w.owner, {
      answer: { type: 'questionnaire', questions: [
        { text: 'お弁当', kind: 'single', options: ['あり', 'なし'], required: true },
        { text: 'Helpers', kind: 'multiple', options: ['setup', 'cleanup', 'photos'] },
        { text: 'Allergies', kind: 'text' },
      ] },
    });
    assert.deepEqual(q.answer.questions.map((x: any) => x.id), ['q1', 'q2', 'q3']);
    await expectOk(req('PUT', `/api/announcements/${q.id}/answer`, w.memberA, { answers: [0, [2, 0], 'そば'] }));
    await expectOk(req('PUT', `/api/announcements/${q.id}/answer`, w.memberB, { answers: [1, null, null] }));
    assert.deepEqual((await expectOk(req('GET', `/api/announcements/${q.id}/status`, w.owner))).tally, {
      type: 'questionnaire', answered: 2, unanswered: 2,
      questions: [{ id: 'q1', answered: 2, counts: [1, 1] }, { id: 'q2', answered: 1, counts: [1, 0, 1] }, { id: 'q3', answered: 1, counts: [] }],
    });
    const p = await announce(w.owner, { answer: { type: 'date_poll', slots: [{ start: w.clock.now() + 7 * 24 * HOUR, label: '土' }, { start: w.clock.now() + 8 * 24 * HOUR, label: '日' }] } });
    await expectOk(req('PUT', `/api/announcements/${p.id}/answer`, w.memberA, { slots: { s1: 'yes', s2: 'maybe' }, comment: 'どちらでも' }));
    const tally = (await expectOk(req('GET', `/api/announcements/${p.id}/status`, w.owner))).tally;
    assert.deepEqual(tally.slots, [{ id: 's1', yes: 1, no: 0, maybe: 0 }, { id: 's2', yes: 0, no: 0, maybe: 1 }]);
  });

  test('bad answers: wrong type, options that do not exist, not received, nothing asked, after the deadline', async () => {
    const a = await announce(w.sender, { answer: { type: 'attendance' }, deadline: w.clock.now() + 10 * MINUTE, recipients: { user_ids: [w.memberA.user.id] } });
    const answer = (who: TestUser, body: unknown) => req('PUT', `/api/announcements/${a.id}/answer`, who, body);
    assert.equal((await refused(answer(w.memberA, { answers: [0] }), 422, 'answer_invalid')).field, 'answers');
    assert.equal((await refused(answer(w.memberA, { choice: 5 }), 400, 'validation_failed')).field, 'choice');
    assert.equal((await refused(answer(w.memberA, { choice: 'perhaps' }), 400, 'validation_failed')).field, 'choice');
    assert.equal((await refused(answer(w.memberA, { slots: { s1: 'yes' } }), 422, 'answer_invalid')).field, 'slots');
    await refused(answer(w.sender, { choice: 'yes' }), 403, 'not_recipient');
    await refused(answer(w.owner, { choice: 'yes' }), 403, 'not_recipient');
    await refused(answer(w.memberB, { choice: 'yes' }), 404, 'announcement_not_found');
    await refused(answer(w.outsider, { choice: 'yes' }), 403, 'not_member');
    await refused(req('POST', `/api/announcements/${a.id}/read`, w.sender), 403, 'not_recipient');

    const q = await announce(w.sender, { answer: { type: 'questionnaire', questions: [{ text: 'Pick', kind: 'single', options: ['a', 'b'] }] } });
    assert.equal((await refused(req('PUT', `/api/announcements/${q.id}/answer`, w.memberA, { answers: [2] }), 422, 'answer_invalid')).field, 'answers.0');
    assert.equal((await refused(req('PUT', `/api/announcements/${q.id}/answer`, w.memberA, { answers: [[0]] }), 422, 'answer_invalid')).field, 'answers.0');
    const plain = await announce(w.sender, {});
    await refused(req('PUT', `/api/announcements/${plain.id}/answer`, w.memberA, { choice: 'yes' }), 422, 'answer_invalid');

    await expectOk(answer(w.memberA, { choice: 'yes' }));
    w.clock.advance(10 * MINUTE);
    const late = await refused(answer(w.memberA, { choice: 'no' }), 409, 'deadline_passed');
    assert.equal(late.deadline, a.deadline);
    assert.equal((await statusOf(a.id)).recipients[0].answer.choice, 'yes', 'the answer given in time stands');
  });

  test('status, CSV and reminders are for senders: a member is refused', async () => {
    const a = await announce(w.sender, {});
    for (const [method, path] of [['GET', 'status'], ['GET', 'status.csv'], ['POST', 'remind']] as const) {
      await refused(req(method, `/api/announcements/${a.id}/${path}`, w.memberA), 403, 'forbidden');
    }
    // A sub-group leader sees the status of their own announcements only.
    await refused(req('GET', `/api/announcements/${a.id}/status`, w.leader), 403, 'forbidden');
  });

  test('CSV export: UTF-8 with BOM, RFC 4180, formula-safe, times in the asked zone', async () => {
    const a = await announce(w.sender, { answer: { type: 'attendance' } });
    await expectOk(req('PUT', `/api/announcements/${a.id}/answer`, w.memberA, { choice: 'yes', comment: '=1+2, "quoted"' }));
    const res = await fetch(`${w.server.url}/api/announcements/${a.id}/status.csv?tz=Asia/Tokyo`, { headers: { authorization: `Bearer ${w.sender.token}` } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="announcement-.*-status\.csv"$/);
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a BOM');
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    const tokyo = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo', dateStyle: 'short', timeStyle: 'short' }).format(new Date(w.clock.now()));
    assert.deepEqual(lines.slice(0, 3), [
      'name,read,read_at,answered_at,answer,comment',
      `Aiko,○,${tokyo},${tokyo},○,"'=1+2, ""quoted"""`,
      'Ben,,,,,',
    ]);
    await refused(req('GET', `/api/announcements/${a.id}/status.csv?tz=Mars/Base`, w.sender), 400, 'validation_failed');
  });

  test('scheduling: refused in the past; scheduled, edited, then sent by PATCH; recipients see nothing before', async () => {
    const now = w.clock.now();
    await refused(req('POST', `/api/groups/${w.groupId}/announcements`, w.sender, { title: 't', body: 'b', send_at: now - 1 }), 422, 'send_at_in_past');
    await refused(req('POST', `/api/groups/${w.groupId}/announcements`, w.sender, { title: 't', body: 'b', send_at: now }), 422, 'send_at_in_past');
    await refused(req('POST', `/api/groups/${w.groupId}/announcements`, w.sender, { title: 't', body: 'b', answer: { type: 'attendance' }, send_at: now + HOUR, deadline: now + 30 * MINUTE }), 422, 'deadline_invalid');
    await refused(req('POST', `/api/groups/${w.groupId}/announcements`, w.sender, { title: 't', body: 'b', deadline: now + HOUR }), 422, 'deadline_invalid');
    await refused(req('POST', `/api/groups/${w.groupId}/announcements`, w.sender, { title: 'two\nlines', body: 'b' }), 400, 'validation_failed');
    await refused(req('POST', `/api/groups/${w.groupId}/announcements`, w.sender, { title: 't', body: '   ' }), 422, 'body_empty');

    const a = await announce(w.sender, { send_at: now + HOUR });
    assert.deepEqual([a.status, a.send_at, a.sent_at], ['scheduled', now + HOUR, null]);
    await refused(req('GET', `/api/announcements/${a.id}`, w.memberA), 404, 'announcement_not_found');
    const listA = await expectOk(req('GET', `/api/groups/${w.groupId}/announcements`, w.memberA));
    assert.ok(!listA.announcements.some((x: any) => x.id === a.id));
    await refused(req('POST', `/api/announcements/${a.id}/remind`, w.sender), 409, 'announcement_not_sent');
    await refused(req('PATCH', `/api/announcements/${a.id}`, w.sender, { send_at: now - 5 }), 422, 'send_at_in_past');
    const edited = await expectOk(req('PATCH', `/api/announcements/${a.id}`, w.owner, { title: '変更: 雨天延期', send_at: now + 2 * HOUR }));
    assert.deepEqual([edited.announcement.title, edited.announcement.status, edited.announcement.send_at], ['変更: 雨天延期', 'scheduled', now + 2 * HOUR]);
    await refused(req('PATCH', `/api/announcements/${a.id}`, w.memberA, { title: 'x' }), 404, 'announcement_not_found');
    const sent = await expectOk(req('PATCH', `/api/announcements/${a.id}`, w.sender, { send_at: null }));
    assert.deepEqual([sent.announcement.status, sent.announcement.sent_at], ['sent', w.clock.now()]);
    assert.equal((await expectOk(req('GET', `/api/announcements/${a.id}`, w.memberA))).announcement.title, '変更: 雨天延期');
    await refused(req('PATCH', `/api/announcements/${a.id}`, w.sender, { title: 'too late' }), 409, 'announcement_sent');
    await refused(req('DELETE', `/api/announcements/${a.id}`, w.sender), 409, 'announcement_sent');
  });

  test('drafts: kept, seen by the author and owners only, sent by draft: false, or cancelled', async () => {
    const d = await announce(w.sender, { draft: true, answer: { type: 'attendance' } });
    assert.deepEqual([d.status, d.sent_at], ['draft', null]);
    await refused(req('GET', `/api/announcements/${d.id}`, w.memberA), 404, 'announcement_not_found');
    assert.equal((await req('GET', `/api/announcements/${d.id}`, w.owner)).status, 200);
    assert.ok((await expectOk(req('GET', `/api/groups/${w.groupId}/announcements`, w.owner))).announcements.some((x: any) => x.id === d.id));
    const still = await expectOk(req('PATCH', `/api/announcements/${d.id}`, w.sender, { body: '本文を直しました' }));
    assert.equal(still.announcement.status, 'draft');
    const out = await expectOk(req('PATCH', `/api/announcements/${d.id}`, w.sender, { draft: false }));
    assert.equal(out.announcement.status, 'sent');
    assert.equal((await outbox(`ann:${d.id}:send`)).length, 4);

    const gone = await announce(w.sender, { draft: true });
    await refused(req('DELETE', `/api/announcements/${gone.id}`, w.memberA), 404, 'announcement_not_found');
    assert.equal((await req('DELETE', `/api/announcements/${gone.id}`, w.sender)).status, 204);
    await refused(req('GET', `/api/announcements/${gone.id}`, w.sender), 404, 'announcement_not_found');
    const scheduled = await announce(w.sender, { send_at: w.clock.now() + HOUR });
    assert.equal((await req('DELETE', `/api/announcements/${scheduled.id}`, w.owner)).status, 204, 'an owner cancels anyone\'s');
  });

  test('sub-group leaders announce to their sub-group only; recipients are checked', async () => {
    const a = await announce(w.leader, { recipients: { subgroup_ids: [w.subgroupId] } });
    assert.equal(a.status, 'sent');
    assert.deepEqual((await expectOk(req('GET', `/api/announcements/${a.id}/status`, w.leader))).recipients.map((r: any) => r.user_id), [w.memberA.user.id]);
    await refused(req('GET', `/api/announcements/${a.id}`, w.memberB), 404, 'announcement_not_found');
    const post = (who: TestUser, recipients: unknown) => req('POST', `/api/groups/${w.groupId}/announcements`, who, { title: 't', body: 'b', recipients });
    await refused(post(w.leader, { all: true }), 403, 'forbidden');
    await refused(post(w.leader, undefined), 403, 'forbidden');
    await refused(post(w.leader, { subgroup_ids: [w.otherSubgroupId] }), 403, 'forbidden');
    await refused(post(w.leader, { subgroup_ids: [w.subgroupId], user_ids: [w.memberB.user.id] }), 403, 'forbidden');
    await refused(post(w.memberA, { user_ids: [w.memberB.user.id] }), 403, 'forbidden');
    await refused(post(w.outsider, { all: true }), 403, 'not_member');
    await refused(post(w.sender, { subgroup_ids: ['01NOSUCHSUBGROUP0000000000'] }), 422, 'recipients_invalid');
    await refused(post(w.sender, { user_ids: [w.outsider.user.id] }), 422, 'recipients_invalid');
    await refused(post(w.sender, { user_ids: [w.sender.user.id] }), 422, 'recipients_invalid');
    await refused(post(w.sender, { all: false }), 422, 'recipients_invalid');
    await refused(post(w.sender, { all: true, user_ids: [w.memberA.user.id] }), 422, 'recipients_invalid');

    const draft = await announce(w.leader, { draft: true, recipients: { subgroup_ids: [w.subgroupId] } });
    await expectOk(req('PUT', `/api/subgroups/${w.subgroupId}/members/${w.leader.user.id}`, w.owner, { leader: false }));
    try {
      await refused(req('PATCH', `/api/announcements/${draft.id}`, w.leader, { draft: false }), 403, 'forbidden');
      assert.equal((await expectOk(req('GET', `/api/announcements/${draft.id}`, w.leader))).announcement.status, 'draft', 'no longer a leader: the draft cannot go out');
    } finally {
      await expectOk(req('PUT', `/api/subgroups/${w.subgroupId}/members/${w.leader.user.id}`, w.owner, { leader: true }));
    }
  });

  test('lists page newest first and show each viewer only what they may see', async () => {
    const toA = await announce(w.sender, { recipients: { user_ids: [w.memberA.user.id] } });
    const toB = await announce(w.sender, { recipients: { user_ids: [w.memberB.user.id] } });
    const idsFor = async (who: TestUser, query = '') =>
      (await expectOk(req('GET', `/api/groups/${w.groupId}/announcements${query}`, who))).announcements.map((x: any) => x.id);
    const forA = await idsFor(w.memberA);
    assert.ok(forA.includes(toA.id) && !forA.includes(toB.id));
    const forSender = await idsFor(w.owner);
    assert.deepEqual(forSender.slice(0, 2), [toB.id, toA.id]);
    assert.deepEqual(await idsFor(w.owner, '?limit=1'), [toB.id]);
    assert.deepEqual((await idsFor(w.owner, `?before=${toB.id}&limit=1`)), [toA.id]);
    await refused(req('GET', `/api/groups/${w.groupId}/announcements?limit=0`, w.owner), 400, 'validation_failed');
    await refused(req('GET', `/api/groups/${w.groupId}/announcements`, w.outsider), 403, 'not_member');
  });

  test('remind unread now: mails the unread, at most once per interval', async () => {
    const a = await announce(w.sender, {});
    await expectOk(req('POST', `/api/announcements/${a.id}/read`, w.memberA));
    assert.deepEqual(await expectOk(req('POST', `/api/announcements/${a.id}/remind`, w.sender)), { reminded: 3 });
    const mails = await outbox(`ann:${a.id}:remind-now:${w.clock.now()}`);
    assert.deepEqual(mails.map((m) => m.user_id).sort(), [w.owner, w.leader, w.memberB].map((u) => u.user.id).sort());
    assert.match(mails[0]!.subject, /^【再送】/);
    const again = await refused(req('POST', `/api/announcements/${a.id}/remind`, w.owner), 429, 'rate_limited');
    assert.equal(again.retry_after_ms, LIMITS.manualRemindMinIntervalMs);
  });

  test('read links: following one marks it read and lands on the announcement; forged or expired ones mark nothing', async () => {
    const a = await announce(w.sender, {});
    const mailToA = (await outbox(`ann:${a.id}:send`)).find((m) => m.user_id === w.memberA.user.id)!;
    const link = /http\S+\/r\/(\S+)/.exec(mailToA.text_body)!;
    const token = link[1]!;
    const follow = (t: string) => fetch(`${w.server.url}/r/${encodeURIComponent(t)}`, { redirect: 'manual' });
    const readOf = async (who: TestUser) => (await statusOf(a.id)).recipients.find((r: any) => r.user_id === who.user.id).read_at;

    const secret = readFileSync(join(w.server.dataDir, 'secret'), 'utf8').trim();
    const expired = new ReadLinks(secret, LIMITS.readLinkTtlMs, () => w.clock.now() - LIMITS.readLinkTtlMs - 1).mint(a.id, w.memberB.user.id);
    const res410 = await follow(expired);
    assert.deepEqual([res410.status, (await res410.json()).code], [410, 'read_link_expired']);
    const [v, id, , exp, sig] = token.split('.');
    const forged = await follow([v, id, w.memberB.user.id, exp, sig].join('.'));
    assert.deepEqual([forged.status, (await forged.json()).code], [400, 'read_link_invalid']);
    assert.equal(forged.headers.get('content-type'), 'application/json; charset=utf-8');
    const garbage = await follow('not-a-token');
    assert.equal(garbage.status, 400);
    assert.equal(await readOf(w.memberB), null, 'nothing marked');

    const res = await follow(token);
    assert.equal(res.status, 303);
    assert.match(res.headers.get('location') ?? '', new RegExp(`^http://localhost:\\d+/#/announcements/${a.id}$`), 'RENRAKU_PUBLIC_URL + the page');
    assert.equal(await readOf(w.memberA), w.clock.now());
    assert.equal((await follow(token)).status, 303, 'following it again is fine');
  });

  test('times past what a Date holds (or before 2000) are refused, nothing is stored or mailed', async () => {
    const listed = async () => (await expectOk(req('GET', `/api/groups/${w.groupId}/announcements`, w.owner))).announcements.length;
    const before = await listed();
    const field = async (body: Record<string, unknown>) =>
      (await refused(req('POST', `/api/groups/${w.groupId}/announcements`, w.sender, { title: 'Far away', body: 'x', ...body }), 400, 'validation_failed')).field;
    assert.equal(await field({ answer: { type: 'attendance' }, deadline: 9e15 }), 'deadline');
    assert.equal(await field({ send_at: 9e15 }), 'send_at');
    assert.equal(await field({ send_at: Date.UTC(1999, 11, 31) }), 'send_at');
    assert.equal(await field({ answer: { type: 'date_poll', slots: [{ start: 9e15 }] } }), 'answer.slots.0.start');
    assert.equal(await field({ answer: { type: 'date_poll', slots: [{ start: w.clock.now(), end: 9e15 }] } }), 'answer.slots.0.end');
    assert.equal(await listed(), before, 'nothing stored');
    const draft = await announce(w.sender, { draft: true, answer: { type: 'attendance' } });
    await refused(req('PATCH', `/api/announcements/${draft.id}`, w.sender, { deadline: 9e15, draft: false }), 400, 'validation_failed');
    assert.equal((await expectOk(req('GET', `/api/announcements/${draft.id}`, w.sender))).announcement.status, 'draft');
    assert.deepEqual(await outbox(`ann:${draft.id}:send`), []);
  });

  test('a read link of someone removed from the group since marks nothing', async () => {
    const leaving = await w.server.signup('Leaving');
    await w.server.addMember(w.owner, w.groupId, leaving);
    const a = await announce(w.sender, {});
    const mail = (await outbox(`ann:${a.id}:send`)).find((m) => m.user_id === leaving.user.id)!;
    const token = /http\S+\/r\/(\S+)/.exec(mail.text_body)![1]!;
    assert.equal((await req('DELETE', `/api/groups/${w.groupId}/members/${leaving.user.id}`, w.owner)).status, 204);
    const res = await fetch(`${w.server.url}/r/${encodeURIComponent(token)}`, { redirect: 'manual' });
    assert.deepEqual([res.status, (await res.json()).code], [403, 'not_member']);
    const row = (await statusOf(a.id)).recipients.find((r: any) => r.user_id === leaving.user.id);
    assert.equal(row.read_at, null, 'nothing marked');
  });

  test('every announcement route is in the OpenAPI document', async () => {
    const doc = await expectOk(req('GET', '/api/openapi.json'));
    const expected: [string, string][] = [
      ['/api/groups/{id}/announcements', 'post'], ['/api/groups/{id}/announcements', 'get'], ['/api/announcements/{id}', 'get'],
      ['/api/announcements/{id}', 'patch'], ['/api/announcements/{id}', 'delete'], ['/api/announcements/{id}/read', 'post'],
      ['/api/announcements/{id}/answer', 'put'], ['/api/announcements/{id}/status', 'get'], ['/api/announcements/{id}/status.csv', 'get'],
      ['/api/announcements/{id}/remind', 'post'], ['/r/{token}', 'get'], ['/api/groups/{id}/me/mail', 'get'], ['/api/groups/{id}/me/mail', 'put'],
      ['/api/groups/{id}/attachments', 'post'], ['/api/attachments/{id}', 'get'],
    ];
    for (const [path, method] of expected) assert.ok(doc.paths[path]?.[method], `${method.toUpperCase()} ${path} documented`);
  });
});

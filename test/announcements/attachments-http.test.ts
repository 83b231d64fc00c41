import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LIMITS } from '../../src/config/limits.ts';
import type { TestUser } from '../support/test-server.ts';
import { HOUR, expectOk, openAnnouncementWorld, type AnnouncementWorld } from './announcement-fixture.ts';

describe('announcement attachments over HTTP', () => {
  let w: AnnouncementWorld;
  before(async () => {
    w = await openAnnouncementWorld();
  });
  after(async () => {
    await w.stop();
  });

  const PDF = Buffer.from('%PDF-1.4\n% 運動会のしおり\n%%EOF\n', 'utf8');

  async function upload(who: TestUser, data: Buffer, contentType: string, filename?: string) {
    const res = await fetch(`${w.server.url}/api/groups/${w.groupId}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${who.token}`, 'content-type': contentType, ...(filename ? { 'x-filename': encodeURIComponent(filename) } : {}) },
      body: new Uint8Array(data),
    });
    return { status: res.status, body: await res.json() as any };
  }
  const download = (who: TestUser, id: string) => fetch(`${w.server.url}/api/attachments/${id}`, { headers: { authorization: `Bearer ${who.token}` } });
  const announce = async (who: TestUser, body: Record<string, unknown>) => w.server.request('POST', `/api/groups/${w.groupId}/announcements`, { token: who.token, body: { title: 'しおり', body: '添付をご覧ください。', ...body } });

  test('upload, attach, and download by recipients with the Japanese file name intact', async () => {
    const up = await upload(w.sender, PDF, 'application/pdf', 'しおり 2026.pdf');
    assert.equal(up.status, 201);
    assert.deepEqual({ ...up.body.attachment, id: 'x' }, { id: 'x', filename: 'しおり 2026.pdf', content_type: 'application/pdf', size: PDF.length, url: `/api/attachments/${up.body.attachment.id}` });
    const id = up.body.attachment.id;
    assert.ok(existsSync(join(w.server.dataDir, 'uploads', id)), 'stored under <dataDir>/uploads/');

    const other = await download(w.owner, id);
    assert.equal(other.status, 404, 'before it is attached, only its uploader may fetch it');
    assert.equal((await download(w.sender, id)).status, 200);

    const a = await expectOk(announce(w.sender, { recipients: { subgroup_ids: [w.subgroupId] }, attachment_ids: [id] }));
    assert.deepEqual(a.announcement.attachments.map((x: any) => [x.id, x.filename]), [[id, 'しおり 2026.pdf']]);
    const res = await download(w.memberA, id);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="___ 2026.pdf"; filename*=UTF-8''${encodeURIComponent('しおり 2026.pdf')}`);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), PDF);
    for (const who of [w.owner, w.leader]) assert.equal((await download(who, id)).status, 200, 'senders and recipients');
    const notReceived = await download(w.memberB, id);
    assert.deepEqual([notReceived.status, (await notReceived.json() as any).code], [404, 'attachment_not_found']);
    const outsider = await download(w.outsider, id);
    assert.deepEqual([outsider.status, (await outsider.json() as any).code], [403, 'not_member']);
    assert.equal((await download(w.memberA, '01NOSUCHATTACHMENT00000000')).status, 404);

    const taken = await announce(w.sender, { attachment_ids: [id] });
    assert.deepEqual([taken.status, taken.body.code], [404, 'attachment_not_found'], 'one announcement per upload');
  });

  test('refused types, sizes and uploaders', async () => {
    for (const type of ['text/html', 'image/svg+xml', 'application/x-msdownload', 'application/octet-stream']) {
      const res = await upload(w.sender, Buffer.from('<script>alert(1)</script>'), type, 'x');
      assert.deepEqual([res.status, res.body.code], [415, 'attachment_type_refused'], type);
      assert.ok(res.body.allowed.includes('application/pdf'));
    }
    const json = await upload(w.sender, Buffer.from('{"a":1}'), 'application/json');
    assert.deepEqual([json.status, json.body.code], [415, 'attachment_type_refused']);

    const tooBig = await upload(w.sender, Buffer.alloc(LIMITS.maxAttachmentBytes + 1, 0x41), 'text/plain', 'big.txt');
    assert.deepEqual([tooBig.status, tooBig.body.code], [413, 'attachment_too_large']);
    const atLimit = await upload(w.sender, Buffer.alloc(LIMITS.maxAttachmentBytes, 0x41), 'text/plain; charset=utf-8', 'exact.txt');
    assert.deepEqual([atLimit.status, atLimit.body.attachment.content_type, atLimit.body.attachment.size], [201, 'text/plain', LIMITS.maxAttachmentBytes]);
    const empty = await upload(w.sender, Buffer.alloc(0), 'text/plain');
    assert.equal(empty.status, 400);

    const byMember = await upload(w.memberA, PDF, 'application/pdf', 'x.pdf');
    assert.deepEqual([byMember.status, byMember.body.code], [403, 'forbidden']);
    const byLeader = await upload(w.leader, PDF, 'application/pdf', '../../etc/passwd');
    assert.deepEqual([byLeader.status, byLeader.body.attachment.filename], [201, 'passwd']);

    const someoneElses = await announce(w.owner, { attachment_ids: [byLeader.body.attachment.id] });
    assert.deepEqual([someoneElses.status, someoneElses.body.code], [404, 'attachment_not_found']);
    const tooMany = await announce(w.sender, { attachment_ids: Array.from({ length: LIMITS.maxAttachmentsPerAnnouncement + 1 }, (_, i) => `01ATTACHMENT${String(i).padStart(14, '0')}`) });
    assert.deepEqual([tooMany.status, tooMany.body.field], [400, 'attachment_ids']);
  });

  test('uploads no announcement claims are deleted after a day, file and row', async () => {
    const up = await upload(w.sender, PDF, 'application/pdf', 'forgotten.pdf');
    const id = up.body.attachment.id;
    await w.advance(25 * HOUR);
    assert.equal((await download(w.sender, id)).status, 404);
    assert.ok(!existsSync(join(w.server.dataDir, 'uploads', id)));
  });
});

import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { ParsedMail } from 'mailparser';
import { collect, connect, disconnect, join as joinChannel } from '../support/phoenix-helpers.ts';
import { parseMail } from '../support/smtp-sink.ts';
import { openListWorld, smtpDialog, type ListWorld } from './list-world.ts';

const run = promisify(execFile);

/** The newest mail the relay got whose subject ends with `subject`. */
async function lastMail(world: ListWorld, subject: string): Promise<ParsedMail> {
  for (const received of [...world.sink.received].reverse()) {
    const mail = await parseMail(received);
    if (mail.subject?.endsWith(subject)) return mail;
  }
  throw new Error(`no mail with the subject ${subject}`);
}

/** swaks is a real SMTP client from Debian; CI installs it (.ci/run), elsewhere its absence is said loudly. */
function swaksOrSkip(): { skip: string | false } {
  try {
    execFileSync('swaks', ['--version'], { stdio: 'ignore' });
    return { skip: false };
  } catch {
    const message = 'swaks is not installed: skipping the swaks tests (apt-get install swaks)';
    if (process.env.CI === 'true') throw new Error(`${message} — refused on CI`);
    console.warn(`\n${'!'.repeat(message.length + 8)}\n!!! ${message} !!!\n${'!'.repeat(message.length + 8)}\n`);
    return { skip: message };
  }
}

describe('list content: swaks, Japanese, HTML, attachments, live in the app, one-click unsubscribe', () => {
  let world: ListWorld;
  let files: string;
  before(async () => {
    world = await openListWorld({ memberCount: 1 });
    files = mkdtempSync(join(tmpdir(), 'renraku-list-files-'));
  });
  after(async () => {
    await world?.close();
    rmSync(files, { recursive: true, force: true });
  });

  it('swaks posts to the list, with a PDF attachment kept with the post', swaksOrSkip(), async () => {
    const pdf = join(files, 'minutes.pdf');
    writeFileSync(pdf, '%PDF-1.4\n% minutes of the meeting\n%%EOF\n');
    const sent = world.sink.received.length;
    const { stdout } = await run('swaks', [
      '--server', `127.0.0.1:${world.smtpPort}`, '--from', world.owner.user.email, '--to', world.address,
      '--header', 'Subject: Minutes', '--header', 'Message-Id: <swaks-1@example.test>', '--body', 'The minutes are attached.',
      '--attach-type', 'application/pdf', '--attach-name', 'minutes.pdf', '--attach', `@${pdf}`,
    ]);
    assert.match(stdout, /<- +250 2\.0\.0 Accepted as /);
    await world.processed();
    assert.match((await world.roomMessages()).at(-1)!.body, /^Minutes\n\nThe minutes are attached\./);
    await world.sink.waitForReceived(sent + 2);
    const mail = await lastMail(world, 'Minutes');
    const link = /\/api\/list-attachments\/([0-9A-Z]{26})/.exec(String(mail.text));
    assert.ok(link, `the mail links the attachment: ${mail.text}`);
    const download = await fetch(`${world.server.url}/api/list-attachments/${link[1]}`, { headers: { authorization: `Bearer ${world.members[0]!.token}` } });
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-type'), 'application/pdf');
    assert.equal(await download.text(), '%PDF-1.4\n% minutes of the meeting\n%%EOF\n');
    const outsider = await world.server.signup('Outsider');
    assert.equal((await fetch(`${world.server.url}/api/list-attachments/${link[1]}`, { headers: { authorization: `Bearer ${outsider.token}` } })).status, 404);
  });

  it('attachments outside the app\'s limits (type) are not kept, and the post says so', async () => {
    const sent = world.sink.received.length;
    await world.send({
      from: world.owner.user.email, to: world.address, subject: 'Program', text: 'Run this.', messageId: '<exe-1@example.test>',
      attachments: [{ filename: 'setup.exe', content: Buffer.from('MZ...'), contentType: 'application/x-msdownload' }, { filename: 'page.html', content: '<script>x</script>', contentType: 'text/html' }],
    });
    await world.processed();
    assert.equal((await world.roomMessages()).at(-1)!.body, 'Program\n\nRun this.\n\n[Not kept / 保存されなかった添付ファイル: setup.exe, page.html]');
    await world.sink.waitForReceived(sent + 2);
  });

  it('swaks is refused at RCPT for an address that is not ours', swaksOrSkip(), async () => {
    const result = await run('swaks', ['--server', `127.0.0.1:${world.smtpPort}`, '--from', world.owner.user.email, '--to', 'victim@example.com', '--body', 'relay me'])
      .then(() => undefined, (err: { stdout: string; code: number }) => err);
    assert.ok(result, 'swaks fails');
    assert.match(result.stdout, /<\*\* +550 5\.1\.1/);
  });

  it('a Japanese post (UTF-8 base64 body, encoded-word subject) arrives intact in the app and in members\' mail', async () => {
    const sent = world.sink.received.length;
    const subject = '運動会のお知らせ（雨天時）';
    const text = '保護者の皆様へ\n\n雨天の場合は体育館で行います。○×△でお答えください。\n🌧️';
    await world.send({ from: `"山田 花子" <${world.owner.user.email}>`, to: world.address, subject, text, textEncoding: 'base64', messageId: '<ja-1@example.test>' });
    await world.processed();
    assert.equal((await world.roomMessages()).at(-1)!.body, `${subject}\n\n${text}`);
    await world.sink.waitForReceived(sent + 2);
    const mail = await lastMail(world, subject);
    assert.equal(mail.subject, `[${world.group.slug}] ${subject}`);
    assert.ok(String(mail.text).startsWith(text), String(mail.text));
    assert.deepEqual(mail.from?.value, [{ address: world.address, name: '山田 花子 via Class 3-B parents' }]);
  });

  it('an ISO-2022-JP post arrives as the same text', async () => {
    // 「連絡です」 in ISO-2022-JP: ESC $ B ... ESC ( B, written out as bytes.
    const body = Buffer.concat([Buffer.from('\x1b$B'), Buffer.from('O"Mm$G$9', 'latin1'), Buffer.from('\x1b(B\r\n')]);
    const subject = '=?ISO-2022-JP?B?GyRCTyJNbSRHJDkbKEI=?=';
    const raw = Buffer.concat([
      Buffer.from(`From: ${world.owner.user.email}\r\nTo: ${world.address}\r\nSubject: ${subject}\r\nMessage-ID: <iso-1@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\nContent-Transfer-Encoding: 7bit\r\n\r\n`),
      body,
      Buffer.from('.\r\n'),
    ]);
    const sent = world.sink.received.length;
    const replies = await smtpDialog(world.smtpPort, ['EHLO client.test', `MAIL FROM:<${world.owner.user.email}>`, `RCPT TO:<${world.address}>`, 'DATA', raw]);
    assert.match(replies.at(-1)!, /^250 /);
    await world.processed();
    assert.equal((await world.roomMessages()).at(-1)!.body, '連絡です\n\n連絡です');
    await world.sink.waitForReceived(sent + 2);
    assert.equal((await lastMail(world, '連絡です')).text?.trim().split('\n')[0], '連絡です', 'members get it as the same text (UTF-8)');
  });

  it('HTML is sanitized before anyone sees it (moderation queue and members\' mail)', async () => {
    const { owner, server } = world;
    const html = '<p onclick="steal()">Hello <b>all</b><script>alert(1)</script><img src="javascript:x"><a href="javascript:evil()">x</a><a href="https://example.org/">ok</a></p><iframe src="https://evil.test"></iframe>';
    await world.send({ from: 'guest@elsewhere.test', to: world.address, subject: 'HTML', html, messageId: '<html-1@example.test>' });
    await world.processed();
    const held = (await server.request('GET', `/api/groups/${world.group.id}/list/moderation`, { token: owner.token })).body.posts;
    const post = held.find((p: { subject: string }) => p.subject === 'HTML');
    assert.ok(post);
    for (const bad of ['<script', 'onclick', 'javascript:', '<iframe', 'alert(1)']) assert.ok(!post.html_body.includes(bad), `${bad} removed: ${post.html_body}`);
    assert.match(post.html_body, /<b>all<\/b>/);
    assert.match(post.html_body, /<a href="https:\/\/example\.org\/" rel="noopener noreferrer" target="_blank">ok<\/a>/);
    const sent = world.sink.received.length;
    assert.equal((await server.request('POST', `/api/list-posts/${post.id}/approve`, { token: owner.token })).status, 200);
    await world.sink.waitForReceived(sent + 2);
    const mail = await lastMail(world, 'HTML');
    assert.ok(typeof mail.html === 'string' && !mail.html.includes('<script') && mail.html.includes('<b>all</b>'));
    const messages = await world.roomMessages();
    assert.match(messages.at(-1)!.body, /^✉ guest@elsewhere\.test <guest@elsewhere\.test>\nHTML\n\nHello all/, 'an approved outsider\'s post says who wrote it');
  });

  it('a post appears live in the app: a phoenix client joined to the list room gets it', async () => {
    const { list } = (await world.server.request('GET', `/api/groups/${world.group.id}/list`, { token: world.members[0]!.token })).body;
    const socket = connect(world.server.wsUrl, world.members[0]!.socketToken, 'websocket');
    try {
      const channel = socket.channel(`room:${list.room_id}`, {});
      const msgs = collect(channel, 'msg');
      await joinChannel(channel);
      const sent = world.sink.received.length;
      await world.send({ from: world.owner.user.email, to: world.address, subject: 'Live', text: 'Now.', messageId: '<live-1@example.test>' });
      const [msg] = await msgs.waitFor((items) => items.length >= 1);
      assert.equal(msg.body, 'Live\n\nNow.');
      assert.equal(msg.author_id, world.owner.user.id);
      await world.sink.waitForReceived(sent + 2);
    } finally {
      await disconnect(socket);
    }
  });

  it('one-click unsubscribe (RFC 8058): GET only shows, POST with List-Unsubscribe=One-Click stops list mail', async () => {
    const member = world.members[0]!;
    const mail = world.sink.received.filter((m) => m.to.includes(member.user.email)).at(-1)!;
    const unfolded = mail.raw.toString('latin1').replace(/\r\n[ \t]+/g, ' ');
    const url = /^List-Unsubscribe: <([^>]+)>/m.exec(unfolded)![1]!;
    const path = new URL(url).pathname;
    const shown = await fetch(`${world.server.url}${path}`);
    assert.equal(shown.status, 200);
    assert.match(await shown.text(), /<form method="post">/);
    assert.equal((await world.server.request('GET', `/api/groups/${world.group.id}/list/me`, { token: member.token })).body.delivery, 'each', 'GET changed nothing');

    const forged = await fetch(`${world.server.url}${path.slice(0, -3)}AAA`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    assert.equal(forged.status, 400);
    assert.equal((await forged.json()).code, 'unsubscribe_link_invalid');
    const wrongBody = await fetch(`${world.server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'something=else' });
    assert.equal(wrongBody.status, 400);

    const done = await fetch(`${world.server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    assert.equal(done.status, 200);
    assert.equal((await world.server.request('GET', `/api/groups/${world.group.id}/list/me`, { token: member.token })).body.delivery, 'none');

    const sent = world.sink.received.length;
    await world.send({ from: world.owner.user.email, to: world.address, subject: 'After', text: 'Not for the unsubscribed.', messageId: '<after-unsub@example.test>' });
    await world.processed();
    await world.sink.waitForReceived(sent + 1);
    assert.deepEqual(world.sink.received.slice(sent).flatMap((m) => m.to), [world.owner.user.email]);
  });
});

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { LIST_DOMAIN, openListWorld, smtpDialog, type ListWorld } from '../lists/list-world.ts';

/** A message the owner sends to the list (the owner may post, so anything not refused or dropped is published). */
function message(world: ListWorld, opts: { headers?: string[]; body?: string; from?: string | null; id: string }): string {
  const lines = [
    ...(opts.from === null ? [] : [`From: ${opts.from ?? world.owner.user.email}`]),
    `To: ${world.address}`,
    `Subject: test ${opts.id}`,
    `Message-ID: <${opts.id}@example.test>`,
    ...(opts.headers ?? []),
    '',
    opts.body ?? `Body of ${opts.id}.`,
  ];
  return `${lines.join('\r\n')}\r\n.\r\n`;
}

function transaction(world: ListWorld, data: string | Buffer, to = world.address): Array<string | Buffer> {
  return ['EHLO client.test', `MAIL FROM:<${world.owner.user.email}>`, `RCPT TO:<${to}>`, 'DATA', data];
}

describe('bad input at the inbound SMTP server: refused or dropped, the server stays up, nothing half-posted', () => {
  let world: ListWorld;
  const MAX = 1024 * 1024;
  before(async () => {
    world = await openListWorld({ memberCount: 1, env: { RENRAKU_SMTP_MAX_BYTES: String(MAX) } });
  });
  after(async () => {
    await world?.close();
  });

  /** Room messages and moderation queue now: the observable result of processing. */
  async function state(): Promise<{ room: string[]; held: number; mailed: number }> {
    await world.processed();
    const held = (await world.server.request('GET', `/api/groups/${world.group.id}/list/moderation`, { token: world.owner.token })).body.posts.length;
    return { room: (await world.roomMessages()).map((m) => m.body), held, mailed: world.sink.received.length };
  }

  it('refuses an unknown recipient and a foreign domain at RCPT with 550 (never a relay)', async () => {
    const replies = await smtpDialog(world.smtpPort, [
      'EHLO client.test', `MAIL FROM:<${world.owner.user.email}>`,
      `RCPT TO:<nosuchlist@${LIST_DOMAIN}>`, 'RCPT TO:<victim@example.com>', `RCPT TO:<${world.group.slug}@other.test>`, 'RSET', 'QUIT',
    ]);
    const rcpt = replies.filter((r) => /^5\d\d /.test(r));
    assert.equal(rcpt.length, 3, replies.join('\n'));
    assert.ok(rcpt.every((r) => r.startsWith('550 5.1.1')), rcpt.join('\n'));
  });

  it('refuses a message over RENRAKU_SMTP_MAX_BYTES with 552 (declared in MAIL FROM, and sent anyway)', async () => {
    const declared = await smtpDialog(world.smtpPort, ['EHLO client.test', `MAIL FROM:<${world.owner.user.email}> SIZE=${MAX + 1}`]);
    assert.match(declared.at(-1)!, /^552 /);
    const before = await state();
    const big = message(world, { id: 'big', body: 'x'.repeat(200).concat('\r\n').repeat(Math.ceil((MAX * 1.5) / 202)) });
    const replies = await smtpDialog(world.smtpPort, transaction(world, big));
    assert.match(replies.at(-1)!, /^552 /);
    assert.deepEqual(await state(), before);
  });

  it('refuses a message without From (550 5.6.0) and a 10,000-line header block (552 5.3.4)', async () => {
    const before = await state();
    const noFrom = await smtpDialog(world.smtpPort, transaction(world, message(world, { id: 'nofrom', from: null })));
    assert.match(noFrom.at(-1)!, /^550 5\.6\.0/);
    const headers = Array.from({ length: 10_000 }, (_, i) => `X-Filler-${i}: ${'v'.repeat(20)}`);
    const huge = await smtpDialog(world.smtpPort, transaction(world, message(world, { id: 'hugeheader', headers })));
    assert.match(huge.at(-1)!, /^552 5\.3\.4/);
    assert.deepEqual(await state(), before);
  });

  it('drops a message that loops back (our List-Id, X-Loop) and auto-replies: accepted, never redistributed', async () => {
    const before = await state();
    const cases = [
      ['loop-listid', `List-Id: Class <${world.group.slug}.${LIST_DOMAIN}>`],
      ['loop-xloop', `X-Loop: ${world.address}`],
      ['auto-submitted', 'Auto-Submitted: auto-replied'],
      ['precedence-bulk', 'Precedence: bulk'],
      ['precedence-list', 'Precedence: list'],
    ] as const;
    for (const [id, header] of cases) {
      const replies = await smtpDialog(world.smtpPort, transaction(world, message(world, { id, headers: [header] })));
      assert.match(replies.at(-1)!, /^250 /, id);
    }
    assert.deepEqual(await state(), before, 'nothing shown, held or mailed');
    // Auto-Submitted: no is a person's mail, and is posted.
    await smtpDialog(world.smtpPort, transaction(world, message(world, { id: 'auto-no', headers: ['Auto-Submitted: no'] })));
    assert.equal((await state()).room.length, before.room.length + 1);
  });

  it('takes 8-bit (raw UTF-8) headers and malformed MIME without harm', async () => {
    const eightBit = Buffer.from(message(world, { id: 'eightbit', headers: [] }).replace('Subject: test eightbit', 'Subject: 運動会のお知らせ'), 'utf8');
    const r1 = await smtpDialog(world.smtpPort, transaction(world, eightBit));
    assert.match(r1.at(-1)!, /^250 /);
    assert.match((await state()).room.at(-1)!, /^運動会のお知らせ\n/);

    const broken = message(world, {
      id: 'broken-mime',
      headers: ['MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="never-closed"'],
      body: '--never-closed\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n%%%not base64%%%\r\n--wrong-boundary\r\n',
    });
    const r2 = await smtpDialog(world.smtpPort, transaction(world, broken));
    assert.match(r2.at(-1)!, /^250 /);
    const after = await state();
    assert.match(after.room.at(-1)!, /^test broken-mime/);
  });

  it('each transaction of one connection goes to its own recipients only (RSET and a second MAIL start afresh)', async () => {
    const other = await world.server.createGroup(world.owner, 'Other group');
    const otherAddress = `${other.slug}@${LIST_DOMAIN}`;
    const before = await state();
    const replies = await smtpDialog(world.smtpPort, [
      'EHLO client.test',
      `MAIL FROM:<${world.owner.user.email}>`, `RCPT TO:<${otherAddress}>`, 'RSET',
      `MAIL FROM:<${world.owner.user.email}>`, `RCPT TO:<${world.address}>`, 'DATA', message(world, { id: 'first-of-two' }),
      `MAIL FROM:<${world.owner.user.email}>`, `RCPT TO:<${otherAddress}>`, 'DATA', message(world, { id: 'second-of-two' }).replace(`To: ${world.address}`, `To: ${otherAddress}`),
      'QUIT',
    ]);
    assert.equal(replies.filter((r) => /^250 2\.0\.0 Accepted/.test(r)).length, 2, replies.join('\n'));
    assert.deepEqual((await state()).room, [...before.room, 'test first-of-two\n\nBody of first-of-two.'], 'the second message did not reach this list');
  });

  it('a client that drops the connection in the middle of DATA leaves nothing behind', async () => {
    const before = await state();
    const socket = connect(world.smtpPort, '127.0.0.1');
    await once(socket, 'connect');
    let replies = '';
    const sawReply = (code: string) => new Promise<void>((resolve) => {
      const check = () => (replies.includes(`\r\n${code} `) || replies.startsWith(`${code} `) ? resolve() : undefined);
      socket.on('data', (c: Buffer) => { replies += c.toString(); check(); });
      check();
    });
    await sawReply('220');
    socket.write(`EHLO client.test\r\nMAIL FROM:<${world.owner.user.email}>\r\nRCPT TO:<${world.address}>\r\nDATA\r\n`);
    await sawReply('354');
    socket.write(message(world, { id: 'dropped-mid-data' }).slice(0, 120));
    socket.destroy();
    await once(socket, 'close');
    // The server still serves, and the cut message was never committed: a whole new one is posted alone.
    const replies2 = await smtpDialog(world.smtpPort, transaction(world, message(world, { id: 'after-drop' })));
    assert.match(replies2.at(-1)!, /^250 /);
    const after = await state();
    assert.deepEqual(after.room, [...before.room, 'test after-drop\n\nBody of after-drop.']);
    assert.deepEqual(await world.server.app.store.inbound.listUnprocessed({ limit: 10, maxAttempts: 10 }), []);
  });
});

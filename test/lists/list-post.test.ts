import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseMail } from '../support/smtp-sink.ts';
import { LIST_DOMAIN, openListWorld, type ListWorld } from './list-world.ts';

describe('a post to the list over SMTP (nodemailer as the client, a real relay)', () => {
  let world: ListWorld;
  before(async () => {
    world = await openListWorld({ memberCount: 3 });
  });
  after(async () => {
    await world?.close();
  });

  it('an owner\'s post is committed, shown in the list room and mailed to every member with the list headers', async () => {
    const { owner, members, server } = world;
    // Member 2 takes no mail; the owner keeps the default self-copy.
    assert.equal((await server.request('PATCH', `/api/groups/${world.group.id}/list/me`, { token: members[2]!.token, body: { delivery: 'none' } })).status, 200);
    const info = await world.send({
      from: `"Owner Person" <${owner.user.email}>`, to: world.address, subject: 'Sports day', text: 'Bring water and a hat.',
      messageId: '<post-1@example.test>', inReplyTo: '<earlier@example.test>', references: ['<first@example.test>', '<earlier@example.test>'],
    });
    assert.match(info.response, /^250 /);
    await world.processed();

    const messages = await world.roomMessages();
    assert.equal(messages.length, 1);
    assert.equal(messages[0]!.author_id, owner.user.id);
    assert.match(messages[0]!.body, /^Sports day\n\nBring water and a hat\.$/);

    await world.sink.waitForReceived(3);
    const recipients = world.sink.received.flatMap((m) => m.to).sort();
    assert.deepEqual(recipients, [owner.user.email, members[0]!.user.email, members[1]!.user.email].sort());
    const mail = await parseMail(world.sink.received[0]!);
    assert.equal(mail.subject, `[${world.group.slug}] Sports day`);
    assert.deepEqual(mail.from?.value, [{ address: world.address, name: 'Owner Person via Class 3-B parents' }]);
    assert.deepEqual(mail.replyTo?.value.map((a) => a.address), [owner.user.email]);
    // The header block, unfolded.
    const raw = world.sink.received[0]!.raw.toString('latin1').replace(/\r\n[ \t]+/g, ' ');
    assert.ok(raw.split('\r\n').includes(`List-ID: Class 3-B parents <${world.group.slug}.${LIST_DOMAIN}>`), 'List-Id names the group and the list');
    assert.match(raw, /^List-Post: NO\r$/m, 'announce-only lists say List-Post: NO');
    assert.match(raw, /^List-Unsubscribe: <http:\/\/localhost:\d+\/l\/unsubscribe\/lu1\.[^>]+>\r$/m);
    assert.match(raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
    assert.match(raw, /^Precedence: list\r$/m);
    assert.match(raw, /^List-Archive: <[^>]+>\r$/m);
    assert.equal(mail.inReplyTo, '<earlier@example.test>');
    assert.deepEqual(mail.references, ['<first@example.test>', '<earlier@example.test>']);
    assert.match(String(mail.text), /Bring water and a hat\./);
  });

  it('a retry of the same message (same Message-ID) is answered 250 and posts nothing more', async () => {
    const before = (await world.roomMessages()).length;
    const info = await world.send({ from: world.owner.user.email, to: world.address, subject: 'Sports day', text: 'Bring water and a hat.', messageId: '<post-1@example.test>' });
    assert.match(info.response, /^250 .*Already accepted/);
    await world.processed();
    assert.equal((await world.roomMessages()).length, before);
  });

  it('a member\'s post to an announce-only list waits for an owner, who approves it', async () => {
    const { owner, members, server } = world;
    const sent = world.sink.received.length;
    await world.send({ from: members[0]!.user.email, to: world.address, subject: 'Question', text: 'What time?', messageId: '<post-2@example.test>' });
    await world.processed();
    const queue = await server.request('GET', `/api/groups/${world.group.id}/list/moderation`, { token: owner.token });
    assert.equal(queue.status, 200);
    assert.equal(queue.body.posts.length, 1);
    assert.equal(queue.body.posts[0].reason, 'not_permitted');
    assert.equal((await server.request('GET', `/api/groups/${world.group.id}/list/moderation`, { token: members[0]!.token })).status, 403);
    assert.equal((await world.roomMessages()).length, 1, 'nothing of a held post is shown');
    assert.equal(world.sink.received.length, sent, 'nothing of a held post is mailed');

    const approved = await server.request('POST', `/api/list-posts/${queue.body.posts[0].id}/approve`, { token: owner.token });
    assert.equal(approved.status, 200);
    assert.equal(approved.body.post.status, 'published');
    const messages = await world.roomMessages();
    assert.equal(messages.length, 2);
    assert.equal(messages[1]!.author_id, members[0]!.user.id);
    await world.sink.waitForReceived(sent + 3);
    assert.equal((await server.request('POST', `/api/list-posts/${queue.body.posts[0].id}/approve`, { token: owner.token })).body.code, 'list_post_decided');
  });

  it('in discussion mode a member posts directly; without self-copy the poster gets no copy', async () => {
    const { owner, members, server } = world;
    const patched = await server.request('PATCH', `/api/groups/${world.group.id}/list`, { token: owner.token, body: { mode: 'discussion' } });
    assert.equal(patched.body.list.mode, 'discussion');
    assert.equal((await server.request('PATCH', `/api/groups/${world.group.id}/list`, { token: members[0]!.token, body: { mode: 'announce' } })).status, 403);
    await server.request('PATCH', `/api/groups/${world.group.id}/list/me`, { token: members[1]!.token, body: { self_copy: false } });
    const sent = world.sink.received.length;
    await world.send({ from: members[1]!.user.email, to: world.address, subject: 'Carpool', text: 'I can drive two.', messageId: '<post-3@example.test>' });
    await world.processed();
    assert.equal((await world.roomMessages()).at(-1)!.body, 'Carpool\n\nI can drive two.');
    await world.sink.waitForReceived(sent + 2);
    const fresh = world.sink.received.slice(sent);
    assert.deepEqual(fresh.flatMap((m) => m.to).sort(), [owner.user.email, members[0]!.user.email].sort());
    assert.match(fresh[0]!.raw.toString('latin1'), new RegExp(`^List-Post: <mailto:${world.address}>\\r$`, 'm'));
  });

  it('a non-member\'s post is held; a rejected one is never shown or sent', async () => {
    const { owner, server } = world;
    const sent = world.sink.received.length;
    await world.send({ from: 'stranger@elsewhere.test', to: world.address, subject: 'Buy now', text: 'Cheap!', messageId: '<spam-1@elsewhere.test>' });
    await world.processed();
    const queue = (await server.request('GET', `/api/groups/${world.group.id}/list/moderation`, { token: owner.token })).body.posts;
    assert.equal(queue.length, 1);
    assert.equal(queue[0].reason, 'not_member');
    const rejected = await server.request('POST', `/api/list-posts/${queue[0].id}/reject`, { token: owner.token });
    assert.equal(rejected.body.post.status, 'rejected');
    assert.equal((await server.request('GET', `/api/groups/${world.group.id}/list/moderation`, { token: owner.token })).body.posts.length, 0);
    assert.ok((await world.roomMessages()).every((m) => !m.body.includes('Cheap!')));
    assert.equal(world.sink.received.length, sent);
  });
});

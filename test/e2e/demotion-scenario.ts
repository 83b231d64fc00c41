import assert from 'node:assert/strict';
import type { Socket } from 'phoenix';
import { connect, disconnect, join, within, type TransportName } from '../support/phoenix-helpers.ts';
import type { TestServer, TestUser } from '../support/test-server.ts';

type Node = Pick<TestServer, 'url' | 'wsUrl' | 'request' | 'signup' | 'createGroup' | 'addMember'>;

/**
 * A sender watches an announcement's live status (`announcement:<id>`) with the phoenix client
 * on `socketNode`; the owner demotes them to member over HTTP on `httpNode`. Their channel gets
 * phx_close, and a member's answer afterwards reaches the owner's watch but not one frame of it
 * reaches the demoted sender's socket (read off the socket itself, not the closed channel).
 */
export async function demotedSenderLosesTheStatus(httpNode: Node, socketNode: Node, transport: TransportName): Promise<void> {
  const owner = await httpNode.signup('Sara');
  const sender = await httpNode.signup('Sam');
  const member = await httpNode.signup('Aiko');
  const groupId = (await httpNode.createGroup(owner)).id;
  for (const u of [sender, member]) await httpNode.addMember(owner, groupId, u);
  await ok(httpNode.request('PATCH', `/api/groups/${groupId}/members/${sender.user.id}`, { token: owner.token, body: { role: 'sender' } }));
  const posted = await ok(httpNode.request('POST', `/api/groups/${groupId}/announcements`, {
    token: owner.token,
    body: { title: '運動会の出欠', body: '参加されますか。', answer: { type: 'attendance' }, deadline: Date.now() + 7 * 24 * 3_600_000 },
  }));
  const topic = `announcement:${posted.announcement.id}`;

  const sockets: Socket[] = [];
  const open = (u: TestUser, node: Node) => {
    const s = connect(node.wsUrl, u.socketToken, transport);
    sockets.push(s);
    return s;
  };
  try {
    const ownerWatch = open(owner, httpNode).channel(topic, {});
    const ownerSaw = new Promise<void>((resolve) => ownerWatch.on('announcement:status', () => resolve()));
    await join(ownerWatch);
    const senderSocket = open(sender, socketNode);
    const onSenderWire: string[] = [];
    senderSocket.onMessage((message: object) => {
      const { topic: to, event } = message as { topic: string; event: string };
      if (to === topic) onSenderWire.push(event);
    });
    const senderWatch = senderSocket.channel(topic, {});
    await join(senderWatch);
    const closed = new Promise<void>((resolve) => senderWatch.onClose(() => resolve()));

    await ok(httpNode.request('PATCH', `/api/groups/${groupId}/members/${sender.user.id}`, { token: owner.token, body: { role: 'member' } }));
    await within(5000, 'the demoted sender\'s announcement channel to close', closed);
    assert.deepEqual(onSenderWire.filter((e) => e === 'phx_close'), ['phx_close'], 'closed by the server');

    await ok(httpNode.request('PUT', `/api/announcements/${posted.announcement.id}/answer`, { token: member.token, body: { choice: 'yes', comment: '家族3人で' } }));
    await within(5000, 'the owner to see the answer', ownerSaw);
    // A round trip on the sender's socket after the broadcast: anything sent to it before is in.
    await join(senderSocket.channel(`user:${sender.user.id}`, {}));
    assert.deepEqual(onSenderWire.filter((e) => e === 'announcement:status'), [], 'no answer reaches the demoted sender');
    const rejoin = senderSocket.channel(topic, {});
    assert.equal((await join(rejoin).catch((e: { response: { reason: string } }) => e.response)).reason, 'forbidden', 'and a rejoin is refused');
    rejoin.leave(); // no rejoin timer left behind
  } finally {
    await Promise.all(sockets.map(disconnect));
  }
}

async function ok(pending: Promise<{ status: number; body: any }>): Promise<any> {
  const res = await pending;
  if (res.status >= 300) throw new Error(`expected success, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

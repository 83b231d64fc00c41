import { once } from 'node:events';
import { connect } from 'node:net';
import nodemailer from 'nodemailer';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { freePort } from '../support/free-port.ts';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';

export const LIST_DOMAIN = 'lists.test';

export interface ListWorld {
  server: TestServer;
  /** The relay the server sends list mail through. */
  sink: SmtpSink;
  smtpPort: number;
  owner: TestUser;
  members: TestUser[];
  group: { id: string; slug: string };
  address: string;
  /** Sends through nodemailer (a real SMTP client) to our SMTP server; resolves to its info or rejects with the SMTP error. */
  send(mail: nodemailer.SendMailOptions): Promise<{ response: string }>;
  /** Waits until everything accepted so far was processed. */
  processed(): Promise<void>;
  /** The list room's messages (owner's view). */
  roomMessages(): Promise<Array<{ body: string; author_id: string; seq: number }>>;
  close(): Promise<void>;
}

/** A server with inbound SMTP on a free port and a relay sink, one group with an owner and `memberCount` members. */
export async function openListWorld(opts: { memberCount?: number; env?: Record<string, string> } = {}): Promise<ListWorld> {
  const sink = await startSmtpSink();
  const smtpPort = await freePort();
  const server = await startTestServer({
    env: { RENRAKU_SMTP_PORT: String(smtpPort), RENRAKU_SMTP_RELAY_URL: sink.url, RENRAKU_LIST_DOMAIN: LIST_DOMAIN, ...opts.env },
  });
  const owner = await server.signup('Owner');
  const group = await server.createGroup(owner, 'Class 3-B parents');
  const members: TestUser[] = [];
  for (let i = 0; i < (opts.memberCount ?? 2); i++) {
    const member = await server.signup(`Member${i}`);
    await server.addMember(owner, group.id, member);
    members.push(member);
  }
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  return {
    server, sink, smtpPort, owner, members, group,
    address: `${group.slug}@${LIST_DOMAIN}`,
    send: (mail) => transport.sendMail(mail),
    processed: () => server.app.smtp!.processor.idle(),
    async roomMessages() {
      const { list } = (await server.request('GET', `/api/groups/${group.id}/list`, { token: owner.token })).body;
      if (list.room_id === null) return [];
      const res = await server.request('GET', `/api/rooms/${list.room_id}/messages?limit=100`, { token: owner.token });
      return res.body.messages;
    },
    async close() {
      transport.close();
      await server.stop();
      await sink.close();
    },
  };
}

/** Speaks SMTP by hand: each item is written after the previous reply arrived; returns every reply line. */
export async function smtpDialog(port: number, lines: Array<string | Buffer>): Promise<string[]> {
  const socket = connect(port, '127.0.0.1');
  const replies: string[] = [];
  let buffer = '';
  let waiting: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    // A complete reply ends with a line "ddd <text>" (not "ddd-<text>").
    if (/(^|\r\n)\d{3} [^\r\n]*\r\n$/.test(buffer)) {
      replies.push(...buffer.trimEnd().split('\r\n'));
      buffer = '';
      waiting?.();
    }
  });
  const nextReply = () => new Promise<void>((resolve) => (waiting = resolve));
  const greeting = nextReply();
  await once(socket, 'connect');
  await greeting;
  for (const line of lines) {
    const reply = nextReply();
    socket.write(typeof line === 'string' && !line.endsWith('\r\n') ? `${line}\r\n` : line);
    await reply;
  }
  socket.end();
  return replies;
}

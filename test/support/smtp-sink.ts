import type { Socket } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/** How the sink answers: 250, an SMTP error (4xx / 5xx), or (DATA only) no answer at all. */
export type SinkAnswer = 'accept' | 'hold' | { code: number; message: string };

/** A mail the sink answered 250 to. */
export interface ReceivedMail {
  /** MAIL FROM (the return path). */
  from: string;
  to: string[];
  raw: Buffer;
  /** The Message-ID header, as written. */
  messageId: string | undefined;
}

export interface SmtpSink {
  readonly port: number;
  /** `smtp://127.0.0.1:<port>`: what RENRAKU_SMTP_RELAY_URL would hold. */
  readonly url: string;
  /** Mails answered 250, in order. */
  readonly received: ReceivedMail[];
  /** DATA transactions received in full but left unanswered ('hold'). */
  readonly held: number;
  /** The answer to each RCPT TO (default: accept). */
  onRcpt: (address: string) => SinkAnswer;
  /** The answer at the end of DATA, per mail (default: accept). */
  onData: (mail: ReceivedMail) => SinkAnswer;
  /** Resolves once `received.length >= count` (rejects after `timeoutMs`, naming what arrived). */
  waitForReceived(count: number, timeoutMs?: number): Promise<void>;
  /** Resolves once `held >= count`. */
  waitForHeld(count: number, timeoutMs?: number): Promise<void>;
  /** The relay goes away: the port is closed and every open connection cut. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/** The mail as a client would show it (mailparser). */
export function parseMail(mail: ReceivedMail): Promise<ParsedMail> {
  return simpleParser(mail.raw);
}

function smtpError(answer: { code: number; message: string }): Error {
  return Object.assign(new Error(answer.message), { responseCode: answer.code });
}

function readAll(stream: SMTPServerDataStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** The Message-ID header of a raw message, without parsing the rest. */
function headerMessageId(raw: Buffer): string | undefined {
  const head = raw.subarray(0, Math.max(0, raw.indexOf('\r\n\r\n'))).toString('latin1');
  return /^message-id:\s*(.+)$/im.exec(head)?.[1]?.trim();
}

/**
 * A real SMTP server on 127.0.0.1 (port 0: the OS picks) acting as the relay in tests, with
 * answers the test controls per recipient and per mail. Plain SMTP, no TLS, no AUTH. Waiting
 * is event-driven: the timeouts only turn a hang into a failure that says what arrived.
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const sockets = new Set<Socket>();
  const waiters = new Set<() => void>();
  let held = 0;
  let server: SMTPServer | undefined;
  let port = 0;

  const notify = (): void => {
    for (const check of [...waiters]) check();
  };

  const sink: SmtpSink = {
    get port() {
      return port;
    },
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    received,
    get held() {
      return held;
    },
    onRcpt: () => 'accept',
    onData: () => 'accept',
    waitForReceived: (count, timeoutMs = 20_000) => waitUntil(() => received.length >= count, `${count} mails`, timeoutMs),
    waitForHeld: (count, timeoutMs = 20_000) => waitUntil(() => held >= count, `${count} held mails`, timeoutMs),
    async down() {
      const current = server;
      server = undefined;
      if (current === undefined) return;
      const closed = new Promise<void>((resolve) => current.server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await closed;
    },
    async up() {
      if (server !== undefined) return;
      server = createServer();
      port = await listen(server, port);
    },
    async close() {
      await sink.down();
      waiters.clear();
    },
  };

  function waitUntil(done: () => boolean, what: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!done()) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`smtp sink: waited ${timeoutMs} ms for ${what}; ${received.length} received, ${held} held`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  }

  function createServer(): SMTPServer {
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      closeTimeout: 100,
      onRcptTo(address, _session, callback) {
        const answer = sink.onRcpt(address.address);
        callback(answer === 'accept' || answer === 'hold' ? null : smtpError(answer));
      },
      onData(stream, session: SMTPServerSession, callback) {
        readAll(stream).then((raw) => {
          const mailFrom = session.envelope.mailFrom;
          const mail: ReceivedMail = {
            from: mailFrom === false ? '' : mailFrom.address,
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            messageId: headerMessageId(raw),
          };
          const answer = sink.onData(mail);
          if (answer === 'hold') {
            held += 1;
          } else if (answer === 'accept') {
            received.push(mail);
            callback(null);
          } else {
            callback(smtpError(answer));
          }
          notify();
        }, callback);
      },
    });
    smtp.server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    // A client cut off mid-transaction (killed, or by down()) is expected here, not a failure.
    smtp.on('error', () => {});
    return smtp;
  }

  await sink.up();
  return sink;
}

function listen(server: SMTPServer, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.server.off('error', reject);
      const address = server.server.address();
      if (address === null || typeof address === 'string') reject(new Error('smtp sink: no port'));
      else resolve(address.port);
    });
  });
}

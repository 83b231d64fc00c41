import type { Socket } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { nowUs } from '../core/clock.ts';
import { BENCH_LIMITS } from '../core/limits.ts';

/** What arrived, checked against what was expected: every (post, recipient) exactly once. */
export interface MailTally {
  /** distinct (post, recipient) pairs that arrived and were expected */
  delivered: number;
  /** expected pairs that never arrived */
  missing: number;
  /** arrivals of a pair beyond its first */
  duplicated: number;
  /** arrivals for a recipient or post that was not expected (or a mail without a post tag) */
  unexpected: number;
  /** monotonic µs of the first and of the last arrival of an expected pair; 0 = none */
  firstUs: number;
  lastUs: number;
}

/** The post number a mail carries in its Subject (`bench-post-<k>`); the list adds a `[slug]` tag in front. */
export function postTag(k: number): string {
  return `bench-post-${k}`;
}

const TAG_IN_SUBJECT = /^subject:[^\r\n]*\bbench-post-(\d+)\b/im;

/** The post number of a raw mail, read from its header block only (the body could quote another). */
export function postOfMail(raw: Buffer): number | undefined {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end < 0 ? raw.length : end).toString('latin1').replace(/\r\n[ \t]+/g, ' ');
  const m = TAG_IN_SUBJECT.exec(head);
  return m ? Number(m[1]) : undefined;
}

/**
 * The relay Renraku sends list mail through (`RENRAKU_SMTP_RELAY_URL`) in the `mail` scenario:
 * a plain `smtp-server` on 127.0.0.1 that answers 250 to everything and counts arrivals per
 * post and envelope recipient with their monotonic arrival time. Runs in the harness process:
 * a few thousand small mails cost it little next to the server under test.
 */
export class MailSink {
  /** `${post} ${recipient}` → arrivals */
  private readonly arrivals = new Map<string, number>();
  private readonly sockets = new Set<Socket>();
  private unknown = 0;
  private expected: ReadonlySet<string> = new Set();
  private firstUs = 0;
  private lastUs = 0;
  /** monotonic µs of the last arrival of any kind (draining stops after a quiet spell) */
  private lastAnyUs = 0;

  private readonly smtp: SMTPServer;
  private listeningPort = 0;

  private constructor() {
    this.smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      closeTimeout: 100,
      onData: (stream: SMTPServerDataStream, session: SMTPServerSession, callback) => {
        readAll(stream).then((raw) => {
          this.record(raw, session.envelope.rcptTo.map((r) => r.address.toLowerCase()));
          callback(null);
        }, callback);
      },
    });
    // A client that hangs up mid-transaction is not the sink's failure.
    this.smtp.on('error', () => {});
    this.smtp.server.on('connection', (socket: Socket) => {
      // Replies go out at once: with Nagle's algorithm on, a reply written while the client's
      // delayed ACK is pending waits ~40 ms, the sink's cost and not the server's.
      socket.setNoDelay(true);
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  get port(): number {
    return this.listeningPort;
  }

  /** `smtp://127.0.0.1:<port>`: what RENRAKU_SMTP_RELAY_URL holds. */
  get url(): string {
    return `smtp://127.0.0.1:${this.listeningPort}`;
  }

  /** A sink listening on a free port of 127.0.0.1. */
  static async start(): Promise<MailSink> {
    const sink = new MailSink();
    const smtp = sink.smtp;
    sink.listeningPort = await new Promise<number>((resolve, reject) => {
      smtp.server.once('error', reject);
      smtp.listen(0, '127.0.0.1', () => {
        const address = smtp.server.address();
        if (address === null || typeof address === 'string') reject(new Error('mail sink: no port'));
        else resolve(address.port);
      });
    });
    return sink;
  }

  /** The (post, recipient) pairs that should arrive, each once. */
  expect(pairs: Iterable<[post: number, recipient: string]>): void {
    this.expected = new Set([...pairs].map(([post, to]) => `${post} ${to.toLowerCase()}`));
  }

  private record(raw: Buffer, recipients: string[]): void {
    const at = nowUs();
    this.lastAnyUs = at;
    const post = postOfMail(raw);
    for (const to of recipients) {
      if (post === undefined) {
        this.unknown++;
        continue;
      }
      const key = `${post} ${to}`;
      const seen = this.arrivals.get(key) ?? 0;
      this.arrivals.set(key, seen + 1);
      if (seen === 0 && this.expected.has(key)) {
        if (this.firstUs === 0) this.firstUs = at;
        this.lastUs = at;
      }
    }
  }

  tally(): MailTally {
    let delivered = 0;
    let duplicated = 0;
    let unexpected = this.unknown;
    for (const [key, n] of this.arrivals) {
      if (this.expected.has(key)) delivered++;
      else unexpected++;
      duplicated += n - 1;
    }
    return { delivered, missing: this.expected.size - delivered, duplicated, unexpected, firstUs: this.firstUs, lastUs: this.lastUs };
  }

  /**
   * Waits until every expected pair has arrived and then `settleQuietMs` passed with nothing
   * more (a late duplicate is still counted), or until nothing arrived for `drainIdleMs` since
   * `sinceUs` or the last arrival, or `drainMs` in all: the shortfall is then reported as missing.
   */
  async drain(sinceUs: number): Promise<MailTally> {
    const started = Date.now();
    for (;;) {
      const now = nowUs();
      const quietMs = (now - Math.max(sinceUs, this.lastAnyUs)) / 1000;
      const complete = this.tally().missing === 0;
      if (complete && quietMs >= BENCH_LIMITS.settleQuietMs) break;
      if (quietMs >= BENCH_LIMITS.drainIdleMs || Date.now() - started >= BENCH_LIMITS.drainMs) break;
      await new Promise((r) => setTimeout(r, BENCH_LIMITS.pollMs));
    }
    return this.tally();
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.smtp.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

function readAll(stream: SMTPServerDataStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

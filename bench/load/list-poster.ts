import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import { nowUs } from '../core/clock.ts';
import { BENCH_LIMITS } from '../core/limits.ts';
import { assertLoopback } from '../core/loopback.ts';

/** One post as the SMTP client saw it. */
export interface PostTiming {
  /** monotonic µs when MAIL FROM was sent and when the final 250 arrived */
  startUs: number;
  acceptedUs: number;
  /** the server's answer to the message (250 …) */
  response: string;
  /** MAIL FROM → 354 (nodemailer's envelopeTime, ms) */
  envelopeMs: number;
  /** 354 → the final 250: the message sent and committed by the server (nodemailer's messageTime, ms) */
  dataMs: number;
}

/** A post made ready before the clock starts: its envelope and its bytes (MIME built by nodemailer). */
export interface ListPost {
  from: string;
  to: string;
  raw: Buffer;
}

export function composePost(post: { fromName: string; from: string; to: string; subject: string; text: string }): Promise<ListPost> {
  const composer = new MailComposer({ from: { name: post.fromName, address: post.from }, to: post.to, subject: post.subject, text: post.text });
  return new Promise((resolve, reject) => {
    composer.compile().build((err, raw) => (err ? reject(err) : resolve({ from: post.from, to: post.to, raw })));
  });
}

/**
 * Posts to a mailing list over one SMTP connection with nodemailer's SMTP client, one
 * transaction per post, timing each from MAIL FROM to the final 250 (the server answers 250
 * only once the message is committed). The connection is opened and greeted before the clock
 * starts; the server's SMTP listener may come up a moment after its HTTP health check, so the
 * first connect is retried until `deadline` (a Date.now() value).
 */
export class ListPoster {
  private constructor(private readonly connection: SMTPConnection) {}

  static async open(port: number, deadline: number): Promise<ListPoster> {
    const host = '127.0.0.1';
    assertLoopback(host);
    for (;;) {
      const connection = new SMTPConnection({
        host, port, secure: false, ignoreTLS: true,
        connectionTimeout: BENCH_LIMITS.smtpMs, greetingTimeout: BENCH_LIMITS.smtpMs, socketTimeout: BENCH_LIMITS.smtpMs,
      });
      try {
        await new Promise<void>((resolve, reject) => {
          connection.once('error', reject);
          connection.connect((err) => (err ? reject(err) : resolve()));
        });
        connection.on('error', () => {});
        return new ListPoster(connection);
      } catch (e) {
        connection.close();
        const refused = (e as { code?: string }).code === 'ECONNECTION' || /ECONNREFUSED/.test(String(e));
        if (!refused || Date.now() >= deadline) throw e;
        await new Promise((r) => setTimeout(r, BENCH_LIMITS.pollMs));
      }
    }
  }

  /** Sends one post; rejects with the server's answer when it is not 250. */
  send(post: ListPost): Promise<PostTiming> {
    const startUs = nowUs();
    return new Promise((resolve, reject) => {
      this.connection.send({ from: post.from, to: [post.to] }, post.raw, (err, info) => {
        if (err) return reject(err);
        resolve({ startUs, acceptedUs: nowUs(), response: info.response, envelopeMs: info.envelopeTime, dataMs: info.messageTime });
      });
    });
  }

  close(): void {
    this.connection.quit();
    this.connection.close();
  }
}

import { readConfigFile } from '../../config/config-file.ts';
import { connect, type Socket } from 'node:net';
import nodemailer from 'nodemailer';
import mimeFuncs from 'nodemailer/lib/mime-funcs/index.js';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type { Config } from '../../config/config.ts';
import { LIMITS } from '../../config/limits.ts';
import type { MailMessage, MailTransport, SendOutcome } from '../../mail/mail-transport.ts';

export interface DkimOptions {
  domainName: string;
  keySelector: string;
  /** PEM. */
  privateKey: string;
}

export interface SmtpTransportOptions {
  /** `smtp://[user:pass@]host:port` or `smtps://…` (see parseRelayUrl). */
  relayUrl: string;
  maxConnections?: number;
  dkim?: DkimOptions;
}

/** The fields nodemailer puts on its errors (smtp-connection's _formatError). */
interface SmtpError {
  code?: unknown;
  command?: unknown;
  responseCode?: unknown;
  response?: unknown;
  message?: unknown;
}

/** Commands whose answer is about this recipient or this mail, not about us as a client. */
const RECIPIENT_COMMANDS = new Set(['RCPT TO', 'DATA']);

/**
 * What a nodemailer failure means for the outbox. A reply code to RCPT TO or DATA is about
 * the recipient: 5xx bounces, 4xx retries. Any other reply (to the greeting, EHLO, AUTH,
 * MAIL FROM) or no reply at all is about the relay or our account there: retried, and the
 * batch stops, since every mail would fail the same way — a 5xx there is no member's fault.
 * Refusals before any SMTP exchange (nodemailer's `API` checks, a mail over the relay's SIZE)
 * will not change on retry.
 */
export function classifySendError(error: unknown): SendOutcome {
  const { code, command, responseCode, response, message } = (typeof error === 'object' && error !== null ? error : {}) as SmtpError;
  const detail = typeof response === 'string' ? response : typeof message === 'string' ? message : String(error);
  if (typeof responseCode === 'number' && typeof command === 'string' && RECIPIENT_COMMANDS.has(command)) {
    if (responseCode >= 500 && responseCode < 600) return { kind: 'bounced', code: responseCode, detail };
    return { kind: 'retry', detail, relayUnavailable: false };
  }
  if (typeof responseCode !== 'number' && (code === 'EENVELOPE' || code === 'EMESSAGE')) return { kind: 'rejected', detail };
  return { kind: 'retry', detail: typeof code === 'string' ? `${code}: ${detail}` : detail, relayUnavailable: true };
}

/** Where and how to connect, from the relay URL (port 587, or 465 for smtps:, when none is given). */
export interface RelayAddress {
  host: string;
  port: number;
  secure: boolean;
  auth?: { user: string; pass: string };
}

/**
 * Reads `smtp://[user:pass@]host[:port]` or `smtps://…`; user and password may be
 * percent-encoded. Ours, not nodemailer's `url` option: given a `url`, nodemailer drops every
 * other transport option (the pool, the timeouts, DKIM).
 */
export function parseRelayUrl(relayUrl: string): RelayAddress {
  let url: URL;
  try {
    url = new URL(relayUrl);
  } catch {
    throw new Error('RENRAKU_SMTP_RELAY_URL is not a URL; expected smtp://[user:pass@]host[:port] or smtps://…');
  }
  if ((url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || url.hostname === '' || url.search !== '' || url.pathname.replace(/^\/$/, '') !== '') {
    throw new Error(`RENRAKU_SMTP_RELAY_URL must be smtp://[user:pass@]host[:port] or smtps://… with nothing after the port (got scheme ${url.protocol})`);
  }
  const secure = url.protocol === 'smtps:';
  const address: RelayAddress = { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port === '' ? (secure ? 465 : 587) : Number(url.port), secure };
  if (url.username !== '') address.auth = { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) };
  return address;
}

/**
 * Extra headers as the wire needs them: only the non-ASCII words become RFC 2047 encoded
 * words, so the `<list-id>`, URLs and addresses of structured headers (List-Id,
 * List-Unsubscribe) stay readable; then folded. nodemailer would encode a whole value.
 */
function wireHeaders(headers: Record<string, string>): Record<string, string | { prepared: boolean; value: string }> {
  const out: Record<string, string | { prepared: boolean; value: string; foldLines: boolean }> = {};
  for (const [name, value] of Object.entries(headers)) {
    // nodemailer formats References itself and turns a prepared object into "[object Object]".
    out[name] = name.toLowerCase() === 'references' ? value : { prepared: true, foldLines: true, value: mimeFuncs.encodeWords(value, 'Q', 52) };
  }
  return out;
}

/**
 * An open TCP connection to the relay with Nagle's algorithm off, for nodemailer's pool (its
 * `getSocket` hook). nodemailer's own sockets leave Nagle on, so the last write of each mail
 * waits for the relay's delayed ACK: about 40 ms per mail per connection, six times the send
 * itself on a near relay. The pool only takes an already-connected socket (`{connection}`;
 * a bare `{socket}` is silently ignored in pool mode), so we connect here, bounded by the
 * connection timeout; greeting, STARTTLS, timeouts and errors after that stay nodemailer's.
 * For smtps nodemailer opens the TLS socket itself (`false`: no socket from us).
 */
function connectWithoutNagle(options: { secure?: boolean | undefined; host?: string | undefined; port?: number | undefined }, callback: (error: Error | null, socket: { connection: Socket } | false) => void): void {
  if (options.secure === true || options.host === undefined || options.port === undefined) {
    callback(null, false);
    return;
  }
  const socket = connect({ host: options.host, port: options.port });
  socket.setNoDelay(true);
  // Failing here would bypass the pool's own error handling (a mail would wait forever):
  // instead nodemailer connects by itself and meets, and reports, the same failure.
  const fallBack = () => {
    clearTimeout(timer);
    socket.destroy();
    callback(null, false);
  };
  const timer = setTimeout(fallBack, LIMITS.smtpConnectionTimeoutMs);
  socket.once('error', fallBack);
  socket.once('connect', () => {
    clearTimeout(timer);
    socket.removeListener('error', fallBack);
    callback(null, { connection: socket });
  });
}

/**
 * The outbox's transport over nodemailer: a pool of SMTP connections to the relay, each
 * reused for many mails; optional DKIM signing of every mail. Bodies and headers are ours
 * alone — nodemailer may not read files or URLs named in them.
 */
export function createSmtpTransport(options: SmtpTransportOptions): MailTransport {
  // maxRequeues is nodemailer's (smtp-pool) but missing from its type definitions.
  const poolOptions: SMTPPool.Options & { maxRequeues: number } = {
    ...parseRelayUrl(options.relayUrl),
    pool: true,
    getSocket: connectWithoutNagle,
    // A connection lost mid-send is tried once more on a fresh one (the relay closed an idle
    // connection just as a mail was given to it); after that the outbox's backoff decides.
    maxRequeues: 1,
    maxConnections: options.maxConnections ?? LIMITS.mailPoolSize,
    connectionTimeout: LIMITS.smtpConnectionTimeoutMs,
    greetingTimeout: LIMITS.smtpGreetingTimeoutMs,
    socketTimeout: LIMITS.smtpSocketTimeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
    ...(options.dkim ? { dkim: options.dkim } : {}),
  };
  const transporter = nodemailer.createTransport(poolOptions);
  return {
    async send(message: MailMessage): Promise<SendOutcome> {
      try {
        const info = await transporter.sendMail({
          envelope: message.envelope,
          from: message.from,
          to: message.to,
          ...(message.replyTo !== undefined ? { replyTo: message.replyTo } : {}),
          subject: message.subject,
          text: message.text,
          ...(message.html !== undefined ? { html: message.html } : {}),
          messageId: message.messageId,
          headers: wireHeaders(message.headers),
        });
        return { kind: 'sent', response: String(info.response) };
      } catch (error) {
        return classifySendError(error);
      }
    },
    async close(): Promise<void> {
      transporter.close();
    },
  };
}

/**
 * The transport the configuration asks for: none when RENRAKU_SMTP_RELAY_URL is empty; DKIM
 * when RENRAKU_DKIM_* are set (the key file is read now, so a missing key stops start-up).
 */
export function smtpTransportFromConfig(
  config: Pick<Config, 'smtpRelayUrl' | 'dkimDomain' | 'dkimSelector' | 'dkimPrivateKeyPath'>,
): MailTransport | undefined {
  if (config.smtpRelayUrl === '') return undefined;
  const dkim = config.dkimDomain === ''
    ? undefined
    : { domainName: config.dkimDomain, keySelector: config.dkimSelector, privateKey: readConfigFile('RENRAKU_DKIM_PRIVATE_KEY_PATH', config.dkimPrivateKeyPath).toString('utf8') };
  return createSmtpTransport({ relayUrl: config.smtpRelayUrl, ...(dkim ? { dkim } : {}) });
}

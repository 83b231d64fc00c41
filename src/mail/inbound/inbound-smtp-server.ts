import type { AddressInfo, Socket } from 'node:net';
import type { ServerMetrics } from '../../shared/server-metrics.ts';
import { simpleParser } from 'mailparser';
import type { Logger } from 'pino';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { LIMITS } from '../../config/limits.ts';
import type { Clock } from '../../domain/clock.ts';
import type { IdGenerator } from '../../domain/ids.ts';
import { dedupeKey } from './dedupe-key.ts';
import { headerBlockBytes } from './header-block.ts';
import type { InboundHandler, InboundRecipient } from './inbound-handler.ts';
import { InboundProcessor } from './inbound-processor.ts';
import type { InboundRepository } from './inbound-repository.ts';
import { firstAddress, summarize } from './message-summary.ts';
import type { SmtpTlsFiles } from './smtp-tls.ts';
import { closeServer } from '../../shared/close-server.ts';

type ServerLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface InboundSmtpOptions {
  /** Every kind of address we accept; asked in order at RCPT, the first that resolves owns it. */
  handlers: readonly InboundHandler[];
  repository: InboundRepository;
  ids: IdGenerator;
  clock: Clock;
  logger: ServerLogger;
  /** RENRAKU_SMTP_MAX_BYTES: larger messages are refused with 552. */
  maxBytes: number;
  /** The name in the greeting and in Received-less replies (the list domain). */
  hostname: string;
  /**
   * Called after a message is committed and before the 250 is sent: the crash test's child
   * kills itself here. Not for production use.
   */
  afterCommit?: (messageId: string) => void;
  /** Sessions and refusals are counted here (operations' metrics). */
  metrics?: ServerMetrics;
  /** Offers STARTTLS with this certificate (RFC 3207: offered, never required); without it STARTTLS is not offered. */
  tls?: SmtpTlsFiles;
}

/** An SMTP reply carried by an Error, as smtp-server expects it. */
function reply(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}


/**
 * The inbound SMTP listener. It is never a relay: RCPT is accepted only for an address one of
 * the handlers owns (550 for every other, foreign domains included, so nothing is ever sent
 * back to a forged sender). At the end of DATA it refuses what it cannot take (552 over the
 * size or header limit, 550 without a From), then commits the raw message and its parsed form
 * with one delivery per recipient in a single transaction, and only then answers 250. A
 * retry of a message already accepted (same Message-ID, same recipient) commits nothing and is
 * answered 250 too. Handlers run after the reply (InboundProcessor), and again at start-up for
 * deliveries a crash left unprocessed.
 */
export class InboundSmtpServer {
  readonly processor: InboundProcessor;
  private readonly options: InboundSmtpOptions;
  private readonly server: SMTPServer;
  private readonly sockets = new Set<Socket>();
  /** Recipients resolved at RCPT, per transaction: smtp-server gives each transaction (MAIL FROM … DATA, or RSET) a new envelope. */
  private readonly resolved = new WeakMap<object, InboundRecipient[]>();
  private boundPort = 0;
  private tlsTimer: NodeJS.Timeout | undefined;

  constructor(options: InboundSmtpOptions) {
    this.options = options;
    this.processor = new InboundProcessor({ handlers: options.handlers, repository: options.repository, clock: options.clock, logger: options.logger });
    this.server = new SMTPServer({
      name: options.hostname,
      banner: 'Renraku list server',
      size: options.maxBytes,
      authOptional: true,
      disabledCommands: options.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
      ...(options.tls ? { key: options.tls.material.key, cert: options.tls.material.cert } : {}),
      logger: false,
      socketTimeout: LIMITS.inboundSocketTimeoutMs,
      maxClients: LIMITS.inboundMaxClients,
      closeTimeout: 1_000,
      onConnect: (_session, callback) => {
        options.metrics?.smtpSession();
        callback();
      },
      onRcptTo: (address, session, callback) => {
        this.resolve(address.address, session).then((error) => {
          if (error) this.refused(error);
          callback(error ?? undefined);
        }, (err: unknown) => {
          options.logger.error({ err }, 'inbound smtp: resolving a recipient failed');
          callback(reply(451, '4.3.0 Temporary failure, try again later'));
        });
      },
      onData: (stream, session, callback) => {
        this.receive(stream, session).then((message) => callback(null, message), (err: Error) => {
          this.refused(err);
          callback(err);
        });
      },
    });
    this.server.on('error', (err) => options.logger.warn({ err }, 'inbound smtp: connection error'));
    this.server.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  private refused(err: Error): void {
    const code = (err as { responseCode?: unknown }).responseCode;
    this.options.metrics?.smtpRejected(typeof code === 'number' ? String(code) : 'error');
  }

  /** The port it listens on (after listen()). */
  get port(): number {
    return this.boundPort;
  }

  /**
   * Serves a renewed certificate from now on when its files changed (checked every
   * `LIMITS.smtpTlsCheckMs` while listening); true when it did. An unusable pair is logged and
   * the previous one kept. Connections already in TLS keep theirs.
   */
  reloadTls(): boolean {
    const tls = this.options.tls;
    if (!tls) return false;
    try {
      const material = tls.changed();
      if (!material) return false;
      this.server.updateSecureContext({ key: material.key, cert: material.cert });
      this.options.logger.info('inbound smtp: STARTTLS certificate reloaded');
      return true;
    } catch (err) {
      this.options.logger.warn({ err }, 'inbound smtp: the STARTTLS certificate changed on disk but cannot be used; still serving the previous one');
      return false;
    }
  }

  /** Processes what a previous run left unprocessed, then listens; resolves to the port. */
  async listen(port: number, host: string): Promise<number> {
    await this.processor.recover();
    if (this.options.tls) {
      this.tlsTimer = setInterval(() => this.reloadTls(), LIMITS.smtpTlsCheckMs);
      this.tlsTimer.unref();
    }
    this.boundPort = await new Promise<number>((resolve, reject) => {
      this.server.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.server.off('error', reject);
        resolve((this.server.server.address() as AddressInfo).port);
      });
    });
    return this.boundPort;
  }

  /** Stops accepting, cuts open connections (a message not yet answered was not committed,
   *  or was committed and is processed at the next start), and waits for running handlers. */
  async close(): Promise<void> {
    clearInterval(this.tlsTimer);
    await closeServer(this.server, this.sockets);
    await this.processor.idle();
  }

  private async resolve(raw: string, session: SMTPServerSession): Promise<Error | undefined> {
    const address = raw.trim().replace(/^<|>$/g, '').toLowerCase();
    const resolved = this.resolved.get(session.envelope) ?? [];
    if (resolved.length >= LIMITS.maxInboundRecipients) return reply(452, '4.5.3 Too many recipients');
    if (address.length <= LIMITS.maxEmailLength && address.includes('@')) {
      for (const handler of this.options.handlers) {
        const recipient = await handler.resolve(address);
        if (recipient !== undefined) {
          if (!resolved.some((r) => r.address === recipient.address)) this.resolved.set(session.envelope, [...resolved, recipient]);
          return undefined;
        }
      }
    }
    return reply(550, `5.1.1 <${address.slice(0, LIMITS.maxEmailLength)}>: no such recipient here`);
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const raw = await readLimited(stream, this.options.maxBytes);
    if (raw === undefined) throw reply(552, `5.3.4 Message exceeds the fixed maximum message size of ${this.options.maxBytes} bytes`);
    if (headerBlockBytes(raw) > LIMITS.maxInboundHeaderBytes) throw reply(552, '5.3.4 Message header too large');
    const parsed = await simpleParser(raw).catch(() => undefined);
    if (parsed === undefined) throw reply(554, '5.6.0 Message could not be parsed');
    if (firstAddress(parsed.from) === undefined) throw reply(550, '5.6.0 Message has no usable From header');
    const recipients = this.resolved.get(session.envelope) ?? [];
    const mailFrom = session.envelope.mailFrom;
    const id = this.options.ids.next();
    let fresh: InboundRecipient[];
    try {
      fresh = await this.options.repository.commit(
        { id, dedupe_key: dedupeKey(parsed.messageId, raw), envelope_from: mailFrom === false ? '' : mailFrom.address, raw, parsed: summarize(parsed), received_at: this.options.clock.now() },
        recipients,
      );
    } catch (err) {
      this.options.logger.error({ err }, 'inbound smtp: could not commit a message; the sender will retry');
      throw reply(451, '4.3.0 Temporary failure, try again later');
    }
    this.options.afterCommit?.(id);
    if (fresh.length === 0) return '2.0.0 Already accepted';
    this.processor.enqueue(id, fresh);
    return `2.0.0 Accepted as ${id}`;
  }
}

/**
 * The whole message, or undefined once it exceeds `maxBytes` (the rest is drained without
 * being kept). Rejects when the client goes away mid-DATA: nothing of it is committed.
 */
function readLimited(stream: SMTPServerDataStream, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    stream.on('end', () => resolve(stream.sizeExceeded || size > maxBytes ? undefined : Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

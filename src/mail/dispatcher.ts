import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { LIMITS } from '../config/limits.ts';
import { systemTimers, type Clock, type Timers } from '../domain/clock.ts';
import { buildMailMessage } from './mail-message.ts';
import type { MailTransport, SendOutcome } from './mail-transport.ts';
import { GroupCommit } from '../domain/group-commit.ts';
import type { OutboxRepository, OutboxRow, Settlement } from './outbox-repository.ts';
import type { VerpAddresses } from './verp.ts';

export interface DispatchLimits {
  /** Rows claimed per pass. */
  batchSize: number;
  leaseMs: number;
  /** A send starts only while at least this much of its lease is left. */
  maxSendMs: number;
  /** Sends in flight at once: the transport's pool size. */
  concurrency: number;
  retryBaseMs: number;
  retryMaxMs: number;
  maxAttempts: number;
  idlePollMs: number;
}

export const DEFAULT_DISPATCH_LIMITS: Readonly<DispatchLimits> = Object.freeze({
  batchSize: LIMITS.mailBatchSize,
  leaseMs: LIMITS.mailLeaseMs,
  maxSendMs: LIMITS.mailMaxSendMs,
  concurrency: LIMITS.mailPoolSize,
  retryBaseMs: LIMITS.mailRetryBaseMs,
  retryMaxMs: LIMITS.mailRetryMaxMs,
  maxAttempts: LIMITS.mailMaxAttempts,
  idlePollMs: LIMITS.mailIdlePollMs,
});

export interface DispatcherOptions {
  repository: OutboxRepository;
  /** undefined when no relay is configured: mail stays queued, and start() says so once. */
  transport: MailTransport | undefined;
  verp: VerpAddresses;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  timers?: Timers;
  limits?: Partial<DispatchLimits>;
  /** Written to claimed_by; `<host>/<pid>/<random>` by default, unique per dispatcher. */
  name?: string;
  /** Members whose mail is paused (after repeated bounces): their rows fail unsent. */
  paused?: (userIds: string[]) => Promise<ReadonlySet<string>>;
}

/** What one pass did. `released`: claimed but not tried (relay unavailable, lease short, stopping). */
export interface DispatchReport {
  claimed: number;
  sent: number;
  retried: number;
  bounced: number;
  failed: number;
  released: number;
}

/** The wait after the `attempts`-th failed send: base, doubling, capped. */
export function retryDelay(attempts: number, limits: Pick<DispatchLimits, 'retryBaseMs' | 'retryMaxMs'>): number {
  return Math.min(limits.retryMaxMs, limits.retryBaseMs * 2 ** Math.max(0, attempts - 1));
}

/** Every limit a positive whole number, and room in a lease for a send: else a pass could claim and hand back the same rows forever. */
function checkLimits(limits: DispatchLimits): DispatchLimits {
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`Dispatcher limit ${name} must be a positive whole number (got ${value})`);
  }
  if (limits.maxSendMs >= limits.leaseMs) throw new RangeError(`Dispatcher limits: maxSendMs (${limits.maxSendMs}) must be less than leaseMs (${limits.leaseMs})`);
  return limits;
}

function clip(text: string): string {
  return text.length > LIMITS.mailMaxErrorChars ? `${text.slice(0, LIMITS.mailMaxErrorChars - 1)}…` : text;
}

/**
 * Sends the outbox. A pass claims due rows with a lease, sends them through the transport
 * (`concurrency` at a time, one per pooled connection) and commits each row's outcome right
 * after the relay's answer, before that connection's next send. Rows that finish while a
 * commit is in flight share the next one (group commit): one fsync for several mails, which
 * is what lets a SQLite store keep up with five connections. 4xx answers and an unreachable
 * relay are retried with exponential backoff up to `maxAttempts`, then the row is `failed`; a
 * 5xx for the recipient makes it `bounced` and records a bounce for the member.
 *
 * Exactly once, and the one window where it is not: a row is marked sent only after the relay
 * said 250. If the process dies after the 250 and before that row's commit, the row is still
 * `sending`; once its lease runs out another dispatcher sends it again, and that recipient gets
 * the mail twice. The window is one commit, two when the row queued behind another (a local
 * SQLite commit with fsync, or one PostgreSQL transaction): milliseconds per mail, against
 * the time the send itself takes. A crash at any other moment duplicates nothing — before the
 * 250 the relay does not have the mail, after the commit no one claims the row again. (SMTP itself has the same window one step
 * earlier: a connection lost after the final dot and before the 250 leaves the relay with a
 * mail we will send again — RFC 1047; no client can close it.)
 *
 * Two dispatchers never send the same row: a claim is atomic, a send starts only while
 * `maxSendMs` of the lease is left (and the SMTP timeouts bound a send), and settling a row
 * checks that this dispatcher still holds it.
 *
 * Members whose mail is paused after repeated bounces (`paused`, src/mail/feedback/) are not
 * sent to: their rows end `failed` with the reason, without a send.
 *
 * Running: start() runs a pass at once, again while passes fill whole batches, then sleeps
 * until the next row is due (a retry, a lease running out) or `idlePollMs`, whichever is
 * first; wake() (called by the Outbox after an enqueue) cuts the sleep short. Tests call
 * runOnce() directly with an injected clock.
 */
export class Dispatcher {
  readonly name: string;
  private readonly repository: OutboxRepository;
  private readonly transport: MailTransport | undefined;
  private readonly verp: VerpAddresses;
  private readonly clock: Clock;
  private readonly logger: DispatcherOptions['logger'];
  private readonly timers: Timers;
  private readonly limits: DispatchLimits;
  private readonly paused: DispatcherOptions['paused'];
  private running = false;
  private stopping = false;
  private warnedNoRelay = false;
  private timer: unknown;
  private pass: Promise<void> | undefined;
  private wokenDuringPass = false;
  /** Settlements of all workers, committed together when they finish together. */
  private readonly commits: GroupCommit<Settlement, boolean>;

  constructor(options: DispatcherOptions) {
    this.repository = options.repository;
    this.transport = options.transport;
    this.verp = options.verp;
    this.clock = options.clock;
    this.logger = options.logger;
    this.timers = options.timers ?? systemTimers;
    this.limits = checkLimits({ ...DEFAULT_DISPATCH_LIMITS, ...options.limits });
    this.name = options.name ?? `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
    this.paused = options.paused;
    this.commits = new GroupCommit(async (settlements) => {
      const held = await this.repository.settle(this.name, settlements);
      return settlements.map((s) => held.has(s.id));
    });
  }

  /** Starts the loop; without a relay only warns (once) that mail stays queued. */
  start(): void {
    if (this.stopping) throw new Error('Dispatcher.start(): this dispatcher was stopped (its transport is closed); make a new one');
    if (this.running) return;
    if (this.transport === undefined) {
      if (!this.warnedNoRelay) this.logger.warn('RENRAKU_SMTP_RELAY_URL is empty: outbound mail stays queued in the outbox until a relay is configured');
      this.warnedNoRelay = true;
      return;
    }
    this.running = true;
    this.sleep(0);
  }

  /** New mail is due now: run a pass soon (no-op unless started). */
  wake(): void {
    if (!this.running) return;
    if (this.pass !== undefined) this.wokenDuringPass = true;
    else this.sleep(0);
  }

  /** Ends the loop: the pass in flight finishes the sends it started and hands back the rest; the transport is closed. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    await this.pass;
    await this.transport?.close();
  }

  /** One pass: claim a batch, send it, settle every row. Rejects only when the store fails. */
  async runOnce(): Promise<DispatchReport> {
    const report: DispatchReport = { claimed: 0, sent: 0, retried: 0, bounced: 0, failed: 0, released: 0 };
    const transport = this.transport;
    if (transport === undefined) return report;
    const now = this.clock.now();
    const rows = await this.repository.claim({ claimer: this.name, now, leaseUntil: now + this.limits.leaseMs, limit: this.limits.batchSize });
    report.claimed = rows.length;
    const userIds = [...new Set(rows.flatMap((row) => (row.user_id === null ? [] : [row.user_id])))];
    const paused = this.paused && userIds.length > 0 ? await this.paused(userIds) : new Set<string>();
    let next = 0;
    let holdUntil: number | undefined;
    let storeError: unknown;
    const canSend = (row: OutboxRow): boolean =>
      holdUntil === undefined && storeError === undefined && !this.stopping &&
      this.clock.now() + this.limits.maxSendMs <= (row.lease_until ?? 0);
    const worker = async (): Promise<void> => {
      for (let row = rows[next]; row !== undefined && canSend(row); row = rows[next]) {
        next += 1;
        const outcome = row.user_id !== null && paused.has(row.user_id)
          ? { kind: 'rejected' as const, detail: 'not sent: mail to this member is paused after repeated bounces' }
          : await transport.send(buildMailMessage(row, this.verp)).catch(
          (error: unknown): SendOutcome => ({ kind: 'retry', detail: `transport failed: ${String(error)}`, relayUnavailable: true }),
        );
        try {
          const hold = await this.settle(row, outcome, report);
          if (hold !== undefined) holdUntil = hold;
        } catch (error) {
          storeError ??= error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.limits.concurrency, rows.length) }, worker));
    const untried = rows.slice(next).map((row) => row.id);
    if (untried.length > 0 && storeError === undefined) {
      report.released = await this.repository.release(untried, this.name, holdUntil ?? this.clock.now());
    }
    if (storeError !== undefined) throw storeError;
    return report;
  }

  /**
   * Records the outcome of one send, committed (with whatever other workers settled
   * meanwhile) before this returns. Returns when the rest of the batch should wait: the
   * relay is unavailable.
   */
  private async settle(row: OutboxRow, outcome: SendOutcome, report: DispatchReport): Promise<number | undefined> {
    const at = this.clock.now();
    const log = { outbox_id: row.id, message_key: row.message_key, attempts: row.attempts };
    let settlement: Settlement;
    let hold: number | undefined;
    switch (outcome.kind) {
      case 'sent':
        settlement = { id: row.id, status: 'sent', at };
        report.sent += 1;
        break;
      case 'bounced':
        settlement = { id: row.id, status: 'bounced', code: outcome.code, detail: clip(outcome.detail), at };
        report.bounced += 1;
        this.logger.info({ ...log, code: outcome.code, detail: outcome.detail }, 'mail bounced: recorded against the recipient');
        break;
      case 'rejected':
        settlement = { id: row.id, status: 'failed', error: clip(outcome.detail) };
        report.failed += 1;
        this.logger.warn({ ...log, detail: outcome.detail }, 'mail refused before sending: not retried');
        break;
      case 'retry':
        if (row.attempts >= this.limits.maxAttempts) {
          settlement = { id: row.id, status: 'failed', error: clip(`gave up after ${row.attempts} attempts: ${outcome.detail}`) };
          report.failed += 1;
          this.logger.warn({ ...log, detail: outcome.detail }, 'mail failed: out of attempts');
        } else {
          settlement = { id: row.id, status: 'queued', nextAttemptAt: at + retryDelay(row.attempts, this.limits), error: clip(outcome.detail) };
          report.retried += 1;
          if (outcome.relayUnavailable) {
            hold = at + this.limits.retryBaseMs;
            this.logger.warn({ ...log, detail: outcome.detail }, 'mail relay unavailable: batch handed back for later');
          }
        }
        break;
    }
    if (!(await this.commits.submit(settlement))) this.logger.warn(log, 'outbox row was taken over by another dispatcher before it was settled');
    return hold;
  }

  /** Sets the one timer: the next pass in `delayMs`. */
  private sleep(delayMs: number): void {
    if (!this.running) return;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.pass = this.loop().finally(() => {
        this.pass = undefined;
      });
    }, delayMs);
  }

  /** Passes while they fill whole batches (or a wake came), then sleeps until the next due row. */
  private async loop(): Promise<void> {
    let delay = this.limits.idlePollMs;
    try {
      let report: DispatchReport;
      do {
        this.wokenDuringPass = false;
        report = await this.runOnce();
      } while (this.running && (report.claimed === this.limits.batchSize || this.wokenDuringPass));
      const due = await this.repository.nextDueAt();
      if (due !== undefined) delay = Math.min(delay, Math.max(0, due - this.clock.now()));
    } catch (error) {
      this.logger.error({ err: error }, 'outbox dispatch failed (store unavailable?): trying again later');
    }
    if (this.wokenDuringPass) delay = 0;
    this.pass = undefined;
    this.sleep(delay);
  }
}

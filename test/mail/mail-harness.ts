import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSmtpTransport } from '../../src/adapters/mail/smtp-transport.ts';
import { createStore } from '../../src/adapters/store/create-store.ts';
import type { Clock } from '../../src/domain/clock.ts';
import { IdGenerator } from '../../src/domain/ids.ts';
import type { Store } from '../../src/domain/store.ts';
import { Dispatcher, type DispatcherOptions, type DispatchLimits, type DispatchReport } from '../../src/mail/dispatcher.ts';
import type { OutgoingMail } from '../../src/mail/outgoing-mail.ts';
import { Outbox } from '../../src/mail/outbox.ts';
import { VerpAddresses } from '../../src/mail/verp.ts';

export const SECRET = 'test-secret-0123456789-0123456789-0123456789';
export const LIST_DOMAIN = 'renraku.example.org';
export const T0 = 1_800_000_000_000;

/** Time that moves only when a test says so. */
export class ManualClock implements Clock {
  private t: number;
  constructor(t = T0) {
    this.t = t;
  }
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/** A logger that keeps what was said, for assertions; prints nothing. */
export function recordingLogger() {
  const lines: { level: 'info' | 'warn' | 'error'; args: unknown[] }[] = [];
  const at = (level: 'info' | 'warn' | 'error') => (...args: unknown[]) => {
    lines.push({ level, args });
  };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

/** `count` mails of one message to member0…member<count-1>. */
export function mails(count: number, messageKey = 'ann:1:send', over: Partial<OutgoingMail> = {}): OutgoingMail[] {
  return Array.from({ length: count }, (_, i) => ({
    message_key: messageKey,
    user_id: `u-${i}`,
    to: `member${i}@example.com`,
    subject: `Notice ${messageKey}`,
    text: `Hello member ${i}`,
    ...over,
  }));
}

export interface MailWorld {
  dir: string;
  /** The SQLite file (for a child process to open). */
  file: string;
  store: Store;
  clock: ManualClock;
  outbox: Outbox;
  verp: VerpAddresses;
  logger: ReturnType<typeof recordingLogger>;
  /** A dispatcher on this world's store sending to `relayUrl` (undefined: no relay). */
  dispatcher(relayUrl: string | undefined, limits?: Partial<DispatchLimits>, over?: Partial<DispatcherOptions>): Dispatcher;
  close(): Promise<void>;
}

/**
 * A migrated SQLite store in a temp dir, a manual clock (at `now`, T0 by default), an
 * Outbox; dispatchers made on demand and stopped by close().
 */
export async function openMailWorld(now = T0): Promise<MailWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'renraku-mail-'));
  const file = join(dir, 'mail.sqlite3');
  const store = await createStore({ databaseUrl: `sqlite:${file}`, dataDir: dir });
  await store.migrate();
  const clock = new ManualClock(now);
  const verp = new VerpAddresses(SECRET, LIST_DOMAIN);
  const logger = recordingLogger();
  const dispatchers: Dispatcher[] = [];
  const outbox = new Outbox({ repository: store.outbox, ids: new IdGenerator(() => clock.now()), clock, listDomain: LIST_DOMAIN, onEnqueued: () => dispatchers.forEach((d) => d.wake()) });
  return {
    dir, file, store, clock, outbox, verp, logger,
    dispatcher(relayUrl, limits = {}, over = {}) {
      const transport = relayUrl === undefined ? undefined : createSmtpTransport({ relayUrl, ...(limits.concurrency ? { maxConnections: limits.concurrency } : {}) });
      const dispatcher = new Dispatcher({ repository: store.outbox, transport, verp, clock, logger, limits, ...over });
      dispatchers.push(dispatcher);
      return dispatcher;
    },
    async close() {
      for (const d of dispatchers) await d.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Passes until one claims nothing; the reports summed. */
export async function drain(dispatcher: Dispatcher): Promise<DispatchReport> {
  const total: DispatchReport = { claimed: 0, sent: 0, retried: 0, bounced: 0, failed: 0, released: 0 };
  for (;;) {
    const report = await dispatcher.runOnce();
    if (report.claimed === 0) return total;
    for (const key of Object.keys(total) as (keyof DispatchReport)[]) total[key] += report[key];
  }
}

/** How many times each key occurs. */
export function tally(keys: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

import type { InboundKind, InboundRecipient } from './inbound-handler.ts';

/** What the SMTP server commits before it answers 250. */
export interface NewInboundMessage {
  /** A ULID. */
  id: string;
  /** What makes a retry the same message: the Message-ID, lower-cased, or a hash of the content (dedupe-key.ts). */
  dedupe_key: string;
  envelope_from: string;
  raw: Buffer;
  /** The parsed form kept with the raw message (message-summary.ts). */
  parsed: Record<string, unknown>;
  received_at: number;
}

export interface StoredInboundMessage extends NewInboundMessage {
  size: number;
}

/** One accepted recipient of one message: processed once its handler has run to the end. */
export interface InboundDelivery {
  message_id: string;
  address: string;
  kind: InboundKind;
  group_id: string | null;
  token: string | null;
  processed_at: number | null;
  attempts: number;
  last_error: string | null;
}

/**
 * Inbound mail as received, and which of its recipients were processed (implemented with
 * Kysely for SQLite and PostgreSQL: src/adapters/store/inbound-repository.ts).
 */
export interface InboundRepository {
  /**
   * In one transaction: the message and one delivery per recipient whose (dedupe_key,
   * address) is new. Returns the recipients that were new; when none was, nothing is stored
   * (the message is a retry of one already accepted).
   */
  commit(message: NewInboundMessage, recipients: readonly InboundRecipient[]): Promise<InboundRecipient[]>;
  findMessage(id: string): Promise<StoredInboundMessage | undefined>;
  /**
   * Deliveries not yet processed with fewer than `maxAttempts` attempts, oldest first; with
   * `receivedBefore`, only of messages received before then (leaves fresh ones to the server
   * that is processing them).
   */
  listUnprocessed(opts: { limit: number; maxAttempts: number; receivedBefore?: number }): Promise<InboundDelivery[]>;
  /** Counts an attempt (before running the handler, so a handler that crashes the process runs out). */
  startAttempt(messageId: string, address: string): Promise<void>;
  markProcessed(messageId: string, address: string, at: number): Promise<void>;
  markFailed(messageId: string, address: string, error: string): Promise<void>;
  /** Deletes messages received before `at` with their deliveries (raw mail is not kept forever); returns how many. */
  deleteReceivedBefore(at: number): Promise<number>;
}

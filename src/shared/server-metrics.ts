/**
 * What the server's hot paths report to metrics — channel joins and fan-out, rate limits,
 * slow-consumer cuts and recoveries, the bus, inbound SMTP — as plain calls that code can make
 * without knowing prom-client (ops/OpsMetrics implements it). Each call is a counter increment
 * or a histogram observation: no allocation, no I/O. `NO_SERVER_METRICS` is the default, so
 * code and tests that wire none pay nothing.
 */
export interface ServerMetrics {
  /** A channel join answered (`ok` or the refusal's reason code). */
  join(outcome: 'ok' | 'error'): void;
  leave(): void;
  /** One broadcast delivered to this node's `recipients` subscribers in `seconds`. */
  fanOut(seconds: number, recipients: number): void;
  /** A frame refused by a rate limit (`join` or `message` bucket). */
  rateLimited(kind: 'join' | 'message'): void;
  /** A slow consumer terminated (more than LIMITS.maxBufferedBytes unsent). */
  slowClientCut(): void;
  /** Messages sent to a client that rejoined with `last_seq` (recovery size). */
  recovered(messages: number): void;
  /** Bus: one publish took `seconds`; a message from another node arrived `seconds` after it was sent. */
  busPublish(seconds: number): void;
  busReceive(seconds: number): void;
  busReconnect(): void;
  /** Inbound SMTP: a session opened; a recipient or message refused, with the reason's code. */
  smtpSession(): void;
  smtpRejected(reason: string): void;
}

const nothing = (): void => {};

export const NO_SERVER_METRICS: ServerMetrics = {
  join: nothing, leave: nothing, fanOut: nothing, rateLimited: nothing, slowClientCut: nothing, recovered: nothing,
  busPublish: nothing, busReceive: nothing, busReconnect: nothing, smtpSession: nothing, smtpRejected: nothing,
};

/** An answer other than 2xx, with the server's error code (docs/errors.md), or `network`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Retry-After of a 429, in seconds, when the server sent one. */
  readonly retryAfterSeconds: number | undefined;
  /** The error body's other fields (e.g. `groups` of `sole_owner`). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(status: number, code: string, message: string, extra: { retryAfterSeconds?: number; details?: Record<string, unknown> } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = extra.retryAfterSeconds;
    this.details = extra.details ?? {};
  }

  /** Failed before any answer: offline, server down, connection cut. */
  get isNetwork(): boolean {
    return this.code === 'network';
  }
}

/** Retry-After as seconds: a number of seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

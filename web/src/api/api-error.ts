/** An answer other than 2xx, with the server's error code (docs/errors.md), or `network`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }

  /** Failed before any answer: offline, server down, connection cut. */
  get isNetwork(): boolean {
    return this.code === 'network';
  }
}

/** A refusal from `/api/ops` or `/metrics`: the declared code (docs/errors.md) and message. */
export class OpsError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status: number) {
    super(message);
    this.name = 'OpsError';
    this.code = code;
    this.status = status;
  }
}

export interface TraceEvent {
  at: number;
  kind: 'broadcast' | 'in' | 'out';
  topic: string | null;
  event: string | null;
  connection: string | null;
  size: number;
  preview: string;
}

/**
 * The node's diagnostics API for the operators page: `POST /api/ops/<command>` with the
 * operator token, the same commands as `renraku diag --url`. The token lives only in this
 * object (and the tab's sessionStorage), never in a cookie.
 */
export class OpsClient {
  private readonly token: string;
  private readonly fetcher: typeof fetch;

  constructor(token: string, fetcher: typeof fetch = (input, init) => fetch(input, init)) {
    this.token = token;
    this.fetcher = fetcher;
  }

  async run<T>(command: string, args: Record<string, unknown> = {}): Promise<T> {
    const res = await this.post(command, args);
    const body = (await res.json()) as { code?: string; message?: string };
    if (!res.ok) throw new OpsError(body.code ?? `http_${res.status}`, body.message ?? `HTTP ${res.status}`, res.status);
    return body as T;
  }

  /** Streams a trace's events until it stops itself (or `signal` aborts); resolves to its summary. */
  async trace(args: { target: string; max: number; seconds: number }, onEvent: (event: TraceEvent) => void, signal: AbortSignal): Promise<{ recorded: number; dropped: number; stoppedBy: string }> {
    const res = await this.post('trace', args, signal);
    if (!res.ok) {
      const body = (await res.json()) as { code?: string; message?: string };
      throw new OpsError(body.code ?? `http_${res.status}`, body.message ?? `HTTP ${res.status}`, res.status);
    }
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = JSON.parse(buffer.slice(0, nl)) as { event?: TraceEvent; ok?: boolean; result?: { recorded: number; dropped: number; stoppedBy: string }; error?: { code: string; message: string } };
        buffer = buffer.slice(nl + 1);
        if (line.event) onEvent(line.event);
        else if (line.ok && line.result) return line.result;
        else if (line.error) throw new OpsError(line.error.code, line.error.message, 200);
      }
    }
    throw new OpsError('unavailable', 'The trace ended without a summary.', 0);
  }

  private post(command: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<Response> {
    return this.fetcher(`/api/ops/${encodeURIComponent(command)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ args }),
      ...(signal ? { signal } : {}),
    });
  }
}

import type { ChildProcess } from 'node:child_process';

/**
 * Request/response over a child process's IPC channel, every call bounded by a timeout. The
 * harness drives its load workers and reads server probes this way. `Api` maps each method to
 * its params and result so both ends are typed from one declaration.
 */
export type RpcApi = Record<string, { params: unknown; result: unknown }>;

interface RpcRequest {
  rpc: number;
  method: string;
  params: unknown;
}

interface RpcResponse {
  rpc: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

function isResponse(m: unknown): m is RpcResponse {
  return typeof m === 'object' && m !== null && typeof (m as RpcResponse).rpc === 'number' && 'ok' in m;
}

export class RpcClient<Api extends RpcApi> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  constructor(private readonly child: ChildProcess, private readonly name: string) {
    child.on('message', (m: unknown) => {
      if (!isResponse(m)) return;
      const p = this.pending.get(m.rpc);
      if (!p) return;
      this.pending.delete(m.rpc);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`${this.name}: ${m.error ?? 'failed'}`));
    });
    child.on('exit', (code, signal) => this.failAll(new Error(`${this.name} exited (${signal ?? code})`)));
  }

  call<M extends keyof Api & string>(method: M, params: Api[M]['params'], timeoutMs: number): Promise<Api[M]['result']> {
    return new Promise((resolve, reject) => {
      if (!this.child.connected) return reject(new Error(`${this.name}: not connected`));
      const id = this.nextId++;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: ${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      const req: RpcRequest = { rpc: id, method, params };
      this.child.send(req);
    });
  }

  private failAll(err: Error): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(err);
      this.pending.delete(id);
    }
  }
}

export type RpcHandlers<Api extends RpcApi> = { [M in keyof Api]: (params: Api[M]['params']) => Api[M]['result'] | Promise<Api[M]['result']> };

/** The child side: answers each request with its handler's result or error. */
export function serveRpc<Api extends RpcApi>(handlers: RpcHandlers<Api>): void {
  process.on('message', (m: unknown) => {
    const req = m as RpcRequest;
    if (typeof req !== 'object' || req === null || typeof req.rpc !== 'number' || typeof req.method !== 'string') return;
    const handler = (handlers as Record<string, ((p: unknown) => unknown) | undefined>)[req.method];
    const reply = (r: RpcResponse) => process.send?.(r);
    if (!handler) {
      reply({ rpc: req.rpc, ok: false, error: `unknown method ${req.method}; valid: ${Object.keys(handlers).join(', ')}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(req.params))
      .then(
        (result) => reply({ rpc: req.rpc, ok: true, result }),
        (e: unknown) => reply({ rpc: req.rpc, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
      );
  });
}

import type { Logger } from 'pino';
import type { Timers } from '../domain/clock.ts';
import type { Bus, BusMessage } from '../pubsub/bus.ts';

/** Each node's inbox topic on the bus (no `:`, so never a channel topic). */
export function nodeInbox(nodeId: string): string {
  return `renraku.node.${nodeId}`;
}

/** Answers one request; `cancelled` aborts when the asking side gave up (its client went away). */
export type RequestHandler = (payload: unknown, cancelled: AbortSignal) => Promise<unknown>;

type Envelope =
  | { t: 'req'; id: number; from: string; m: string; p: unknown }
  | { t: 'res'; id: number; ok: true; r: unknown }
  | { t: 'res'; id: number; ok: false; e: string }
  | { t: 'cancel'; id: number; from: string };

export class NodeRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NodeRequestError';
  }
}

interface Waiting {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * Request/response between two nodes over the Bus: every node subscribes its own inbox topic;
 * a request names the method and the asker, the answer goes to the asker's inbox. Each request
 * waits at most its timeout (the other node may be gone: the bus is at most once) and can be
 * cancelled; the answering handler then sees its signal abort.
 */
export class NodeRequests {
  private readonly bus: Bus;
  private readonly nodeId: string;
  private readonly timers: Timers;
  private readonly logger: Logger | undefined;
  private readonly handlers = new Map<string, RequestHandler>();
  private readonly waiting = new Map<number, Waiting>();
  /** Requests being answered here, by asker and id, so a cancel can reach them. */
  private readonly serving = new Map<string, AbortController>();
  private nextId = 1;

  constructor(deps: { bus: Bus; nodeId: string; timers: Timers; logger?: Logger }) {
    this.bus = deps.bus;
    this.nodeId = deps.nodeId;
    this.timers = deps.timers;
    this.logger = deps.logger;
  }

  start(): Promise<void> {
    return this.bus.subscribe(nodeInbox(this.nodeId), (message) => this.receive(message));
  }

  /** The handler of `method`; one per method. */
  handle(method: string, handler: RequestHandler): void {
    if (this.handlers.has(method)) throw new Error(`node requests: "${method}" already has a handler`);
    this.handlers.set(method, handler);
  }

  /** Asks `node`; rejects with NodeRequestError after `timeoutMs`, on an error answer, or when `cancel` aborts. */
  request(node: string, method: string, payload: unknown, timeoutMs: number, cancel?: AbortSignal): Promise<unknown> {
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const done = () => {
        this.timers.clearTimeout(timer);
        cancel?.removeEventListener('abort', onCancel);
        this.waiting.delete(id);
      };
      const onCancel = () => {
        done();
        this.send(node, { t: 'cancel', id, from: this.nodeId });
        reject(new NodeRequestError(`request ${method} to ${node} cancelled`));
      };
      const timer = this.timers.setTimeout(() => {
        done();
        reject(new NodeRequestError(`no answer from node ${node} to ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (value) => { done(); resolve(value); },
        reject: (error) => { done(); reject(error); },
      });
      if (cancel?.aborted) return onCancel();
      cancel?.addEventListener('abort', onCancel, { once: true });
      this.send(node, { t: 'req', id, from: this.nodeId, m: method, p: payload });
    });
  }

  async stop(): Promise<void> {
    for (const controller of this.serving.values()) controller.abort();
    for (const waiting of this.waiting.values()) waiting.reject(new NodeRequestError('node requests stopped'));
    await this.bus.unsubscribe(nodeInbox(this.nodeId)).catch(() => {});
  }

  private receive(message: BusMessage): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message.frame.toString()) as Envelope;
    } catch (err) {
      this.logger?.error({ err }, 'node requests: dropped an unreadable message');
      return;
    }
    if (envelope.t === 'res') {
      const waiting = this.waiting.get(envelope.id);
      if (envelope.ok) waiting?.resolve(envelope.r);
      else waiting?.reject(new NodeRequestError(envelope.e));
    } else if (envelope.t === 'cancel') {
      this.serving.get(`${envelope.from}/${envelope.id}`)?.abort();
    } else if (envelope.t === 'req') {
      this.serve(envelope);
    }
  }

  private serve(request: Extract<Envelope, { t: 'req' }>): void {
    const handler = this.handlers.get(request.m);
    if (!handler) {
      this.send(request.from, { t: 'res', id: request.id, ok: false, e: `no handler for "${request.m}" on node ${this.nodeId}` });
      return;
    }
    const key = `${request.from}/${request.id}`;
    const controller = new AbortController();
    this.serving.set(key, controller);
    handler(request.p, controller.signal).then(
      (r) => this.send(request.from, { t: 'res', id: request.id, ok: true, r }),
      (err: unknown) => {
        this.logger?.error({ err, method: request.m }, 'node requests: a handler failed');
        this.send(request.from, { t: 'res', id: request.id, ok: false, e: err instanceof Error ? err.message : String(err) });
      },
    ).finally(() => this.serving.delete(key));
  }

  private send(node: string, envelope: Envelope): void {
    this.bus.publish(nodeInbox(node), { frame: JSON.stringify(envelope) }).catch((err: unknown) => {
      this.logger?.debug({ err, node }, 'node requests: publish failed');
    });
  }
}

import { LongPoll, Socket, type Channel } from 'phoenix';
import WebSocket from 'ws';

export type TransportName = 'websocket' | 'longpoll';

/** A connected official phoenix.js client. Node 20 has no global WebSocket: pass `ws`. */
export function connect(wsUrl: string, socketToken: string, transport: TransportName, opts: { authToken?: boolean } = {}): Socket {
  const socket = new Socket(`${wsUrl}/socket`, {
    ...(opts.authToken ? { authToken: socketToken } : { params: { token: socketToken } }),
    transport: (transport === 'websocket' ? WebSocket : LongPoll) as never,
    reconnectAfterMs: () => 50,
    rejoinAfterMs: () => 100_000, // tests decide when to rejoin
    logger: process.env.PHX_DEBUG ? (kind: string, msg: string, data: unknown) => console.log(kind, msg, data) : undefined,
  } as never);
  socket.connect();
  return socket;
}

/** Resolves with a promise's value or fails after `ms` (a bound on every wait; no sleeps). */
export function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms); }),
  ]);
}

export function join(channel: Channel, ms = 5000): Promise<any> {
  return within(ms, `join ${channel.topic}`, new Promise((resolve, reject) => {
    channel.join(ms)
      .receive('ok', resolve)
      .receive('error', (resp: unknown) => reject(Object.assign(new Error(`join refused: ${JSON.stringify(resp)}`), { response: resp })))
      .receive('timeout', () => reject(new Error('join timeout')));
  }));
}

/** Pushes and resolves with the ok response; rejects with the error response attached. */
export function push(channel: Channel, event: string, payload: object, ms = 5000): Promise<any> {
  return within(ms, `${event} reply`, new Promise((resolve, reject) => {
    channel.push(event, payload, ms)
      .receive('ok', resolve)
      .receive('error', (resp: unknown) => reject(Object.assign(new Error(`${event} refused: ${JSON.stringify(resp)}`), { response: resp })))
      .receive('timeout', () => reject(new Error(`${event} timeout`)));
  }));
}

/** Collects every `event` on a channel; `waitFor` resolves once the predicate holds. */
export function collect<T = any>(channel: Channel, event: string) {
  const items: T[] = [];
  let waiters: { pred: (items: T[]) => boolean; resolve: () => void }[] = [];
  channel.on(event, (payload: T) => {
    items.push(payload);
    waiters = waiters.filter((w) => (w.pred(items) ? (w.resolve(), false) : true));
  });
  return {
    items,
    waitFor(pred: (items: T[]) => boolean, ms = 5000): Promise<T[]> {
      if (pred(items)) return Promise.resolve(items);
      return within(ms, `${event} on ${channel.topic}`, new Promise<void>((resolve) => waiters.push({ pred, resolve })).then(() => items));
    },
  };
}

export function disconnect(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.disconnect(() => resolve()));
}

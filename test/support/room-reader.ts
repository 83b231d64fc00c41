import { LongPoll, Presence, Socket, type Channel } from 'phoenix';
import WebSocket from 'ws';
import { within, type TransportName } from './phoenix-helpers.ts';

/**
 * An official phoenix.js client as a real app would run it against a cluster: it reconnects and
 * rejoins by itself (quickly), and rejoins its room with `{last_seq}` — the params are a
 * closure, so every rejoin carries the newest seq seen. It records every `seq` it was given
 * (recovered in a join reply, or live), in arrival order, so a test can check "every
 * acknowledged message, in order, once".
 */
export class RoomReader {
  readonly socket: Socket;
  readonly channel: Channel;
  readonly presence: Presence;
  /** Every seq received, in order of arrival, duplicates included (there must be none). */
  readonly received: number[] = [];
  /** Join replies that said `recovered: false` (more missed than the recovery bound). */
  unrecovered = 0;
  joins = 0;
  errors: string[] = [];
  private lastSeq: number | undefined;
  private waiters: Array<() => boolean> = [];

  constructor(url: string, socketToken: string, roomId: string, transport: TransportName = 'websocket') {
    this.socket = new Socket(`${url.replace(/^http/, 'ws')}/socket`, {
      params: { token: socketToken },
      transport: (transport === 'websocket' ? WebSocket : LongPoll) as never,
      reconnectAfterMs: () => 50,
      rejoinAfterMs: () => 50,
      timeout: 5000,
    } as never);
    this.channel = this.socket.channel(`room:${roomId}`, () => (this.lastSeq === undefined ? {} : { last_seq: this.lastSeq }));
    this.presence = new Presence(this.channel);
    this.channel.on('msg', (m: { seq: number }) => this.add(m.seq));
    this.channel.onError((reason: unknown) => {
      this.errors.push(String((reason as { reason?: string } | undefined)?.reason ?? reason));
    });
    this.socket.connect();
  }

  /** Joins (first time); later rejoins happen by themselves and are counted in `joins`. */
  join(): Promise<{ last_seq: number }> {
    return within(10_000, `join ${this.channel.topic}`, new Promise((resolve, reject) => {
      this.channel.join()
        .receive('ok', (reply: { last_seq: number; messages?: Array<{ seq: number }>; recovered?: boolean }) => {
          this.joins++;
          if (reply.recovered === false) this.unrecovered++;
          for (const m of reply.messages ?? []) this.add(m.seq);
          this.lastSeq = Math.max(this.lastSeq ?? reply.last_seq, reply.last_seq);
          this.notify();
          resolve(reply);
        })
        .receive('error', (resp: unknown) => reject(new Error(`join refused: ${JSON.stringify(resp)}`)));
    }));
  }

  /** Resolves once `pred` holds (checked on every received message and join); fails after `ms`. */
  waitFor(what: string, pred: () => boolean, ms = 15_000): Promise<void> {
    if (pred()) return Promise.resolve();
    return within(ms, what, new Promise<void>((resolve) => {
      const check = () => {
        if (!pred()) return false;
        resolve();
        return true;
      };
      this.waiters.push(check);
    }));
  }

  /** The presence keys this client sees, sorted. */
  presenceKeys(): string[] {
    return this.presence.list((key: string) => key).sort();
  }

  /** Resolves once the presence list equals `keys` (sorted); fails after `ms`. */
  presenceIs(keys: string[], ms = 15_000): Promise<void> {
    const want = JSON.stringify([...keys].sort());
    if (JSON.stringify(this.presenceKeys()) === want) return Promise.resolve();
    return within(ms, `presence ${want} on a client (has ${JSON.stringify(this.presenceKeys())})`, new Promise<void>((resolve) => {
      this.presence.onSync(() => {
        if (JSON.stringify(this.presenceKeys()) === want) resolve();
      });
    }));
  }

  /**
   * Pushes `msg:new` and resolves with its seq once acknowledged; on a timeout or a lost
   * connection it sends again with the same client_id (the server answers a retry with the
   * first answer, never a duplicate), as a client app must. So it does after `unmatched topic`:
   * the push crossed the server's `phx_error` (a resync) and was not handled; phoenix.js holds
   * the retry until the channel has rejoined.
   */
  async send(body: string, clientId: string, attempts = 8): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await new Promise<number>((resolve, reject) => {
          this.channel.push('msg:new', { body, client_id: clientId }, 3000)
            .receive('ok', (reply: { seq: number }) => resolve(reply.seq))
            .receive('error', (resp: unknown) => reject(new Error(`msg:new refused: ${JSON.stringify(resp)}`)))
            .receive('timeout', () => reject(new Error('msg:new timeout')));
        });
      } catch (err) {
        if (attempt >= attempts || !/timeout|unmatched topic/.test(String(err))) throw err;
      }
    }
  }

  close(): Promise<void> {
    this.channel.leave();
    return new Promise((resolve) => this.socket.disconnect(() => resolve()));
  }

  private add(seq: number): void {
    this.received.push(seq);
    this.lastSeq = Math.max(this.lastSeq ?? 0, seq);
    this.notify();
  }

  private notify(): void {
    this.waiters = this.waiters.filter((waiter) => !waiter());
  }
}

/** `received` is exactly first..last, each once, ascending: nothing lost, duplicated or reordered. */
export function assertContiguous(received: number[], from: number, to: number): string | undefined {
  const want = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  if (JSON.stringify(received) === JSON.stringify(want)) return undefined;
  const dupes = received.filter((s, i) => received.indexOf(s) !== i);
  const missing = want.filter((s) => !received.includes(s));
  const disorder = received.findIndex((s, i) => i > 0 && s <= received[i - 1]!);
  return `expected seq ${from}..${to} once each in order; missing ${JSON.stringify(missing.slice(0, 20))}, duplicated ${JSON.stringify(dupes.slice(0, 20))}, first out of order at index ${disorder}`;
}

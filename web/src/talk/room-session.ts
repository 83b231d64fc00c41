import { Presence, type Channel, type Socket } from 'phoenix';
import type { ApiClient } from '../api/api-client.ts';
import type { ChannelError, Message, PostReply, RoomJoinReply, User } from '../api/types.ts';
import { CLIENT_LIMITS } from '../limits.ts';
import { newClientId } from '../lib/client-id.ts';
import { Observable } from '../lib/observable.ts';
import type { UnreadBook } from '../realtime/unread-book.ts';
import type { Outbox, OutboxItem } from './outbox.ts';
import { Timeline } from './timeline.ts';
import { TypingSet } from './typing-set.ts';

export interface RoomState {
  status: 'loading' | 'ready' | 'error';
  /** An error code (docs/errors.md) when status is `error`. */
  error?: string;
  messages: readonly Message[];
  hasOlder: boolean;
  loadingOlder: boolean;
  joined: boolean;
  /** The first message that was unread when the room was opened (the "new messages" line). */
  firstUnreadSeq?: number;
  /** What the last reconnect brought back: the "missed while disconnected" line and count. */
  missed?: { count: number; fromSeq: number; complete: boolean };
  online: readonly { id: string; name: string }[];
  /** In a crowded room the server sends only a count (`presence_count`), no list: undefined otherwise. */
  crowd?: number | undefined;
  typing: readonly string[];
  pending: readonly OutboxItem[];
}

export interface RoomSessionDeps {
  socket: Socket;
  api: ApiClient;
  me: User;
  roomId: string;
  groupId: string;
  outbox: Outbox;
  unread: UnreadBook;
  network: Observable<boolean>;
  now?: () => number;
}

/** A push that failed: the server's refusal, or `timeout` / `offline`. */
export class PushError extends Error {
  readonly reason: string;
  constructor(reason: string, message?: string) {
    super(message ?? reason);
    this.reason = reason;
  }
}

/**
 * One open room over `room:<id>`. The newest page comes over HTTP, then the channel joins with
 * `{last_seq}` — a function, so every rejoin after a disconnect sends the newest seq held and
 * the reply carries exactly what was missed (more than the server's bound → pages forward, or
 * starts over at the newest page). Messages typed go through the Outbox: pushed when joined
 * and online, each with its client_id, removed when the server's answer (or the message itself)
 * comes back, so a retry never makes a duplicate and nothing typed is lost.
 */
export class RoomSession {
  readonly state: Observable<RoomState>;
  private readonly deps: RoomSessionDeps;
  private readonly now: () => number;
  private readonly timeline = new Timeline();
  private readonly typingSet: TypingSet;
  private readonly inflight = new Set<string>();
  private readonly cleanups: (() => void)[] = [];
  private channel: Channel | undefined;
  private joins = 0;
  private catchingUp: Promise<void> | undefined;
  private loadingOlder: Promise<void> | undefined;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private readTimer: ReturnType<typeof setTimeout> | undefined;
  private lastTypingSent = 0;
  private reportedRead = 0;
  private unreadKnown = false;
  private closed = false;

  constructor(deps: RoomSessionDeps) {
    this.deps = deps;
    this.now = deps.now ?? Date.now;
    this.typingSet = new TypingSet(CLIENT_LIMITS.typingShowMs);
    this.state = new Observable<RoomState>({
      status: 'loading', messages: [], hasOlder: false, loadingOlder: false, joined: false,
      online: [], typing: [], pending: deps.outbox.forRoom(deps.roomId),
    });
  }

  get roomId(): string {
    return this.deps.roomId;
  }

  /** Loads the newest page, joins the channel, and starts sending what waits in the outbox. */
  open(): void {
    const { socket, outbox, network, unread } = this.deps;
    this.cleanups.push(outbox.items.subscribe(() => this.publish()));
    this.cleanups.push(network.subscribe((online) => online && this.flush()));
    this.cleanups.push(unread.rooms.subscribe(() => this.settleFirstUnread()));
    const channel = (this.channel = socket.channel(`room:${this.roomId}`, () => (this.timeline.isLoaded ? { last_seq: this.timeline.lastSeq } : {})));
    channel.on('msg', (m: Message) => this.receive([m]));
    channel.on('msg:edited', (m: Message) => {
      if (this.timeline.replace(m)) this.publish();
    });
    channel.on('msg:deleted', ({ seq }: { seq: number }) => {
      if (this.timeline.markDeleted(seq)) this.publish();
    });
    channel.on('typing', ({ user_id }: { user_id: string }) => this.sawTyping(user_id));
    channel.onError(() => this.publish());
    channel.onClose(() => this.publish());
    const presence = new Presence(channel);
    presence.onSync(() => {
      const online = presence.list((id: string, { metas }: { metas: { name?: string }[] }) => ({ id, name: metas[0]?.name ?? '' }));
      // A list again means the room is no longer crowded: the count gives way to it.
      this.publish(online.length > 0 ? { online, crowd: undefined } : { online });
    });
    channel.on('presence_count', ({ count }: { count: number }) => this.publish({ crowd: count }));
    void this.loadFirstPage().finally(() => {
      if (this.closed) return;
      channel.join(CLIENT_LIMITS.pushTimeoutMs)
        .receive('ok', (reply: RoomJoinReply) => void this.joined(reply))
        .receive('error', (e: ChannelError) => this.publish({ status: 'error', error: e.reason }));
    });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.typingTimer);
    clearTimeout(this.readTimer);
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.channel?.leave();
  }

  /** Queues a message (kept on the device) and sends it as soon as the room is joined. */
  send(body: string, replyTo: string | null): void {
    this.deps.outbox.add({ client_id: newClientId(), room_id: this.roomId, body, reply_to: replyTo, created_at: this.now() });
    this.flush();
  }

  retry(clientId: string): void {
    this.deps.outbox.retry(clientId);
    this.flush();
  }

  discard(clientId: string): void {
    this.deps.outbox.remove(clientId);
  }

  async edit(id: string, body: string): Promise<void> {
    const view = (await this.push('msg:edit', { id, body })) as Message;
    if (this.timeline.replace(view)) this.publish();
  }

  async remove(id: string): Promise<void> {
    const view = (await this.push('msg:delete', { id })) as Message;
    if (this.timeline.replace(view)) this.publish();
  }

  /** Tells the room we are typing, at most once per CLIENT_LIMITS.typingSendIntervalMs. */
  typing(): void {
    const now = this.now();
    if (now - this.lastTypingSent < CLIENT_LIMITS.typingSendIntervalMs || this.channel?.state !== 'joined') return;
    this.lastTypingSent = now;
    this.channel.push('typing', {});
  }

  /** The view shows the newest message: report it read (once quiet, and only forward). */
  markRead(): void {
    const seq = this.timeline.lastSeq;
    if (!this.unreadKnown || seq <= this.reportedRead || seq <= this.deps.unread.lastRead(this.roomId)) return;
    clearTimeout(this.readTimer);
    this.readTimer = setTimeout(() => {
      if (this.channel?.state !== 'joined') return;
      this.reportedRead = seq;
      this.push('read', { seq }).then(
        (r) => {
          const { last_read_seq, unread } = r as { last_read_seq: number; unread: number };
          this.deps.unread.apply({ room_id: this.roomId, group_id: this.deps.groupId, last_seq: last_read_seq + unread, last_read_seq, unread });
        },
        () => {
          this.reportedRead = 0;
        },
      );
    }, CLIENT_LIMITS.readReportDelayMs);
  }

  /**
   * Loads older pages: one (scrolling back), or — with `until` — as many as it takes to hold
   * that seq (jumping to the first unread), rendering once at the end.
   */
  loadOlder(until?: number): Promise<void> {
    if (this.loadingOlder) return this.loadingOlder.then(() => (until !== undefined ? this.loadOlder(until) : undefined));
    if (!this.timeline.hasOlder || this.timeline.firstSeq === undefined) return Promise.resolve();
    this.publish({ loadingOlder: true });
    this.loadingOlder = (async () => {
      try {
        do {
          const before = this.timeline.firstSeq;
          if (before === undefined) return;
          const limit = until === undefined ? CLIENT_LIMITS.historyPageSize : CLIENT_LIMITS.jumpPageSize;
          const { messages } = await this.deps.api.history(this.roomId, { before, limit });
          if (this.timeline.prepend(messages) === 0 || this.closed) return;
        } while (until !== undefined && (this.timeline.firstSeq ?? 0) > until && this.timeline.hasOlder);
      } catch {
        // Offline: the view asks again when scrolled to the top again.
      }
    })().finally(() => {
      this.loadingOlder = undefined;
      this.publish({ loadingOlder: false });
    });
    return this.loadingOlder;
  }

  /** Loads older pages until `seq` is held (to jump to the first unread message). */
  async loadUntil(seq: number): Promise<boolean> {
    if ((this.timeline.firstSeq ?? 0) > seq) await this.loadOlder(seq);
    return this.timeline.bySeq(seq) !== undefined;
  }

  messageById(id: string): Message | undefined {
    return this.timeline.byId(id);
  }

  private async loadFirstPage(lastSeqHint?: number): Promise<void> {
    if (this.timeline.isLoaded) return;
    try {
      const page = lastSeqHint === undefined ? {} : { before: lastSeqHint + 1 };
      const { messages } = await this.deps.api.history(this.roomId, { ...page, limit: CLIENT_LIMITS.historyPageSize });
      if (this.timeline.isLoaded) return;
      this.timeline.reset(messages, lastSeqHint ?? 0);
      this.reconcile(messages);
      this.publish({ status: 'ready' });
      this.settleFirstUnread();
    } catch (error) {
      if (!this.timeline.isLoaded && (error as { isNetwork?: boolean }).isNetwork !== true) {
        this.publish({ status: 'error', error: (error as { code?: string }).code ?? 'internal' });
      }
    }
  }

  /** Each (re)join: take what was missed, page forward if it was too much, then send. */
  private async joined(reply: RoomJoinReply): Promise<void> {
    this.joins += 1;
    const rejoin = this.joins > 1;
    if (!this.timeline.isLoaded) await this.loadFirstPage(reply.last_seq);
    const before = this.timeline.lastSeq;
    if (reply.messages && reply.messages.length > 0) this.receive(reply.messages);
    if (reply.recovered === false || reply.last_seq > this.timeline.lastSeq) await this.catchUp(reply.last_seq);
    const count = this.timeline.lastSeq - before;
    if (rejoin) this.publish({ missed: count > 0 ? { count, fromSeq: before + 1, complete: this.timeline.bySeq(before + 1) !== undefined } : undefined });
    this.publish({ joined: true, status: this.timeline.isLoaded ? 'ready' : this.state.get().status });
    this.flush();
  }

  /** Fills the gap up to `target` page by page; too far behind → start over at the newest. */
  private catchUp(target?: number): Promise<void> {
    this.catchingUp ??= (async () => {
      try {
        for (let page = 0; page < CLIENT_LIMITS.maxCatchUpPages; page++) {
          if (target !== undefined && this.timeline.lastSeq >= target) return;
          const after = this.timeline.lastSeq;
          const { messages } = await this.deps.api.history(this.roomId, { after, limit: 200 });
          if (messages.length === 0) return;
          this.receive(messages);
          if (target === undefined && messages.length < 200) return;
        }
        const { messages } = await this.deps.api.history(this.roomId, { limit: CLIENT_LIMITS.historyPageSize });
        this.timeline.reset(messages);
        this.reconcile(messages);
        this.publish();
      } catch {
        // Offline again: the next rejoin recovers from the same last_seq.
      }
    })().finally(() => {
      this.catchingUp = undefined;
    });
    return this.catchingUp;
  }

  private receive(messages: readonly Message[]): void {
    const { gap } = this.timeline.append(messages);
    this.reconcile(messages);
    for (const m of messages) this.typingSet.stopped(m.author_id);
    this.publish({ typing: this.typingSet.active(this.now()) });
    if (gap) void this.catchUp();
  }

  /** Our own messages that came back settle their outbox entries (the reply may have been lost). */
  private reconcile(messages: readonly Message[]): void {
    const { outbox, me } = this.deps;
    for (const m of messages) {
      if (m.author_id === me.id && m.client_id !== null && outbox.has(m.client_id)) outbox.remove(m.client_id);
    }
  }

  private flush(): void {
    const channel = this.channel;
    if (this.closed || channel?.state !== 'joined' || !this.deps.network.get()) return;
    for (const item of this.deps.outbox.forRoom(this.roomId)) {
      if (item.error !== undefined || this.inflight.has(item.client_id)) continue;
      this.inflight.add(item.client_id);
      const payload = { body: item.body, client_id: item.client_id, reply_to: item.reply_to };
      channel.push('msg:new', payload, CLIENT_LIMITS.pushTimeoutMs)
        .receive('ok', ({ id, seq, at }: PostReply) => {
          this.inflight.delete(item.client_id);
          this.receive([{ id, seq, at, room_id: this.roomId, author_id: this.deps.me.id, body: item.body, reply_to: item.reply_to, mentions: [], client_id: item.client_id, edited_at: null, deleted: false }]);
          this.deps.outbox.remove(item.client_id);
        })
        .receive('error', (e: ChannelError) => {
          this.inflight.delete(item.client_id);
          if (e.reason === 'rate_limited') setTimeout(() => this.flush(), e.retry_after_ms ?? 1000);
          else this.deps.outbox.fail(item.client_id, e.reason);
        })
        .receive('timeout', () => {
          this.inflight.delete(item.client_id);
          this.flush();
        });
    }
  }

  private push(event: string, payload: object): Promise<unknown> {
    const channel = this.channel;
    if (channel?.state !== 'joined' || !this.deps.network.get()) return Promise.reject(new PushError('offline'));
    return new Promise((resolve, reject) => {
      channel.push(event, payload, CLIENT_LIMITS.pushTimeoutMs)
        .receive('ok', resolve)
        .receive('error', (e: ChannelError) => reject(new PushError(e.reason, e.message)))
        .receive('timeout', () => reject(new PushError('timeout')));
    });
  }

  private sawTyping(userId: string): void {
    const now = this.now();
    this.typingSet.seen(userId, now);
    this.publish({ typing: this.typingSet.active(now) });
    clearTimeout(this.typingTimer);
    const next = this.typingSet.nextExpiry();
    if (next !== undefined) this.typingTimer = setTimeout(() => this.publish({ typing: this.typingSet.active(this.now()) }), next - now + 10);
  }

  /** Fixes the "new messages" line once both the first page and the read marker are known. */
  private settleFirstUnread(): void {
    if (this.unreadKnown || !this.timeline.isLoaded || !this.deps.unread.rooms.get().has(this.roomId)) return;
    this.unreadKnown = true;
    const lastRead = this.deps.unread.lastRead(this.roomId);
    if (lastRead < this.timeline.lastSeq) this.publish({ firstUnreadSeq: lastRead + 1 });
  }

  private publish(change: Partial<RoomState> = {}): void {
    if (this.closed) return;
    const held = this.state.get();
    const next: RoomState = {
      ...held,
      ...change,
      messages: this.timeline.messages,
      hasOlder: this.timeline.hasOlder,
      joined: change.joined ?? this.channel?.state === 'joined',
      pending: this.deps.outbox.forRoom(this.roomId),
    };
    this.state.set(next);
  }
}

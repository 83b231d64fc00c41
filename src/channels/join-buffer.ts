import type { BusMessage } from '../pubsub/bus.ts';
import type { PubSub, Subscription } from '../pubsub/pubsub.ts';
import type { ChannelContext } from './channel.ts';

/** The messages with afterSeq < seq ≤ upToSeq, as broadcasts, ascending (at most a bounded page). */
export type SeqGapFill = (afterSeq: number, upToSeq: number) => Promise<BusMessage[]>;

/**
 * A channel's subscription to its topic, taken BEFORE the join reads anything from the store,
 * so nothing broadcast during the join is missed; what arrives before the ok reply is held
 * back, because no frame of a topic may reach the client before its join reply.
 *
 * `open(lastSeq)` runs right after the reply: it writes what was held back, then passes
 * broadcasts straight through, and — before and after — drops every message carrying a `seq`
 * ≤ `lastSeq`, which the reply already covered (its recovered messages, or the `last_seq` from
 * which the client pages history). Broadcasts of one room can arrive after the reply for
 * messages the reply already holds (the store commits before the broadcast goes out, and other
 * nodes' broadcasts come later still), so the filter stays on for the channel's life.
 *
 * With `fill` (room channels) messages with a `seq` are also written in seq order with no gap:
 * one that runs ahead (another node's broadcast overtaking, or one lost with a crashed node
 * between its commit and its publish) waits while `fill` reads the gap from the store; the
 * client gets every seq once, in order, without having to notice anything.
 */
export class JoinBuffer {
  readonly subscription: Subscription;
  private held: BusMessage[] | undefined = [];
  private lastSeq = -Infinity;
  private readonly ctx: ChannelContext;
  private readonly fill: SeqGapFill | undefined;
  /** Messages past a gap, by seq, until the gap is filled (made when the first gap shows). */
  private ahead: Map<number, BusMessage> | undefined;
  private filling = false;
  private closed = false;

  constructor(pubsub: PubSub, ctx: ChannelContext, fill?: SeqGapFill) {
    this.ctx = ctx;
    this.fill = fill;
    this.subscription = pubsub.subscribe(ctx.topic, (message) => this.deliver(message));
  }

  /** Resolves once broadcasts from every node are received (see Subscription.ready). */
  get ready(): Promise<void> {
    return this.subscription.ready;
  }

  open(lastSeq = -Infinity): void {
    this.lastSeq = lastSeq;
    const held = this.held ?? [];
    this.held = undefined;
    for (const message of held) this.deliver(message);
  }

  /**
   * The seq up to which this channel's client has been sent every message of the room, in order
   * (LiveRoomSeqs); undefined before `open`, after `close`, without a gap filler, or while a
   * gap is pending.
   */
  deliveredSeq(): number | undefined {
    if (this.held !== undefined || this.closed || !this.fill || this.filling || this.lastSeq === -Infinity) return undefined;
    return this.ahead?.size ? undefined : this.lastSeq;
  }

  close(): void {
    this.closed = true;
    this.held = undefined;
    this.ahead = undefined;
    this.subscription.unsubscribe();
  }

  private deliver(message: BusMessage): void {
    if (this.held) {
      this.held.push(message);
      return;
    }
    const seq = message.seq;
    if (seq !== undefined && seq <= this.lastSeq) return;
    if (seq === undefined || !this.fill || this.lastSeq === -Infinity) {
      this.ctx.write(message.frame);
      return;
    }
    if (seq === this.lastSeq + 1 && !this.ahead?.size) {
      // The usual case: the next seq, nothing waiting.
      this.lastSeq = seq;
      this.ctx.write(message.frame);
      return;
    }
    (this.ahead ??= new Map()).set(seq, message);
    this.drain(this.ahead);
  }

  /** Writes what follows lastSeq without a gap; asks for the gap when one remains. */
  private drain(ahead: Map<number, BusMessage>): void {
    for (let next = ahead.get(this.lastSeq + 1); next; next = ahead.get(this.lastSeq + 1)) {
      ahead.delete(this.lastSeq + 1);
      this.lastSeq++;
      this.ctx.write(next.frame);
    }
    if (ahead.size === 0 || this.filling || !this.fill) return;
    this.filling = true;
    const upTo = Math.min(...ahead.keys()) - 1;
    this.fill(this.lastSeq, upTo).then(
      (messages) => {
        this.filling = false;
        if (this.closed) return;
        for (const m of messages) if (m.seq !== undefined && m.seq > this.lastSeq && !ahead.has(m.seq)) ahead.set(m.seq, m);
        this.drain(ahead);
      },
      () => {
        // The store is unavailable: close the channel with an error, so the client rejoins and recovers.
        this.filling = false;
        if (!this.closed) this.ctx.fail?.('seq_gap');
      },
    );
  }
}

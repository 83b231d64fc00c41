import type { BusMessage } from '../pubsub/bus.ts';
import type { PubSub, Subscription } from '../pubsub/pubsub.ts';
import type { ChannelContext } from './channel.ts';

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
 */
export class JoinBuffer {
  readonly subscription: Subscription;
  private held: BusMessage[] | undefined = [];
  private lastSeq = -Infinity;
  private readonly ctx: ChannelContext;

  constructor(pubsub: PubSub, ctx: ChannelContext) {
    this.ctx = ctx;
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

  close(): void {
    this.held = undefined;
    this.subscription.unsubscribe();
  }

  private deliver(message: BusMessage): void {
    if (this.held) {
      this.held.push(message);
      return;
    }
    if (message.seq !== undefined && message.seq <= this.lastSeq) return;
    this.ctx.write(message.frame);
  }
}

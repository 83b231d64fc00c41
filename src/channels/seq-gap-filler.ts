import { LIMITS } from '../config/limits.ts';
import type { Timers } from '../domain/clock.ts';
import { toMessageView } from '../domain/message-view.ts';
import type { Store } from '../domain/store.ts';
import { topics } from '../domain/topics.ts';
import { v2JsonSerializer } from '../protocol/v2-json-serializer.ts';
import type { BusMessage } from '../pubsub/bus.ts';
import type { SeqGapFill } from './join-buffer.ts';

/**
 * Reads the messages of a seq gap from the store for room channels (JoinBuffer), once per node:
 * after LIMITS.seqGapWaitMs (a broadcast that is only overtaken arrives by then and no read
 * is needed), one store read per (room, gap) however many channels wait on it, each message
 * encoded once as the `msg` broadcast every channel writes.
 */
export class SeqGapFiller {
  private readonly store: Store;
  private readonly timers: Timers;
  private readonly inFlight = new Map<string, Promise<BusMessage[]>>();

  constructor(deps: { store: Store; timers: Timers }) {
    this.store = deps.store;
    this.timers = deps.timers;
  }

  /** The fill function of one room's channels. */
  forRoom(roomId: string): SeqGapFill {
    return (afterSeq, upToSeq) => this.fill(roomId, afterSeq, upToSeq);
  }

  private fill(roomId: string, afterSeq: number, upToSeq: number): Promise<BusMessage[]> {
    const key = `${roomId}/${afterSeq}/${upToSeq}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.wait()
        .then(() => this.store.messages.range(roomId, { afterSeq, beforeSeq: upToSeq + 1, limit: LIMITS.maxRecoveryMessages }))
        .then((messages) => messages.map((m): BusMessage => {
          const view = toMessageView(m);
          return { frame: v2JsonSerializer.broadcast(topics.room(roomId), 'msg', view as unknown as Record<string, unknown>), seq: view.seq };
        }))
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private wait(): Promise<void> {
    return new Promise((resolve) => this.timers.setTimeout(resolve, LIMITS.seqGapWaitMs));
  }
}

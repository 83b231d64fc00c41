import type { EncodedFrame } from '../protocol/frame.ts';

/**
 * What crosses between nodes: a frame already encoded for the wire (so no node re-encodes a
 * broadcast), and the `seq` of a room message beside it (so a joining channel can drop what
 * its recovery reply already holds without decoding the frame).
 */
export interface BusMessage {
  readonly frame: EncodedFrame;
  readonly seq?: number;
}

export type BusHandler = (message: BusMessage) => void;

/**
 * Cross-node delivery only: local subscribers are served by PubSub, never through the bus.
 *
 * Guarantees every implementation must keep (test/pubsub/bus-contract.ts checks them):
 * - `publish` reaches every OTHER node subscribed to the topic, never the publishing node;
 *   at most once; each node receives one node's publishes in publish order (across topics);
 *   frames arrive byte-identical (text stays text, a Buffer stays a Buffer) with their `seq`.
 * - `subscribe` resolves once messages published after it resolves will be delivered. One
 *   handler per topic (PubSub reference-counts its local subscribers): subscribing a topic
 *   twice without unsubscribing throws. `subscribe` and `unsubscribe` update the bus's own
 *   handler table before they return, so unsubscribe-then-subscribe needs no await.
 * - After `close`, nothing is delivered and publish/subscribe reject.
 * A bus over a network (Redis) can lose messages while a connection is down; it then keeps the
 * guarantees above only between outages, and reports each outage through `onResync`.
 */
export interface Bus {
  publish(topic: string, message: BusMessage): Promise<void>;
  subscribe(topic: string, handler: BusHandler): Promise<void>;
  unsubscribe(topic: string): Promise<void>;
  close(): Promise<void>;
  /**
   * Optional, for buses that can lose messages: `listener` runs once the bus is back after an
   * outage in which messages to or from this node may have been lost, with every topic
   * subscribed again — so whatever a subscriber reads from the store after the call, plus what
   * the bus delivers from then on, is complete. Returns the removal of the listener.
   */
  onResync?(listener: () => void): () => void;
  /** Optional, for buses between machines: `listener` gets each received message's delay since
   *  it was published, in seconds, by the publisher's and this node's wall clocks (metrics). */
  observeReceiveLag?(listener: (seconds: number) => void): void;
}

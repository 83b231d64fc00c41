import type { JoinBuffer } from './join-buffer.ts';

/**
 * The `last_seq` of a room without a store read, when this node already has an open channel of
 * that room: one open JoinBuffer per room stands as its witness. Its `deliveredSeq` is the seq up
 * to which its client has been sent every message, in order; every later message reaches this
 * node's subscribers of the room, or is read from the store by the gap filler. A joiner
 * subscribes before it asks (JoinBuffer.ready), so whatever follows the witness's seq reaches the
 * joiner too: the reply's `last_seq` may trail the store by a message still on its way, never
 * skip one, exactly as if the store had been read a moment earlier.
 *
 * A witness with a gap pending (a message waiting for an earlier one) does not answer: what it
 * holds ahead arrived before the joiner subscribed. With no witness the join reads the store, and
 * its channel becomes the room's witness once open. After a bus outage (broadcasts may be lost)
 * every witness is dropped (`clear`).
 */
export class LiveRoomSeqs {
  private readonly witnesses = new Map<string, JoinBuffer>();

  /** The seq every client of the room on this node has been sent, when a witness can say. */
  seqOf(roomId: string): number | undefined {
    return this.witnesses.get(roomId)?.deliveredSeq();
  }

  /** An open channel of `roomId`: it becomes the witness if the room has none. */
  offer(roomId: string, buffer: JoinBuffer): void {
    if (!this.witnesses.has(roomId)) this.witnesses.set(roomId, buffer);
  }

  /** A channel closing: if it was the witness, the room has none until the next join opens. */
  withdraw(roomId: string, buffer: JoinBuffer): void {
    if (this.witnesses.get(roomId) === buffer) this.witnesses.delete(roomId);
  }

  clear(): void {
    this.witnesses.clear();
  }
}

/**
 * What both peers broadcast for a push: the same fields as Renraku's `msg` (minus storage), so
 * frames are the same size and the load generator reads them the same way. Seqs count per room
 * in memory (missing or duplicated deliveries are found by them as with Renraku).
 */
export interface PeerMessage {
  id: string;
  seq: number;
  room_id: string;
  author_id: string;
  body: string;
  reply_to: null;
  mentions: string[];
  client_id: string | null;
  at: number;
  edited_at: null;
  deleted: false;
}

export class PeerRooms {
  private readonly seqs = new Map<string, number>();
  private ids = 0;
  private readonly prefix = `${Date.now().toString(36)}-`;

  lastSeq(topic: string): number {
    return this.seqs.get(topic) ?? 0;
  }

  /** The next message of `topic`; undefined when the push payload is not `{body: string}`. */
  message(topic: string, author: string, payload: unknown): PeerMessage | undefined {
    const p = payload as { body?: unknown; client_id?: unknown } | null;
    if (typeof p !== 'object' || p === null || typeof p.body !== 'string') return undefined;
    const seq = this.lastSeq(topic) + 1;
    this.seqs.set(topic, seq);
    return {
      id: this.prefix + (this.ids++).toString(36),
      seq,
      room_id: topic.startsWith('room:') ? topic.slice(5) : topic,
      author_id: author,
      body: p.body,
      reply_to: null,
      mentions: [],
      client_id: typeof p.client_id === 'string' ? p.client_id : null,
      at: Date.now(),
      edited_at: null,
      deleted: false,
    };
  }
}

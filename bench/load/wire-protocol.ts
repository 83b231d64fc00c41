/**
 * What the load generator needs from a wire protocol: encode a join, a push and a heartbeat,
 * and classify each incoming frame. Phoenix V2 (Renraku and the raw `ws` peer) and Engine.IO v4
 * (the Socket.IO peer) implement it, so one generator drives every server the same way.
 */
export type Incoming =
  /** a room message broadcast: the thing whose deliveries, latency and gaps are measured */
  | { kind: 'delivery'; topic: string; seq: number; sentUs: number }
  /** the answer to a join or push with ref `ref` */
  | { kind: 'reply'; ref: number; ok: boolean; response: Record<string, unknown> }
  /** the server expects this frame back now (Engine.IO ping, open) */
  | { kind: 'answer'; frame: string }
  /** handshake done: joins may be sent */
  | { kind: 'ready' }
  /** anything else (presence, heartbeat replies): counted by event name */
  | { kind: 'other'; event: string };

export interface WireProtocol {
  readonly name: WireName;
  /** Path and query of the WebSocket URL for a client holding `token`. */
  path(token: string): string;
  /** False when the server speaks first and `ready` must arrive before joining. */
  readonly readyOnOpen: boolean;
  join(ref: number, topic: string, params: Record<string, unknown>): string;
  push(ref: number, joinRef: number, topic: string, body: string, clientId: string): string;
  /** A keep-alive to send every 30 s, or null when the server pings instead. */
  heartbeat(ref: number): string | null;
  decode(data: Buffer): Incoming;
}

export type WireName = 'phoenix' | 'engineio';

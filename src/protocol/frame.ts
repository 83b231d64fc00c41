/**
 * One Phoenix V2 frame, `[join_ref, ref, topic, event, payload]`, as decoded at the edge.
 * Refs are opaque strings chosen by the client; `joinRef` names one join of a topic (never
 * assume it equals `ref`). Once decoded, the rest of the server trusts these types.
 */
export interface Frame {
  readonly joinRef: string | null;
  readonly ref: string | null;
  readonly topic: string;
  readonly event: string;
  readonly payload: Record<string, unknown>;
}

/** A frame whose payload is raw bytes (binary WebSocket frames, base64 LongPoll lines). */
export interface BinaryFrame {
  readonly joinRef: string | null;
  readonly ref: string | null;
  readonly topic: string;
  readonly event: string;
  readonly payload: Buffer;
}

/** A frame already encoded for the wire: text for JSON frames, a Buffer for binary ones. */
export type EncodedFrame = string | Buffer;

export type ReplyStatus = 'ok' | 'error';

/** The protocol's own topic and event names. */
export const PHOENIX_TOPIC = 'phoenix';
export const EVENTS = {
  join: 'phx_join',
  leave: 'phx_leave',
  reply: 'phx_reply',
  close: 'phx_close',
  error: 'phx_error',
  heartbeat: 'heartbeat',
} as const;

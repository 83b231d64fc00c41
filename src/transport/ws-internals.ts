import type { WebSocket } from 'ws';

/**
 * The private fields of a `ws` WebSocket that the transport reads, each in one place. `ws` is
 * pinned to one exact version in package.json, and test/transport/ws-internals.test.ts checks
 * every field here against a real connection, so an upgrade that renames or changes one fails
 * that test by the field's name instead of the hot path failing in production.
 */

/** `_sender`: the Sender, of which only `_state` is read; @types/ws leaves it out. */
interface SenderInternals {
  /** 0 (DEFAULT) unless the sender is compressing or reading a Blob: neither ever happens here. */
  readonly _state: number;
}

/** `_socket`: the socket under the WebSocket, written directly with frames already framed. */
export interface SocketInternals {
  write(chunk: Buffer): boolean;
  cork(): void;
  uncork(): void;
}

/** Whether `ws`'s own Sender queues nothing (`_sender._state === 0`): bytes written to the socket now keep their order. */
export function senderIdle(ws: WebSocket): boolean {
  return (ws as unknown as { _sender: SenderInternals })._sender._state === 0;
}

/** The socket under `ws` (`_socket`). */
export function rawSocket(ws: WebSocket): SocketInternals {
  return (ws as unknown as { _socket: SocketInternals })._socket;
}

/** Whether the peer's close frame has arrived (`_closeFrameReceived`): a `close()` now echoes it. */
export function closeFrameReceived(ws: WebSocket): boolean {
  return (ws as unknown as { _closeFrameReceived: boolean })._closeFrameReceived;
}

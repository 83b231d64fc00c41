/** What a LoadClient hears from its socket. `message` gets a frame's payload, valid only
 *  during the call (the lean socket reads into a buffer shared by every socket of the worker). */
export interface ClientSocketEvents {
  open(): void;
  message(data: Buffer): void;
  error(e: Error): void;
  /** after `open` or instead of it; `code` is the close frame's status, 1006 when none came */
  close(code: number): void;
}

/** One WebSocket client connection as the load generator uses it: text frames out, frames in. */
export interface ClientSocket {
  readonly isOpen: boolean;
  send(text: string): void;
  /** Drops the connection at once, no close handshake (a phone losing its network). */
  terminate(): void;
}

export interface ClientSocketTarget {
  /** ws://127.0.0.1:<port> — already checked to be loopback */
  base: string;
  /** path and query, e.g. /socket/websocket?token=… */
  path: string;
  /** local address and port to connect from (port undefined: the kernel picks) */
  from: { address: string; port: number | undefined };
}

export type ClientSocketFactory = (target: ClientSocketTarget, events: ClientSocketEvents) => ClientSocket;

/** Which WebSocket client the generator uses (see bench/README.md, "The load generator"). */
export type ClientKind = 'ws' | 'lean';
export const CLIENT_KINDS: readonly ClientKind[] = ['ws', 'lean'];

export function clientKindOf(name: string): ClientKind {
  if (name === 'ws' || name === 'lean') return name;
  throw new Error(`unknown client "${name}"; valid: ${CLIENT_KINDS.join(', ')}`);
}

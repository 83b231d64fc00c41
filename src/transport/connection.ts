import type { EncodedFrame } from '../protocol/frame.ts';

/**
 * One client connection as the socket layer sees it, whatever carries it (WebSocket or a
 * LongPoll session). `send` never throws and is a no-op once closed; `close` is idempotent.
 */
export interface Connection {
  readonly id: string;
  readonly transport: 'websocket' | 'longpoll';
  send(frame: EncodedFrame): void;
  /** Closes with a close code and a short reason (see close-codes.ts). */
  close(code: number, reason: string): void;
  /** Bytes accepted by `send` but not yet written to the client. */
  readonly bufferedAmount: number;
}

/** What the transport calls for one accepted connection. */
export interface ConnectionHandler {
  /** One frame from the client: a text frame, or a binary one (`binary` true). */
  receive(data: string | Buffer, binary: boolean): void;
  /** Called once, however the connection ended. */
  closed(code: number, reason: string): void;
}

/** Called for each authenticated connection; `userId` comes from a verified socket token whose
 *  session was live at connect (the transport keeps the session id, to close it when it ends). */
export type AcceptConnection = (connection: Connection, userId: string) => ConnectionHandler;

/** Verifies a socket token (src/domain/socket-token.ts): the user and session it names, or undefined. */
export interface TokenVerifier {
  verify(token: unknown): { userId: string; sessionId: string } | undefined;
}

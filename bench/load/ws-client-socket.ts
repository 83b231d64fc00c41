import WebSocket from 'ws';
import type { ClientSocket, ClientSocketEvents, ClientSocketTarget } from './client-socket.ts';

/** The `ws` package's client: its HTTP upgrade through node's http client, its frame parser.
 *  No handshake timeout of its own: LoadClient bounds the whole handshake with one timer. */
export function wsClientSocket(target: ClientSocketTarget, events: ClientSocketEvents): ClientSocket {
  const ws = new WebSocket(target.base + target.path, {
    localAddress: target.from.address,
    ...(target.from.port === undefined ? {} : { localPort: target.from.port }),
    perMessageDeflate: false,
    skipUTF8Validation: true,
    maxPayload: 64 * 1024 * 1024,
  });
  ws.on('open', () => events.open());
  ws.on('error', (e) => events.error(e));
  ws.on('close', (code) => events.close(code));
  ws.on('message', (data) => events.message(data as Buffer));
  return {
    get isOpen() {
      return ws.readyState === WebSocket.OPEN;
    },
    send: (text) => ws.send(text),
    terminate: () => ws.terminate(),
  };
}

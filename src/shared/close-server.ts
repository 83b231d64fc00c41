import type { Socket } from 'node:net';

/**
 * Stops a server accepting and cuts its open connections, resolving once it has closed: the
 * server's close waits for every connection to end, so the ones still open are destroyed at once.
 */
export function closeServer(server: { close(callback: () => void): unknown }, sockets: Iterable<Socket>): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const socket of sockets) socket.destroy();
  return closed;
}

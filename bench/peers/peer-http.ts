import { createServer, type Server } from 'node:http';

/** Largest frame a peer accepts, as Renraku (LIMITS.maxFrameBytes). */
export const PEER_MAX_FRAME = 64 * 1024;
/** A socket with more unsent bytes is a slow consumer and is cut off, as Renraku does. */
export const PEER_MAX_BUFFERED = 4 * 1024 * 1024;

/** An HTTP server answering `GET /healthz` (how the harness knows a server is up), on $PORT. */
export function peerHttpServer(): { server: Server; listen: () => void } {
  const port = Number(process.env.PORT ?? '0');
  const server = createServer((req, res) => {
    res.writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'text/plain' }).end(req.url === '/healthz' ? 'ok' : 'not found');
  });
  return { server, listen: () => server.listen(port, '127.0.0.1') };
}

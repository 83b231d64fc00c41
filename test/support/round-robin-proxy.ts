import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/** A load balancer in front of the nodes, as nginx or HAProxy would be, without stickiness. */
export interface RoundRobinProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Requests per target and path (e.g. `127.0.0.1:4001 GET /socket/longpoll`), to show where polls went. */
  readonly hits: Map<string, number>;
  /** Targets in the order requests went to them. */
  readonly log: Array<{ target: string; method: string; path: string }>;
  stop(): Promise<void>;
}

/**
 * Every HTTP request and every WebSocket upgrade goes to the next target in turn (no sticky
 * sessions, so consecutive LongPoll requests of one client land on different nodes); a target
 * that refuses the connection is skipped, as a load balancer's health check would. Request
 * bodies are buffered (LongPoll bodies are small) so a refused request can go elsewhere.
 */
export async function startRoundRobinProxy(targets: () => string[]): Promise<RoundRobinProxy> {
  let next = 0;
  const hits = new Map<string, number>();
  const log: RoundRobinProxy['log'] = [];
  const sockets = new Set<Socket>();
  const order = (): string[] => {
    const list = targets();
    const start = next++ % Math.max(1, list.length);
    return [...list.slice(start), ...list.slice(0, start)];
  };
  const record = (target: string, method: string, url: string) => {
    const path = url.split('?')[0] ?? url;
    const key = `${target} ${method} ${path}`;
    hits.set(key, (hits.get(key) ?? 0) + 1);
    log.push({ target, method, path });
  };

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, candidates: string[]): void => {
    const target = candidates[0];
    if (target === undefined) {
      res.writeHead(502).end('no node answered');
      return;
    }
    const [host, port] = target.split(':') as [string, string];
    const upstream = httpRequest({ host, port: Number(port), method: req.method, path: req.url, headers: req.headers });
    upstream.once('response', (answer) => {
      record(target, req.method ?? 'GET', req.url ?? '/');
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.once('error', (err: NodeJS.ErrnoException) => {
      if (!res.headersSent && err.code === 'ECONNREFUSED') return forward(req, res, body, candidates.slice(1));
      res.destroy();
    });
    res.once('close', () => upstream.destroy());
    upstream.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => forward(req, res, Buffer.concat(chunks), order()));
  });

  const tunnel = (req: IncomingMessage, client: Socket, head: Buffer, candidates: string[]): void => {
    const target = candidates[0];
    if (target === undefined) {
      client.destroy();
      return;
    }
    const [host, port] = target.split(':') as [string, string];
    const upstream = connect(Number(port), host);
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    upstream.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') return tunnel(req, client, head, candidates.slice(1));
      client.destroy();
    });
    upstream.once('connect', () => {
      record(target, 'UPGRADE', req.url ?? '/');
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
      // Either side gone (a node killed, a client closing): the other goes too, as through a real balancer.
      upstream.once('close', () => client.destroy());
      client.once('close', () => upstream.destroy());
      client.on('error', () => upstream.destroy());
    });
  };
  server.on('upgrade', (req: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    tunnel(req, client, head, order());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    log,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

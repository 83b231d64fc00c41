import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { LIMITS } from '../config/limits.ts';
import { errorOf, type DiagService } from './diag-service.ts';
import type { DiagArgs } from './diag-args.ts';
import { closeServer } from '../shared/close-server.ts';

/** The admin socket of a node: `<data dir>/admin.sock`. */
export function adminSocketPath(dataDir: string): string {
  return join(dataDir, 'admin.sock');
}

/** Unix socket paths are limited to 107 bytes on Linux (sun_path). */
const MAX_SOCKET_PATH_BYTES = 107;

/** One request on the admin socket: a JSON line. Answers are JSON lines: trace events `{event}`, then `{ok, result}` or `{ok: false, error}`. */
export interface AdminRequest {
  command: string;
  args?: DiagArgs;
  cluster?: boolean;
}

export class AdminSocketError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdminSocketError';
  }
}

/**
 * `renraku diag`'s way in on the node's own host: a Unix socket that only the node's user
 * can open (mode 0600, created under a 0177 umask so it is never briefly wider). Whoever can
 * open it is the operator: no token is asked. A path that already exists must be a socket of
 * ours with mode 0600 and nobody listening (a crashed node's), else the node refuses to start
 * rather than serve diagnostics through a file someone else may control.
 */
export class AdminSocket {
  readonly path: string;
  private readonly service: DiagService;
  private readonly logger: Logger;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(deps: { path: string; service: DiagService; logger: Logger }) {
    this.path = deps.path;
    this.service = deps.service;
    this.logger = deps.logger;
  }

  /**
   * Throws AdminSocketError when the node could not safely serve on `path` (see the class);
   * removes a stale socket. Called before a node opens anything, so a refusal leaves nothing open.
   */
  static async check(path: string): Promise<void> {
    if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
      throw new AdminSocketError(`the admin socket path ${path} is longer than ${MAX_SOCKET_PATH_BYTES} bytes: use a shorter RENRAKU_DATA_DIR`);
    }
    await clearStale(path);
  }

  async listen(): Promise<void> {
    await AdminSocket.check(this.path);
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const server = createServer((socket) => this.serve(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      const umask = process.umask(0o177);
      try {
        server.listen(this.path, () => {
          server.off('error', reject);
          chmodSync(this.path, 0o600);
          resolve();
        });
      } finally {
        process.umask(umask);
      }
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await closeServer(server, this.sockets);
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    let buffer = '';
    let started = false;
    let gone: () => void = () => {};
    const goneP = new Promise<void>((resolve) => (gone = resolve));
    socket.setEncoding('utf8');
    socket.on('error', () => {});
    socket.on('close', () => {
      this.sockets.delete(socket);
      gone();
    });
    const write = (line: unknown): void => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(line)}\n`);
    };
    socket.on('data', (chunk: string) => {
      if (started) return;
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline < 0) {
        if (buffer.length > LIMITS.opsMaxRequestBytes) {
          started = true;
          write({ ok: false, error: { code: 'diag_invalid_arguments', message: `a request is one JSON line of at most ${LIMITS.opsMaxRequestBytes} bytes` } });
          socket.end();
        }
        return;
      }
      started = true;
      let request: AdminRequest;
      try {
        request = JSON.parse(buffer.slice(0, newline)) as AdminRequest;
        if (typeof request?.command !== 'string') throw new Error('no command');
      } catch {
        write({ ok: false, error: { code: 'diag_invalid_arguments', message: 'a request is one JSON line: {"command": "...", "args": {...}, "cluster": false}' } });
        socket.end();
        return;
      }
      this.service.run(request.command, request.args ?? {}, { event: (event) => write({ event }), gone: goneP }, request.cluster === true)
        .then((result) => write({ ok: true, result }), (err: unknown) => {
          const error = errorOf(err);
          if (error.code === 'internal') this.logger.error({ err, command: request.command }, 'diag: command failed');
          write({ ok: false, error });
        })
        .finally(() => socket.end());
    });
  }
}

/** Refuses a path that is not our stale 0600 socket; removes a stale one. */
async function clearStale(path: string): Promise<void> {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return;
  }
  const uid = process.getuid?.();
  const mode = stat.mode & 0o777;
  if (!stat.isSocket()) throw new AdminSocketError(`${path} exists and is not a socket: remove it, or point RENRAKU_DATA_DIR elsewhere`);
  if (uid !== undefined && stat.uid !== uid) throw new AdminSocketError(`${path} belongs to uid ${stat.uid}, not to this process (uid ${uid}): refusing to serve diagnostics through it`);
  if (mode !== 0o600) throw new AdminSocketError(`${path} has mode ${mode.toString(8).padStart(4, '0')}, not 0600: refusing to serve diagnostics through it; remove it after checking who made it`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live) throw new AdminSocketError(`another node is serving diagnostics on ${path}: give each node its own RENRAKU_DATA_DIR`);
  unlinkSync(path);
}

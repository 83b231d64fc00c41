import { fileURLToPath } from 'node:url';
import { freePort } from '../core/free-port.ts';
import { ServerProcess } from './server-process.ts';
import { roomMembers, type Layout, type Seed } from './seed.ts';
import type { RunningTarget } from './target.ts';

const PEERS = {
  socketio: { script: '../peers/socketio-server.ts', wire: 'engineio' },
  raw: { script: '../peers/raw-ws-server.ts', wire: 'phoenix' },
} as const;

/**
 * A peer server from bench/peers/: no accounts, so the seed is made up here (rooms r0…,
 * users u0…, the user id as token), with the same layout Renraku gets.
 */
export async function startPeer(name: keyof typeof PEERS): Promise<RunningTarget> {
  const port = await freePort();
  const peer = PEERS[name];
  const server = await ServerProcess.start({
    name,
    args: [fileURLToPath(new URL(peer.script, import.meta.url))],
    env: { PORT: String(port) },
    port,
    cwd: process.cwd(),
  });
  return {
    name,
    wire: peer.wire,
    base: `ws://127.0.0.1:${port}`,
    server,
    supportsRecovery: false,
    seed: (layout: Layout): Promise<Seed> =>
      Promise.resolve({
        group_id: 'g0',
        rooms: roomMembers(layout).map((members, r) => ({ id: `r${r}`, members })),
        users: Array.from({ length: layout.users }, (_, i) => ({ id: `u${i}`, socket_token: `u${i}` })),
      }),
    stop: () => server.stop(),
  };
}

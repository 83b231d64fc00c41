import { join } from 'node:path';
import type { Options } from '../core/options.ts';
import { RESULTS_DIR } from '../core/results.ts';
import { Fleet } from '../load/fleet.ts';
import type { ClientSpec } from '../load/worker-api.ts';
import { roomTopic, type Layout, type Seed } from '../servers/seed.ts';
import { startTarget } from '../servers/start-target.ts';
import type { RunningTarget } from '../servers/target.ts';
import { storeOf, type LOAD_OPTIONS } from './common-options.ts';

/** A started server, its seeded users and rooms, and a load fleet pointed at it. */
export interface Session {
  target: RunningTarget;
  seed: Seed;
  fleet: Fleet;
  /** one per seeded user, joining the rooms the seed made it a member of */
  clients: ClientSpec[];
  /** client indices per room topic */
  members: Map<string, number[]>;
  /** parameters that identify the server's setup in a result (Renraku's store) */
  setup: Record<string, string>;
}

export function clientsOf(seed: Seed): { clients: ClientSpec[]; members: Map<string, number[]> } {
  const clients: ClientSpec[] = seed.users.map((u, index) => ({ index, token: u.socket_token, topics: [] }));
  const members = new Map<string, number[]>();
  for (const room of seed.rooms) {
    const topic = roomTopic(room.id);
    members.set(topic, room.members);
    for (const i of room.members) clients[i]?.topics.push(topic);
  }
  return { clients, members };
}

/**
 * Runs `fn` with a fresh server (fresh store), seeded with `layout`, and a fleet; always stops
 * both, whatever happens, so no run leaves a server or worker behind.
 */
export async function withSession<T>(
  where: { server: string; store: string },
  layout: Layout,
  common: Options<typeof LOAD_OPTIONS>,
  fn: (s: Session) => Promise<T>,
): Promise<T> {
  const { server } = where;
  const profileDir = common.profile ? join(RESULTS_DIR, 'profiles') : null;
  const target = await startTarget(server, { store: storeOf(where.store), postgresUrl: common['postgres-url'], profileDir });
  let fleet: Fleet | undefined;
  try {
    const seed = await target.seed(layout);
    const workers = Math.max(common.workers, 1);
    const clientProfiles = common['profile-clients'] ? join(RESULTS_DIR, 'profiles', `clients-${new Date().toISOString().replace(/:/g, '-')}`) : null;
    fleet = await Fleet.start({ workers, wire: target.wire, base: target.base, profileDir: clientProfiles });
    const setup: Record<string, string> = target.name === 'renraku' ? { store: where.store } : {};
    return await fn({ target, seed, fleet, setup, ...clientsOf(seed) });
  } catch (e) {
    if (e instanceof Error && !target.server.exited) throw e;
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- ${server} output ---\n${target.server.log()}`);
  } finally {
    await fleet?.close();
    await target.stop();
  }
}

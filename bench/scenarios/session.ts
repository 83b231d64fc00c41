import { join } from 'node:path';
import type { Options } from '../core/options.ts';
import { RESULTS_DIR } from '../core/results.ts';
import { clientKindOf } from '../load/client-socket.ts';
import { Fleet, workersFor } from '../load/fleet.ts';
import type { ClientSpec } from '../load/worker-api.ts';
import { roomTopic, type Layout, type Seed } from '../servers/seed.ts';
import type { RunningTarget } from '../servers/target.ts';
import { storeOf, type LOAD_OPTIONS } from './common-options.ts';
import type { RunEnv } from './scenario.ts';

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
  /** Runs a measured phase; with `--profile`, the server's CPU profile of just that phase is
   *  written to bench/results/profiles/<server>-<label>-<time>.cpuprofile. */
  measure<R>(label: string, phase: () => Promise<R>): Promise<R>;
}

const stamp = () => new Date().toISOString().replace(/:/g, '-');

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
  env: RunEnv,
  where: { server: string; store: string },
  layout: Layout,
  common: Options<typeof LOAD_OPTIONS>,
  fn: (s: Session) => Promise<T>,
): Promise<T> {
  const { server } = where;
  const target = await env.startTarget(server, { store: storeOf(where.store), postgresUrl: common['postgres-url'] });
  let fleet: Fleet | undefined;
  try {
    const seed = await target.seed(layout);
    const client = clientKindOf(common.client);
    const workers = workersFor(seed.users.length, common.workers, client);
    const clientProfiles = common['profile-clients'] ? join(RESULTS_DIR, 'profiles', `clients-${stamp()}`) : null;
    fleet = await Fleet.start({ workers, wire: target.wire, client, base: target.base, profileDir: clientProfiles });
    const setup: Record<string, string> = { ...(target.name === 'renraku' ? { store: where.store } : {}), client: common.client };
    const profile = common.profile;
    const measure = async <R>(label: string, phase: () => Promise<R>): Promise<R> => {
      if (!profile) return phase();
      await target.server.startProfile();
      try {
        return await phase();
      } finally {
        await target.server.stopProfile(join(RESULTS_DIR, 'profiles', `${target.name}-${label}-${stamp()}.cpuprofile`));
      }
    };
    return await fn({ target, seed, fleet, setup, measure, ...clientsOf(seed) });
  } catch (e) {
    if (e instanceof Error && !target.server.exited) throw e;
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- ${server} output ---\n${target.server.log()}`);
  } finally {
    await fleet?.close();
    await target.stop();
  }
}

import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createStore } from '../adapters/store/create-store.ts';
import { loadOrCreateSecret } from '../app/secret.ts';
import { loadConfig } from '../config/config.ts';
import { systemClock } from '../domain/clock.ts';
import { IdGenerator } from '../domain/ids.ts';
import { UNUSABLE_PASSWORD } from '../domain/password.ts';
import { SocketTokens } from '../domain/socket-token.ts';
import type { Membership, NewUser } from '../domain/types.ts';

export interface SeedOutput {
  group_id: string;
  rooms: { id: string; members: number[] }[];
  users: { id: string; socket_token: string }[];
}

const HELP = `renraku seed --users N [--rooms R] [--members-per-room S] [--token-ttl-hours H] --out FILE

Creates N users (who cannot sign in: no password), one group holding all of them, and R rooms;
room r's members are users [r*S .. r*S+S) modulo N. Writes JSON {group_id, rooms, users} with a
socket token per user, signed with this node's secret, valid for H hours (default 6).
For load tests only.`;

/** `renraku seed`: bulk data for benchmarks, written straight into the store. */
export async function seedCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      users: { type: 'string' }, rooms: { type: 'string', default: '1' }, 'members-per-room': { type: 'string' },
      'token-ttl-hours': { type: 'string', default: '6' }, out: { type: 'string' }, help: { type: 'boolean' },
    },
  });
  if (values.help || !values.users || !values.out) {
    console.log(HELP);
    return values.help ? 0 : 1;
  }
  const nUsers = positive('--users', values.users);
  const nRooms = positive('--rooms', values.rooms);
  const perRoom = values['members-per-room'] ? positive('--members-per-room', values['members-per-room']) : nUsers;
  const ttlMs = positive('--token-ttl-hours', values['token-ttl-hours']) * 3600_000;

  const config = loadConfig();
  const store = await createStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await store.migrate();
    const tokens = new SocketTokens(loadOrCreateSecret(config.dataDir, config.secret), ttlMs);
    const ids = new IdGenerator();
    const now = systemClock.now();
    const tag = ids.next().slice(-8).toLowerCase();
    const users: NewUser[] = Array.from({ length: nUsers }, (_, i) => ({
      id: ids.next(), email: `bench-${tag}-${i}@example.invalid`, name: `bench ${i}`, created_at: now, password_hash: UNUSABLE_PASSWORD,
    }));
    const owner = users[0]!;
    await store.bulk.insertUsers(users, []);
    const group = await store.groups.create({ id: ids.next(), name: `bench ${tag}`, slug: `bench-${tag}`, created_by: owner.id, created_at: now }, now);
    const memberships: Membership[] = users.map((u, i) => ({ group_id: group.id, user_id: u.id, role: i === 0 ? 'owner' : 'member', joined_at: now }));
    await store.bulk.insertUsers([], memberships.slice(1));
    const rooms: SeedOutput['rooms'] = [];
    for (let r = 0; r < nRooms; r++) {
      const room = await store.rooms.create({ id: ids.next(), group_id: group.id, name: `room ${r}`, created_by: owner.id, created_at: now, last_seq: 0 });
      rooms.push({ id: room.id, members: Array.from({ length: Math.min(perRoom, nUsers) }, (_, k) => (r * perRoom + k) % nUsers) });
    }
    // Socket tokens name a session, checked at connect: each seeded user gets one (its token is never shown).
    const sessionIds = users.map(() => ids.next());
    await store.bulk.insertSessions(users.map((u, i) => ({
      id: sessionIds[i]!, token_hash: randomBytes(32).toString('base64url'), user_id: u.id, created_at: now, expires_at: now + ttlMs,
    })));
    const output: SeedOutput = { group_id: group.id, rooms, users: users.map((u, i) => ({ id: u.id, socket_token: tokens.mint(u.id, sessionIds[i]!).token })) };
    writeFileSync(values.out, JSON.stringify(output));
    console.log(`seed: ${nUsers} users, ${nRooms} rooms in group ${group.id} -> ${values.out}`);
    return 0;
  } finally {
    await store.close();
  }
}

function positive(flag: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${flag} must be a positive whole number (got "${raw}")`);
  return n;
}

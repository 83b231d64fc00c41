import { BENCH_LIMITS } from '../core/limits.ts';
import { loopbackUrl } from '../core/loopback.ts';
import { runPool } from '../core/pool.ts';
import { roomMembers, type Layout, type Seed } from './seed.ts';

/** Signups queue on scrypt in the server's thread pool: a few at once keep it busy. */
const SIGNUP_CONCURRENCY = 8;

async function call<T>(base: string, path: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(loopbackUrl(base + path), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(BENCH_LIMITS.httpRequestMs),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${path} → ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/**
 * Seeds Renraku through its public HTTP API, as a person would: slow (scrypt per signup), so
 * only for small runs and for when `renraku seed` is not available. Every user joins the group
 * by invitation; room membership is the group's, `members` says who joins which room.
 */
export async function seedThroughApi(httpBase: string, layout: Layout): Promise<Seed> {
  if (layout.users > BENCH_LIMITS.maxApiSeedUsers) {
    throw new Error(`seeding ${layout.users} users through the API would take minutes; it needs \`renraku seed\` (limit ${BENCH_LIMITS.maxApiSeedUsers})`);
  }
  const tag = `${Date.now().toString(36)}${process.pid}`;
  const sessions: { id: string; token: string }[] = new Array(layout.users);
  await runPool([...Array(layout.users).keys()], SIGNUP_CONCURRENCY, async (i) => {
    const r = await call<{ user: { id: string }; token: string }>(httpBase, '/api/signup', {
      email: `bench-${tag}-${i}@example.test`,
      password: 'bench-password-1234',
      name: `Bench ${i}`,
    });
    sessions[i] = { id: r.user.id, token: r.token };
  });
  const owner = sessions[0] as { id: string; token: string };
  const { group } = await call<{ group: { id: string } }>(httpBase, '/api/groups', { name: 'Bench', slug: `bench-${tag}` }, owner.token);
  const { code } = await call<{ code: string }>(httpBase, `/api/groups/${group.id}/invites`, {}, owner.token);
  await runPool(sessions.slice(1), SIGNUP_CONCURRENCY, async (s) => {
    await call(httpBase, `/api/invites/${code}/accept`, {}, s.token);
  });
  const members = roomMembers(layout);
  const rooms: Seed['rooms'] = [];
  for (let r = 0; r < layout.rooms; r++) {
    const { room } = await call<{ room: { id: string } }>(httpBase, `/api/groups/${group.id}/rooms`, { name: `Bench room ${r}` }, owner.token);
    rooms.push({ id: room.id, members: members[r] as number[] });
  }
  const users: Seed['users'] = new Array(layout.users);
  await runPool([...sessions.keys()], SIGNUP_CONCURRENCY, async (i) => {
    const s = sessions[i] as { id: string; token: string };
    const { token } = await call<{ token: string }>(httpBase, '/api/socket-token', {}, s.token);
    users[i] = { id: s.id, socket_token: token };
  });
  return { group_id: group.id, rooms, users };
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { buildApp, type RenrakuApp } from '../../src/app/build-app.ts';
import { loadConfig } from '../../src/config/config.ts';
import type { Clock } from '../../src/domain/clock.ts';
import type { Store } from '../../src/domain/store.ts';
import type { Bus } from '../../src/pubsub/bus.ts';
import { IdGenerator } from '../../src/domain/ids.ts';
import { hashPassword } from '../../src/domain/password.ts';

const ids = new IdGenerator();

export interface TestUser {
  user: { id: string; email: string; name: string; email_verified?: boolean };
  token: string;
  socketToken: string;
}

export interface TestServer {
  app: RenrakuApp;
  url: string;
  wsUrl: string;
  dataDir: string;
  /** JSON request; returns status and parsed body. Throws nothing on 4xx. */
  request(method: string, path: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any }>;
  signup(name: string): Promise<TestUser>;
  /** (startTestServer only) sign-up without opening the verification link. */
  signupUnverified?(name: string): Promise<TestUser>;
  createGroup(owner: TestUser, name?: string): Promise<{ id: string; slug: string }>;
  createRoom(owner: TestUser, groupId: string, name?: string): Promise<{ id: string }>;
  /** Owner invites, member accepts. */
  addMember(owner: TestUser, groupId: string, member: TestUser): Promise<void>;
  stop(): Promise<void>;
}

let counter = 0;

/** A password the strength check accepts (zxcvbn score ≥ 3), for tests that sign people up. */
export const TEST_PASSWORD = 'correct horse battery';

/**
 * The whole server on a free port with a fresh SQLite store in a temp dir (or the given
 * store/bus), real HTTP and WebSocket. Every test file gets its own. Requests come from
 * 127.0.0.1, which is exempt from the per-address sign-up and sign-in budgets (tests sign up
 * many people); throttle tests name other clients through RENRAKU_TRUST_PROXY. A restart test passes the
 * `dataDir` and `port` of the server it stopped (a given dataDir is the caller's: stop() keeps
 * it); `webRoot` serves a web client built elsewhere.
 */
export async function startTestServer(opts: { env?: Record<string, string>; store?: Store; bus?: Bus; clock?: Clock; dataDir?: string; port?: number; webRoot?: string } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'renraku-test-'));
  const config = loadConfig({ RENRAKU_HOST: '127.0.0.1', RENRAKU_HTTP_PORT: String(opts.port ?? 0), RENRAKU_DATA_DIR: dataDir, RENRAKU_SMTP_PORT: '0', RENRAKU_LOG_LEVEL: 'silent', RENRAKU_THROTTLE_EXEMPT: '127.0.0.1', ...opts.env });
  const app = await buildApp({ config, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), ...(opts.store ? { store: opts.store } : {}), ...(opts.bus ? { bus: opts.bus } : {}), ...(opts.clock ? { clock: opts.clock } : {}), ...(opts.webRoot ? { webRoot: opts.webRoot } : {}) });
  const url = await app.listen();
  const wsUrl = url.replace(/^http/, 'ws');

  const client = apiClient(url);
  return {
    app, url, wsUrl, dataDir,
    ...client,
    signup: (name) => signupVerified(app, client, name),
    signupUnverified: client.signup,
    async stop() {
      await app.close();
      if (opts.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * An account that exists with a verified address (as after opening its link), signed in over
 * HTTP: stored directly, so no verification mail reaches a test's relay. The sign-up route and its
 * mail are tested in test/accounts/; `signupUnverified` goes through that route.
 */
export async function signupVerified(app: RenrakuApp, client: Pick<TestServer, 'request'>, name: string): Promise<TestUser> {
  const email = `${name.toLowerCase().replace(/\W/g, '')}-${++counter}-${process.pid}@example.test`;
  const created = await app.store.users.create({ id: ids.next(), email, name, created_at: Date.now(), password_hash: await hashPassword(TEST_PASSWORD) });
  const signedIn = await client.request('POST', '/api/login', { body: { email, password: TEST_PASSWORD } });
  if (signedIn.status !== 200) throw new Error(`login of ${email}: ${signedIn.status} ${JSON.stringify(signedIn.body)}`);
  const st = await client.request('POST', '/api/socket-token', { token: signedIn.body.token });
  return { user: created, token: signedIn.body.token, socketToken: st.body.token };
}

/** The HTTP API of a running node at `url`, with the helpers tests need to set up users, groups and rooms. */
export function apiClient(url: string): Omit<TestServer, 'app' | 'url' | 'wsUrl' | 'dataDir' | 'stop'> {
  async function request(method: string, path: string, o: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url + path, { method, headers, ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: body as any };
  }

  async function ok(method: string, path: string, o: { token?: string; body?: unknown }, expected: number) {
    const res = await request(method, path, o);
    if (res.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  return {
    request,
    async signup(name) {
      const n = ++counter;
      const body = await ok('POST', '/api/signup', { body: { email: `${name.toLowerCase().replace(/\W/g, '')}-${n}-${process.pid}@example.test`, password: TEST_PASSWORD, name } }, 201);
      const st = await ok('POST', '/api/socket-token', { token: body.token }, 200);
      return { user: body.user, token: body.token, socketToken: st.token };
    },
    async createGroup(owner, name = 'Class 3-B parents') {
      const body = await ok('POST', '/api/groups', { token: owner.token, body: { name, slug: `g-${++counter}-${process.pid}` } }, 201);
      return body.group;
    },
    async createRoom(owner, groupId, name = 'general') {
      const body = await ok('POST', `/api/groups/${groupId}/rooms`, { token: owner.token, body: { name } }, 201);
      return body.room;
    },
    async addMember(owner, groupId, member) {
      const inv = await ok('POST', `/api/groups/${groupId}/invites`, { token: owner.token, body: {} }, 201);
      await ok('POST', `/api/invites/${inv.code}/accept`, { token: member.token }, 200);
    },
  };
}

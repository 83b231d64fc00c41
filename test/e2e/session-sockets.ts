import type { Socket } from 'phoenix';
import type { TransportName } from '../support/phoenix-helpers.ts';
import { upgradeStatus } from '../support/upgrade-status.ts';
import type { TestServer, TestUser } from '../support/test-server.ts';

/** The first close of a phoenix socket (WebSocket: its close code; LongPoll: phoenix.js's own). */
export function closedOnce(socket: Socket): Promise<{ code: number }> {
  return new Promise((resolve) => {
    const ref = socket.onClose((event: { code: number }) => {
      socket.off([ref]);
      resolve(event);
    });
  });
}

/**
 * What a fresh connect with `socketToken` gets: 101 when the WebSocket upgraded, 410 when a
 * LongPoll session opened (phoenix.js reads it as "opened"); else the refusal (403).
 */
export async function connectStatus(server: Pick<TestServer, 'url' | 'wsUrl'>, socketToken: string, transport: TransportName): Promise<number> {
  const query = `token=${encodeURIComponent(socketToken)}&vsn=2.0.0`;
  if (transport === 'longpoll') {
    const res = await fetch(`${server.url}/socket/longpoll?${query}`);
    return ((await res.json()) as { status: number }).status;
  }
  return upgradeStatus(`${server.wsUrl}/socket/websocket?${query}`);
}

/** A second sign-in of `user` (another device): its bearer token, socket token and session id. */
export async function signInAgain(server: Pick<TestServer, 'request'>, user: TestUser): Promise<TestUser & { sessionId: string }> {
  const login = await server.request('POST', '/api/login', { body: { email: user.user.email, password: 'correct horse battery' } });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${JSON.stringify(login.body)}`);
  const token = login.body.token as string;
  const socketToken = (await server.request('POST', '/api/socket-token', { token })).body.token as string;
  return { user: user.user, token, socketToken, sessionId: await currentSessionId(server, token) };
}

/** The id of the session a bearer token belongs to, from its own session list. */
export async function currentSessionId(server: Pick<TestServer, 'request'>, token: string): Promise<string> {
  const listed = await server.request('GET', '/api/me/sessions', { token });
  const mine = (listed.body.sessions as { id: string; current: boolean }[]).find((s) => s.current);
  if (!mine) throw new Error(`no current session in ${JSON.stringify(listed.body)}`);
  return mine.id;
}

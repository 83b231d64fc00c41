import { ApiError, retryAfterSeconds } from './api-error.ts';
import type { Group, Invite, InvitePreview, Member, Message, Role, Room, RoomUnread, Subgroup, User } from './types.ts';

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * The HTTP API (README "HTTP API"). The browser session is the HttpOnly cookie the server sets
 * on sign-up and sign-in, so no token is ever readable by script. Every failure is an
 * `ApiError` carrying the server's code, or `network` when no answer came.
 */
export class ApiClient {
  private readonly fetch: Fetch;
  /** Told when any request answers 401: the session ended elsewhere. */
  onUnauthenticated: () => void = () => {};

  constructor(fetchImpl: Fetch) {
    this.fetch = fetchImpl;
  }

  /** JSON in, JSON out. */
  request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' };
    return this.send<T>(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  }

  /** A file as the body, with its own type (attachments); JSON answer. */
  upload<T>(path: string, file: Blob, headers: Record<string, string>): Promise<T> {
    return this.send<T>(path, { method: 'POST', headers: { accept: 'application/json', 'content-type': file.type || 'application/octet-stream', ...headers }, body: file });
  }

  private async send<T>(path: string, init: RequestInit): Promise<T> {
    let response: Response;
    try {
      response = await this.fetch(path, { ...init, credentials: 'same-origin' });
    } catch (error) {
      throw new ApiError(0, 'network', (error as Error).message);
    }
    if (response.status === 204) return undefined as T;
    const data = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
    if (!response.ok) {
      if (response.status === 401 && path !== '/api/login') this.onUnauthenticated();
      const { code, message, ...details } = data;
      const retryAfter = retryAfterSeconds(response.headers.get('retry-after'));
      throw new ApiError(response.status, code ?? 'internal', message ?? response.statusText, { details, ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }) });
    }
    return data as T;
  }

  signup(input: { name: string; email: string; password: string; language?: 'ja' | 'en' }): Promise<{ user: User }> {
    return this.request('POST', '/api/signup', input);
  }
  login(email: string, password: string): Promise<{ user: User }> {
    return this.request('POST', '/api/login', { email, password });
  }
  logout(): Promise<void> {
    return this.request('POST', '/api/logout');
  }
  me(): Promise<{ user: User }> {
    return this.request('GET', '/api/me');
  }
  socketToken(): Promise<{ token: string; expires_at: number }> {
    return this.request('POST', '/api/socket-token');
  }

  groups(): Promise<{ groups: Group[] }> {
    return this.request('GET', '/api/groups');
  }
  group(id: string): Promise<{ group: Group }> {
    return this.request('GET', `/api/groups/${enc(id)}`);
  }
  createGroup(name: string, slug: string): Promise<{ group: Group }> {
    return this.request('POST', '/api/groups', { name, slug });
  }
  members(groupId: string): Promise<{ members: Member[] }> {
    return this.request('GET', `/api/groups/${enc(groupId)}/members`);
  }
  setRole(groupId: string, userId: string, role: Role): Promise<{ role: Role }> {
    return this.request('PATCH', `/api/groups/${enc(groupId)}/members/${enc(userId)}`, { role });
  }
  removeMember(groupId: string, userId: string): Promise<void> {
    return this.request('DELETE', `/api/groups/${enc(groupId)}/members/${enc(userId)}`);
  }

  subgroups(groupId: string): Promise<{ subgroups: Subgroup[] }> {
    return this.request('GET', `/api/groups/${enc(groupId)}/subgroups`);
  }

  createSubgroup(groupId: string, name: string): Promise<{ subgroup: Subgroup }> {
    return this.request('POST', `/api/groups/${enc(groupId)}/subgroups`, { name });
  }
  putSubgroupMember(subgroupId: string, userId: string, leader: boolean): Promise<void> {
    return this.request('PUT', `/api/subgroups/${enc(subgroupId)}/members/${enc(userId)}`, { leader });
  }
  removeSubgroupMember(subgroupId: string, userId: string): Promise<void> {
    return this.request('DELETE', `/api/subgroups/${enc(subgroupId)}/members/${enc(userId)}`);
  }
  deleteSubgroup(subgroupId: string): Promise<void> {
    return this.request('DELETE', `/api/subgroups/${enc(subgroupId)}`);
  }

  createInvite(groupId: string): Promise<{ code: string; invite: Invite }> {
    return this.request('POST', `/api/groups/${enc(groupId)}/invites`, {});
  }
  invites(groupId: string): Promise<{ invites: Invite[] }> {
    return this.request('GET', `/api/groups/${enc(groupId)}/invites`);
  }
  previewInvite(code: string): Promise<InvitePreview> {
    return this.request('GET', `/api/invites/${enc(code)}`);
  }
  acceptInvite(code: string): Promise<{ group: Group }> {
    return this.request('POST', `/api/invites/${enc(code)}/accept`);
  }
  revokeInvite(code: string): Promise<void> {
    return this.request('DELETE', `/api/invites/${enc(code)}`);
  }

  rooms(groupId: string): Promise<{ rooms: Room[] }> {
    return this.request('GET', `/api/groups/${enc(groupId)}/rooms`);
  }
  createRoom(groupId: string, name: string): Promise<{ room: Room }> {
    return this.request('POST', `/api/groups/${enc(groupId)}/rooms`, { name });
  }
  /** Ascending by seq; `before`: the newest `limit` below it; `after`: the oldest above it. */
  history(roomId: string, page: { before?: number; after?: number; limit?: number }): Promise<{ messages: Message[] }> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(page)) if (value !== undefined) query.set(key, String(value));
    const qs = query.toString();
    return this.request('GET', `/api/rooms/${enc(roomId)}/messages${qs ? `?${qs}` : ''}`);
  }
  /** The same path as the `msg:new` push: a repeated client_id is answered, never stored twice. */
  post(roomId: string, input: { body: string; client_id: string; reply_to: string | null }): Promise<{ message: Message }> {
    return this.request('POST', `/api/rooms/${enc(roomId)}/messages`, input);
  }
  unread(): Promise<{ rooms: RoomUnread[] }> {
    return this.request('GET', '/api/me/unread');
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

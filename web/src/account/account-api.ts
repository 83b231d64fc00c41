import type { ApiClient } from '../api/api-client.ts';
import type { User } from '../api/types.ts';
import type { Lang } from '../i18n/language.ts';

/** One of my sessions, as `GET /api/me/sessions` lists it. */
export interface SessionInfo {
  id: string;
  created_at: number;
  last_used_at: number;
  expires_at: number;
  user_agent: string | null;
  /** The session of this browser. */
  current: boolean;
}

/** A group I alone own (the `groups` of a `sole_owner` refusal). */
export interface OwnedGroup {
  id: string;
  name: string;
}

/** Where my data export downloads from (a plain GET: the session cookie goes along). */
export const EXPORT_PATH = '/api/me/export';

/** The account routes (src/http/routes/account-routes.ts), over the app's ApiClient. */
export class AccountApi {
  private readonly api: ApiClient;

  constructor(api: ApiClient) {
    this.api = api;
  }

  /** Opens a verification or address-change link: no session needed. */
  confirmEmail(token: string): Promise<{ user: User }> {
    return this.api.request('POST', '/api/email-verification/confirm', { token });
  }
  resendVerification(): Promise<void> {
    return this.api.request('POST', '/api/me/verification');
  }
  /** Always accepted, whether or not the account exists. */
  requestPasswordReset(email: string): Promise<void> {
    return this.api.request('POST', '/api/password-reset', { email });
  }
  /** Every session of the account ends: the person signs in again. */
  confirmPasswordReset(token: string, password: string): Promise<void> {
    return this.api.request('POST', '/api/password-reset/confirm', { token, password });
  }
  updateProfile(input: { name?: string; language?: Lang | null }): Promise<{ user: User }> {
    return this.api.request('PATCH', '/api/me', input);
  }
  changePassword(current: string, password: string): Promise<void> {
    return this.api.request('PUT', '/api/me/password', { current, password });
  }
  changeEmail(email: string, password: string): Promise<{ pending_email: string }> {
    return this.api.request('POST', '/api/me/email', { email, password });
  }
  sessions(): Promise<{ sessions: SessionInfo[] }> {
    return this.api.request('GET', '/api/me/sessions');
  }
  endSession(id: string): Promise<void> {
    return this.api.request('DELETE', `/api/me/sessions/${encodeURIComponent(id)}`);
  }
  deleteAccount(password: string): Promise<void> {
    return this.api.request('DELETE', '/api/me', { password });
  }
}

/** The groups a `sole_owner` refusal names; empty for any other error. */
export function soleOwnerGroups(error: unknown): OwnedGroup[] {
  const e = error as { code?: string; details?: { groups?: unknown } };
  if (e?.code !== 'sole_owner' || !Array.isArray(e.details?.groups)) return [];
  return e.details.groups.filter((g): g is OwnedGroup => typeof g?.id === 'string' && typeof g?.name === 'string');
}

import { createHash, randomBytes } from 'node:crypto';
import { checkPasswordStrength } from '../accounts/password-policy.ts';
import { LIMITS } from '../config/limits.ts';
import { AppError } from './app-error.ts';
import type { Clock } from './clock.ts';
import type { IdGenerator } from './ids.ts';
import { hashPassword, verifyPassword } from './password.ts';
import type { SocketTokens } from './socket-token.ts';
import type { Store } from './store.ts';
import { hasForbiddenCharacters } from './text.ts';
import type { User } from './types.ts';

export interface SignedIn {
  user: User;
  /** The session token: shown once, stored only as its SHA-256. */
  token: string;
}

/**
 * Accounts and sessions. Session tokens are 32 random bytes (base64url) and only their SHA-256
 * is stored, so a leaked database grants no sessions. Socket tokens are short-lived and signed.
 */
export class AccountService {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly tokens: SocketTokens;

  constructor(deps: { store: Store; clock: Clock; ids: IdGenerator; tokens: SocketTokens }) {
    this.store = deps.store;
    this.clock = deps.clock;
    this.ids = deps.ids;
    this.tokens = deps.tokens;
  }

  async signup(input: { email: string; password: string; name: string }): Promise<SignedIn> {
    const name = input.name.trim();
    if (name === '' || hasForbiddenCharacters(name)) {
      throw new AppError('validation_failed', 'name must be non-empty text without control characters', { field: 'name' });
    }
    checkPasswordStrength(input.password, [input.email, name]);
    const password_hash = await hashPassword(input.password);
    const user = await this.store.users.create({
      id: this.ids.next(),
      email: input.email.trim(),
      name,
      created_at: this.clock.now(),
      password_hash,
    });
    return { user, token: await this.openSession(user.id) };
  }

  async login(email: string, password: string): Promise<SignedIn> {
    const found = await this.store.users.findByEmail(email.trim());
    // Verify against a dummy hash when the user is unknown, so timing does not reveal accounts.
    const ok = await verifyPassword(password, found?.password_hash ?? DUMMY_HASH);
    if (!found || !ok) throw new AppError('invalid_credentials');
    const { password_hash: _omit, ...user } = found;
    return { user, token: await this.openSession(user.id) };
  }

  async logout(token: string): Promise<void> {
    await this.store.sessions.delete(hashToken(token));
  }

  /** The signed-in user of a session token, or undefined. */
  async authenticate(token: string): Promise<User | undefined> {
    if (token.length === 0 || token.length > 128) return undefined;
    return this.store.sessions.findUser(hashToken(token), this.clock.now());
  }

  socketToken(userId: string): { token: string; expires_at: number } {
    return this.tokens.mint(userId);
  }

  private async openSession(userId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    await this.store.sessions.create({ token_hash: hashToken(token), user_id: userId, created_at: now, expires_at: now + LIMITS.sessionTtlMs });
    return token;
  }
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

// hashPassword() of a random, forgotten password, with password.ts's parameters (all six fields,
// so verifyPassword runs scrypt in full): unknown accounts cost a sign-in the same time as known ones.
const DUMMY_HASH = 'scrypt$15$8$1$yZqeM3tLSK1faTzSU7M9fw==$9XsVPcAuattTTKHycmfkQIFbGPeJnbUMpPDfs9McIII=';

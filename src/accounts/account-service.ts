import { createHash, randomBytes } from 'node:crypto';
import { LIMITS } from '../config/limits.ts';
import type { AccountLinkTokens } from './account-link-tokens.ts';
import type { AccountExport } from './account-data-repository.ts';
import { renderAccountMail, type AccountMailKind } from './account-mail.ts';
import type { MailEnqueuer } from '../mail/outgoing-mail.ts';
import { AppError } from '../domain/app-error.ts';
import type { Clock } from '../domain/clock.ts';
import type { IdGenerator } from '../domain/ids.ts';
import type { Notifier } from '../domain/notifier.ts';
import { hashPassword, verifyPassword, UNUSABLE_PASSWORD } from '../domain/password.ts';
import type { SocketTokens } from '../domain/socket-token.ts';
import type { Store } from '../domain/store.ts';
import { checkName } from '../domain/text.ts';
import type { AccountToken, AccountTokenPurpose, Authenticated, Language, SessionView, User } from '../domain/types.ts';

export interface SignedIn {
  user: User;
  /** The session token: shown once, stored only as its SHA-256. */
  token: string;
}

/** Where a sign-in came from, kept with its session so its owner can tell devices apart. */
export interface ClientInfo {
  userAgent?: string | undefined;
}

export interface AccountServiceDeps {
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  tokens: SocketTokens;
  links: AccountLinkTokens;
  mail: MailEnqueuer;
  /** Closes sockets of ended sessions on every node (PubSub). */
  notifier: Notifier;
  /** RENRAKU_PUBLIC_URL: the links in account mail open the web client there. */
  publicUrl: string;
  /** The language of account mail for a person who chose none. */
  defaultLanguage: Language;
  /** Refuses weak passwords with a reason (AppError); given the person's own words (email, name). */
  checkPassword: (password: string, userInputs: string[]) => void;
  /** Told when a mail could not be queued by work done after the answer (password reset). */
  onBackgroundError: (err: unknown, what: string) => void;
}

/**
 * Accounts and sessions. Session tokens are 32 random bytes (base64url) and only their SHA-256
 * is stored, so a leaked database grants no sessions. Socket tokens are short-lived, signed and
 * name the session that minted them, so ending a session refuses them and closes their sockets.
 * Mailed links (verification, address change, password reset) are single use, stored hashed.
 */
export class AccountService {
  private readonly deps: AccountServiceDeps;
  private readonly store: Store;
  private readonly clock: Clock;
  /** scrypt of a random password with the same parameters as real ones: unknown accounts cost the same. */
  private readonly dummyHash: Promise<string>;

  constructor(deps: AccountServiceDeps) {
    this.deps = deps;
    this.store = deps.store;
    this.clock = deps.clock;
    this.dummyHash = hashPassword(randomBytes(16).toString('base64url'));
  }

  /** `addressProved`: the caller already had the person open a link mailed to the address (join by mail). */
  async signup(input: { email: string; password: string; name: string; language?: Language | undefined; addressProved?: boolean }, client: ClientInfo = {}): Promise<SignedIn> {
    const name = checkName(input.name);
    const email = input.email.trim();
    this.deps.checkPassword(input.password, [email, name]);
    const password_hash = await hashPassword(input.password);
    const user = await this.store.users.create({
      id: this.deps.ids.next(), email, name, created_at: this.clock.now(), password_hash, email_verified: input.addressProved === true, language: input.language ?? null,
    });
    const token = await this.openSession(user.id, client);
    if (!user.email_verified) await this.sendLink(user, 'verify_email', email);
    return { user, token };
  }

  async login(email: string, password: string, client: ClientInfo = {}): Promise<SignedIn> {
    const found = await this.store.users.findByEmail(email.trim());
    // Verify against a dummy hash when the user is unknown, so timing does not reveal accounts.
    const ok = await verifyPassword(password, found?.password_hash ?? (await this.dummyHash));
    if (!found || !ok) throw new AppError('invalid_credentials');
    const { password_hash: _omit, ...user } = found;
    return { user, token: await this.openSession(user.id, client) };
  }

  /** Ends the session of `token` and closes the sockets opened with it. */
  async logout(token: string): Promise<void> {
    const ended = await this.store.sessions.delete(hashToken(token));
    if (ended) this.deps.notifier.closeSessions(ended.user_id, [ended.id]);
  }

  /** The signed-in user and session of a session token, or undefined. */
  async authenticate(token: string): Promise<Authenticated | undefined> {
    if (token.length === 0 || token.length > 128) return undefined;
    const now = this.clock.now();
    const found = await this.store.sessions.findUser(hashToken(token), now);
    if (!found) return undefined;
    if (now - found.last_used_at >= LIMITS.sessionTouchIntervalMs) await this.store.sessions.touch(found.session_id, now);
    return { user: found.user, session_id: found.session_id };
  }

  /** A socket token for the session: refused once the session ends. */
  socketToken(userId: string, sessionId: string): { token: string; expires_at: number } {
    return this.deps.tokens.mint(userId, sessionId);
  }

  /** Whether a socket token's session still stands (checked at every socket connect). */
  sessionIsLive(userId: string, sessionId: string): Promise<boolean> {
    return this.store.sessions.isLive(sessionId, userId, this.clock.now());
  }

  async listSessions(userId: string, currentId: string): Promise<(SessionView & { current: boolean })[]> {
    const sessions = await this.store.sessions.listForUser(userId, this.clock.now());
    return sessions.map((s) => ({ ...s, current: s.id === currentId }));
  }

  async revokeSession(userId: string, sessionId: string): Promise<void> {
    if (!(await this.store.sessions.deleteById(userId, sessionId))) throw new AppError('session_not_found');
    this.deps.notifier.closeSessions(userId, [sessionId]);
  }

  async updateProfile(userId: string, changes: { name?: string | undefined; language?: Language | null | undefined }): Promise<User> {
    const update: { name?: string; language?: Language | null } = {};
    if (changes.name !== undefined) update.name = checkName(changes.name);
    if (changes.language !== undefined) update.language = changes.language;
    const user = await this.store.users.updateProfile(userId, update);
    if (!user) throw new AppError('user_not_found');
    return user;
  }

  /** Changes the password after proving the current one; every other session ends. */
  async changePassword(auth: Authenticated, current: string, password: string): Promise<void> {
    await this.checkCurrentPassword(auth.user.id, current);
    this.deps.checkPassword(password, [auth.user.email, auth.user.name]);
    await this.store.users.setPasswordHash(auth.user.id, await hashPassword(password));
    await this.endSessions(auth.user.id, auth.session_id);
    await this.store.accountTokens.revokeForUser(auth.user.id, ['reset_password'], this.clock.now());
    if (auth.user.email_verified) await this.sendNotice(auth.user, 'password_changed', auth.user.email);
  }

  /** Mails a link to the new address; it becomes the account's address only when that link is opened. */
  async requestEmailChange(user: User, email: string, password: string): Promise<{ pending_email: string }> {
    await this.checkCurrentPassword(user.id, password);
    const next = email.trim();
    if (next.toLowerCase() === user.email.toLowerCase()) throw new AppError('email_unchanged');
    const other = await this.store.users.findByEmail(next);
    if (other) throw new AppError('email_taken');
    await this.store.accountTokens.revokeForUser(user.id, ['change_email'], this.clock.now());
    await this.sendLink(user, 'change_email', next);
    return { pending_email: next };
  }

  /** Mails a new verification link (the older ones stop working). */
  async resendVerification(user: User): Promise<void> {
    if (user.email_verified) throw new AppError('email_already_verified');
    await this.store.accountTokens.revokeForUser(user.id, ['verify_email'], this.clock.now());
    await this.sendLink(user, 'verify_email', user.email);
  }

  /** Opens a verification or address-change link. */
  async confirmEmail(token: string): Promise<User> {
    const purpose: AccountTokenPurpose = this.deps.links.verify('change_email', token) !== undefined ? 'change_email' : 'verify_email';
    const taken = await this.takeLink(purpose, token);
    const now = this.clock.now();
    const before = await this.store.users.findById(taken.user_id);
    if (!before || taken.email === null) throw new AppError('token_invalid');
    if (purpose === 'verify_email') {
      // A link for an address the account no longer has proves nothing about the current one.
      if (before.email.toLowerCase() !== taken.email.toLowerCase()) throw new AppError('token_invalid');
      await this.store.users.markEmailVerified(before.id, taken.email, now);
    } else {
      await this.store.users.changeEmail(before.id, taken.email, now);
      if (before.email_verified) await this.sendNotice(before, 'email_changed', before.email, taken.email);
    }
    const after = await this.store.users.findById(before.id);
    return after!;
  }

  /**
   * Starts a reset; the caller answers 202 at once. The work (lookup, token, mail) runs after the
   * answer so that its time says nothing about whether the account exists.
   */
  requestPasswordReset(email: string): void {
    void this.sendResetLink(email).catch((err: unknown) => this.deps.onBackgroundError(err, 'password reset mail'));
  }

  /** Sets the password of a reset link; every session of the account ends and its sockets close. */
  async confirmPasswordReset(token: string, password: string): Promise<void> {
    const found = await this.findLink('reset_password', token);
    const user = await this.store.users.findById(found.user_id);
    if (!user) throw new AppError('token_invalid');
    // Checked before the link is used, so a refused password does not spend it.
    this.deps.checkPassword(password, [user.email, user.name]);
    await this.takeLink('reset_password', token);
    await this.store.users.setPasswordHash(user.id, await hashPassword(password));
    await this.endSessions(user.id);
    // The link reached the mailbox: that proves the address as a verification link would.
    if (!user.email_verified) await this.store.users.markEmailVerified(user.id, user.email, this.clock.now());
  }

  /** Leaves the service: personal data goes, what others need stays under an anonymous name. */
  async deleteAccount(user: User, password: string): Promise<void> {
    await this.checkCurrentPassword(user.id, password);
    const sole = await this.store.accountData.soleOwnerGroups(user.id);
    if (sole.length > 0) throw new AppError('sole_owner', undefined, { groups: sole });
    const sessions = await this.store.sessions.listForUser(user.id, 0);
    const { group_ids } = await this.store.accountData.anonymize(user.id, this.clock.now());
    for (const groupId of group_ids) this.deps.notifier.revokeGroupAccess(user.id, groupId);
    this.deps.notifier.closeSessions(user.id, sessions.map((s) => s.id));
    if (user.email_verified) await this.sendNotice(user, 'account_deleted', user.email);
  }

  async exportData(user: User, currentSessionId: string): Promise<{ exported_at: number; profile: User; sessions: SessionView[] } & AccountExport> {
    const [data, sessions] = await Promise.all([this.store.accountData.exportUser(user.id), this.listSessions(user.id, currentSessionId)]);
    return { exported_at: this.clock.now(), profile: user, sessions, ...data };
  }

  private async sendResetLink(email: string): Promise<void> {
    const user = await this.store.users.findByEmail(email.trim());
    if (!user || user.password_hash === UNUSABLE_PASSWORD) return;
    const { password_hash: _omit, ...plain } = user;
    await this.store.accountTokens.revokeForUser(user.id, ['reset_password'], this.clock.now());
    await this.sendLink(plain, 'reset_password', user.email);
  }

  /** The stored token of a link that can still be used; the declared reason otherwise. */
  private async findLink(purpose: AccountTokenPurpose, token: string): Promise<AccountToken> {
    const hash = this.deps.links.verify(purpose, token);
    const found = hash === undefined ? undefined : await this.store.accountTokens.find(hash, purpose);
    if (!found) throw new AppError('token_invalid');
    if (found.used) throw new AppError('token_used');
    if (found.expires_at <= this.clock.now()) throw new AppError('token_expired');
    return found;
  }

  /** Uses a link once: of two concurrent uses exactly one succeeds. */
  private async takeLink(purpose: AccountTokenPurpose, token: string): Promise<AccountToken> {
    const found = await this.findLink(purpose, token);
    const taken = await this.store.accountTokens.take(found.token_hash, purpose, this.clock.now());
    if (!taken) throw new AppError('token_used');
    return taken;
  }

  private async checkCurrentPassword(userId: string, password: string): Promise<void> {
    const stored = await this.store.users.findPasswordHash(userId);
    if (stored === undefined) throw new AppError('user_not_found');
    if (!(await verifyPassword(password, stored))) throw new AppError('wrong_password');
  }

  private async endSessions(userId: string, exceptId?: string): Promise<void> {
    const ended = await this.store.sessions.deleteForUser(userId, exceptId);
    this.deps.notifier.closeSessions(userId, ended);
  }

  private async sendLink(user: User, purpose: AccountTokenPurpose, to: string): Promise<void> {
    const { token, hash } = this.deps.links.mint(purpose);
    const now = this.clock.now();
    const ttl = purpose === 'reset_password' ? LIMITS.passwordResetTtlMs : LIMITS.emailVerificationTtlMs;
    await this.store.accountTokens.create({ token_hash: hash, user_id: user.id, purpose, email: purpose === 'reset_password' ? null : to, created_at: now, expires_at: now + ttl });
    const path = purpose === 'reset_password' ? 'reset-password' : 'verify-email';
    await this.enqueue(user, purpose, to, `ak:${purpose}:${hash.slice(0, 16)}`, `${this.deps.publicUrl}/#/${path}/${token}`);
  }

  private async sendNotice(user: User, kind: AccountMailKind, to: string, newEmail?: string): Promise<void> {
    await this.enqueue(user, kind, to, `ak:${kind}:${user.id}:${this.clock.now()}`, undefined, newEmail);
  }

  private async enqueue(user: User, kind: AccountMailKind, to: string, key: string, url?: string, newEmail?: string): Promise<void> {
    const rendered = renderAccountMail({ kind, locale: user.language ?? this.deps.defaultLanguage, name: user.name, ...(url !== undefined ? { url } : {}), ...(newEmail !== undefined ? { newEmail } : {}) });
    await this.deps.mail.enqueue([{ message_key: key, user_id: user.id, to, account_mail: true, subject: rendered.subject, text: rendered.text, html: rendered.html }]);
  }

  private async openSession(userId: string, client: ClientInfo): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const userAgent = client.userAgent?.trim().slice(0, LIMITS.maxUserAgentLength) || null;
    await this.store.sessions.create({ id: this.deps.ids.next(), token_hash: hashToken(token), user_id: userId, created_at: now, expires_at: now + LIMITS.sessionTtlMs, last_used_at: now, user_agent: userAgent });
    return token;
  }
}


export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

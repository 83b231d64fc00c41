import type { AccountService } from '../../accounts/account-service.ts';
import { AppError } from '../../domain/app-error.ts';
import type { Clock } from '../../domain/clock.ts';
import type { GroupService } from '../../domain/group-service.ts';
import type { IdGenerator } from '../../domain/ids.ts';
import type { Notifier } from '../../domain/notifier.ts';
import type { Store } from '../../domain/store.ts';
import { topics } from '../../domain/topics.ts';
import type { Group } from '../../domain/types.ts';
import type { MailEnqueuer } from '../outgoing-mail.ts';
import { renderNoticeMail, type MailLocale } from '../templates.ts';
import type { JoinRequest, JoinRequestStatus } from './feedback-repository.ts';
import type { JoinLinks } from './join-links.ts';
import { tellOwners } from './tell-owners.ts';

/** A confirmation link works this long; an unconfirmed request older than this is closed when the address asks again. */
export const JOIN_LINK_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface MailJoinDeps {
  store: Pick<Store, 'feedback' | 'groups' | 'users'>;
  groups: Pick<GroupService, 'access'>;
  accounts: Pick<AccountService, 'signup'>;
  notifier: Notifier;
  mail: MailEnqueuer;
  links: JoinLinks;
  clock: Clock;
  ids: IdGenerator;
  /** RENRAKU_PUBLIC_URL, no trailing slash. */
  publicUrl: string;
  locale?: MailLocale;
}

export interface JoinRequestView {
  id: string;
  status: JoinRequestStatus;
  address: string;
  group: Pick<Group, 'id' | 'name' | 'slug'>;
  /** Whether an account with this address exists (else confirming creates one). */
  account_exists: boolean;
  created_at: number;
}

const WORDS = {
  ja: {
    subject: (group: string) => `「${group}」への参加の確認`,
    body: (group: string, address: string) =>
      `${address} から「${group}」への参加の申し込みがありました。\n\nご本人の申し込みであれば、下のリンクを開いて参加を確認してください。心当たりがなければ、このメールは破棄してください（何も起こりません）。`,
    link: '参加を確認する',
    note: 'リンクの有効期限は 7 日間です。',
    footer: 'Renraku メーリングリスト',
  },
  en: {
    subject: (group: string) => `Confirm joining "${group}"`,
    body: (group: string, address: string) =>
      `${address} asked to join "${group}".\n\nIf that was you, open the link below to confirm. If not, ignore this mail: nothing happens.`,
    link: 'Confirm',
    note: 'The link works for 7 days.',
    footer: 'Renraku mailing lists',
  },
} as const;

/**
 * Joining a group by mail: a mail to `<slug>+join@…` opens a request and mails a confirmation
 * link to the address it came from (so a forged From only reaches the real owner of that
 * address, who ignores it). Following the link (a POST: mail scanners fetch links with GET)
 * confirms: the member joins at once when the group says so, else the owners approve or
 * reject. One open request per address and group: asking again sends no second mail.
 */
export class MailJoins {
  private readonly deps: MailJoinDeps;

  constructor(deps: MailJoinDeps) {
    this.deps = deps;
  }

  /** A join mail arrived from `address` for `group` (mail id `mailId`). Idempotent per mail. */
  async request(group: Group, address: string, mailId: string, inReplyTo?: string): Promise<JoinRequest | undefined> {
    const { store, clock, ids } = this.deps;
    const user = await store.users.findByEmail(address);
    if (user !== undefined && (await store.groups.getMembership(group.id, user.id)) !== undefined) return undefined;
    const now = clock.now();
    const fresh = (): JoinRequest => ({
      id: ids.next(), group_id: group.id, address, status: 'unconfirmed', source_mail_id: mailId, user_id: null,
      created_at: now, confirmed_at: null, decided_at: null, decided_by: null,
    });
    let { request } = await store.feedback.openJoinRequest(fresh());
    if (request.status === 'unconfirmed' && request.created_at + JOIN_LINK_TTL_MS <= now && request.source_mail_id !== mailId) {
      // The old link has expired: close that request and start again, with a new mail.
      await store.feedback.moveJoinRequest(request.id, ['unconfirmed'], { status: 'rejected', decided_at: now });
      ({ request } = await store.feedback.openJoinRequest(fresh()));
    }
    if (request.status === 'unconfirmed') await this.mailConfirmation(group, request, inReplyTo);
    return request;
  }

  async preview(token: string): Promise<JoinRequestView> {
    const { request, group } = await this.load(token);
    return this.view(request, group);
  }

  /**
   * The address owner confirms. Without an account for the address, `name` and `password`
   * create one. Confirming again answers the request as it stands.
   */
  async confirm(token: string, input: { name?: string; password?: string }): Promise<JoinRequestView> {
    const { store, clock } = this.deps;
    const { request, group } = await this.load(token);
    if (request.status === 'rejected') throw new AppError('mail_join_closed');
    if (request.status !== 'unconfirmed') return this.view(request, group);
    if (request.created_at + JOIN_LINK_TTL_MS <= clock.now()) throw new AppError('mail_join_link_expired');
    const account = await store.users.findByEmail(request.address);
    let userId = account?.id;
    const now = clock.now();
    // The confirmation link went to the address: opening it proves the address, as a verification link does.
    if (account && !account.email_verified) await store.users.markEmailVerified(account.id, account.email, now);
    if (userId === undefined) {
      if (input.name === undefined || input.password === undefined) throw new AppError('mail_join_account_required');
      userId = (await this.deps.accounts.signup({ email: request.address, name: input.name, password: input.password, addressProved: true })).user.id;
    }
    const direct = await store.feedback.joinsDirectly(group.id);
    const moved = await store.feedback.moveJoinRequest(request.id, ['unconfirmed'], { status: direct ? 'joined' : 'pending', user_id: userId, confirmed_at: now, ...(direct ? { decided_at: now } : {}) });
    if (moved === undefined) return this.view((await store.feedback.findJoinRequest(request.id)) ?? request, group);
    if (direct) await this.addMember(group.id, userId, now);
    else await tellOwners(this.deps, group.id, 'mail_join:pending', { request_id: moved.id, address: moved.address });
    return this.view(moved, group);
  }

  /** Open and decided requests of a group (owners). */
  async list(userId: string, groupId: string, status?: JoinRequestStatus): Promise<JoinRequest[]> {
    await this.deps.groups.access(userId, groupId, 'manageMembers');
    return this.deps.store.feedback.listJoinRequests(groupId, status);
  }

  /** An owner approves (the member joins) or rejects a confirmed request. */
  async decide(userId: string, groupId: string, requestId: string, approve: boolean): Promise<JoinRequest> {
    const { store, clock } = this.deps;
    await this.deps.groups.access(userId, groupId, 'manageMembers');
    const request = await store.feedback.findJoinRequest(requestId);
    if (request === undefined || request.group_id !== groupId) throw new AppError('mail_join_not_found');
    const now = clock.now();
    const moved = await store.feedback.moveJoinRequest(requestId, ['pending'], { status: approve ? 'joined' : 'rejected', decided_at: now, decided_by: userId });
    if (moved === undefined) throw new AppError('mail_join_closed', `This request is ${request.status}: only a confirmed (pending) request can be decided.`);
    if (approve && moved.user_id !== null) await this.addMember(groupId, moved.user_id, now);
    return moved;
  }

  async joinsDirectly(userId: string, groupId: string): Promise<boolean> {
    await this.deps.groups.access(userId, groupId, 'manageMembers');
    return this.deps.store.feedback.joinsDirectly(groupId);
  }

  async setJoinsDirectly(userId: string, groupId: string, direct: boolean): Promise<boolean> {
    await this.deps.groups.access(userId, groupId, 'manageMembers');
    await this.deps.store.feedback.setJoinsDirectly(groupId, direct, this.deps.clock.now());
    return direct;
  }

  private async load(token: string): Promise<{ request: JoinRequest; group: Group }> {
    const id = this.deps.links.verify(token);
    if (id === undefined) throw new AppError('mail_join_link_invalid');
    const request = await this.deps.store.feedback.findJoinRequest(id);
    const group = request && (await this.deps.store.groups.findById(request.group_id));
    if (request === undefined || !group) throw new AppError('mail_join_not_found');
    return { request, group };
  }

  private async view(request: JoinRequest, group: Group): Promise<JoinRequestView> {
    const account = await this.deps.store.users.findByEmail(request.address);
    return {
      id: request.id, status: request.status, address: request.address, group: { id: group.id, name: group.name, slug: group.slug },
      account_exists: account !== undefined, created_at: request.created_at,
    };
  }

  private async addMember(groupId: string, userId: string, at: number): Promise<void> {
    const added = await this.deps.store.groups.addMember({ group_id: groupId, user_id: userId, role: 'member', joined_at: at });
    if (!added) return;
    this.deps.notifier.broadcast(topics.group(groupId), 'member:joined', { user_id: userId, role: 'member' });
    this.deps.notifier.broadcast(topics.user(userId), 'group:joined', { group_id: groupId });
  }

  private async mailConfirmation(group: Group, request: JoinRequest, inReplyTo: string | undefined): Promise<void> {
    const locale = this.deps.locale ?? 'ja';
    const words = WORDS[locale];
    const rendered = renderNoticeMail({
      locale, subject: words.subject(group.name), heading: words.subject(group.name), body: words.body(group.name, request.address),
      link: { url: `${this.deps.publicUrl}/mail-join/${this.deps.links.mint(request.id)}`, label: words.link }, note: words.note, footer: words.footer,
    });
    const headers: Record<string, string> = { 'Auto-Submitted': 'auto-replied' };
    if (inReplyTo !== undefined && /^<[^<>\s]{1,250}>$/.test(inReplyTo)) {
      headers['In-Reply-To'] = inReplyTo;
      headers.References = inReplyTo;
    }
    await this.deps.mail.enqueue([{ message_key: `join:${request.id}`, user_id: null, to: request.address, ...rendered, headers }]);
  }
}

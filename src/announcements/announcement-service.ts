import { LIMITS } from '../config/limits.ts';
import { AppError } from '../domain/app-error.ts';
import type { Clock } from '../domain/clock.ts';
import type { IdGenerator } from '../domain/ids.ts';
import type { Store } from '../domain/store.ts';
import { checkBody, codePointLength } from '../domain/text.ts';
import type { JobScheduler } from '../scheduler/job-scheduler.ts';
import type { MailDelivery } from '../shared/mail-delivery.ts';
import { isTimeZone } from '../shared/time-zone.ts';
import { checkAudience, isManager, mayEdit, seesStatus, type Actor, type AnnouncementAccess } from './announcement-access.ts';
import { ANNOUNCEMENT_JOBS, type AnnouncementDelivery } from './announcement-delivery.ts';
import { announcementView, mineView, type AnnouncementView, type MineView } from './announcement-view.ts';
import { checkAnswer, normalizeAnswerSpec, type AnswerInput, type AnswerSpecInput } from './answer-spec.ts';
import type { ReadLinks } from './read-link.ts';
import { statusCsv } from './status-csv.ts';
import { tally, type Tally } from './tally.ts';
import type { Announcement, Answer, Audience, Recipient } from './types.ts';

/** What a client sends to create an announcement (every field but title and body optional). */
export interface AnnouncementInput {
  title: string;
  body: string;
  /** default: everyone */
  recipients?: { all?: boolean; subgroup_ids?: string[]; user_ids?: string[] };
  /** default true */
  email?: boolean;
  answer?: AnswerSpecInput | null;
  deadline?: number | null;
  /** a future time: scheduled; absent: now (unless a draft) */
  send_at?: number | null;
  /** keep it as a draft */
  draft?: boolean;
  remind_count?: number;
  remind_interval_ms?: number;
  deadline_remind_ms?: number;
  attachment_ids?: string[];
}

/** An edit of an unsent announcement: any field of AnnouncementInput. */
export type AnnouncementPatch = Partial<AnnouncementInput>;

export interface StatusRow {
  user_id: string;
  name: string;
  read_at: number | null;
  answer: Answer | null;
  answered_at: number | null;
  /** false: the person has not confirmed their address, so no mail reaches them */
  email_verified: boolean;
}

export interface StatusView {
  announcement_id: string;
  recipients: StatusRow[];
  tally: Tally | null;
  recipient_count: number;
  read_count: number;
  answered_count: number;
}

export interface AnnouncementServiceDeps {
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  access: AnnouncementAccess;
  delivery: AnnouncementDelivery;
  jobs: Pick<JobScheduler, 'schedule' | 'cancel'>;
  readLinks: ReadLinks;
}

/** What to do with an announcement once stored. */
type Disposition = 'draft' | 'scheduled' | 'now';

/**
 * Announcements: write, schedule, edit and cancel them; read, answer and read-confirm them;
 * see who read and answered. Every method takes the acting user and checks their role (see
 * announcement-access.ts): owners and senders announce to anyone, sub-group leaders to their
 * sub-groups; only the author, owners and senders see status. Getting them to people is
 * AnnouncementDelivery's work.
 *
 * Jobs are scheduled before the row they act on is written, so a crash in between leaves a
 * job that finds nothing to do, never a scheduled announcement without its job.
 */
export class AnnouncementService {
  private readonly deps: AnnouncementServiceDeps;

  constructor(deps: AnnouncementServiceDeps) {
    this.deps = deps;
  }

  async create(userId: string, groupId: string, input: AnnouncementInput): Promise<AnnouncementView> {
    const { access, store, clock, ids } = this.deps;
    const actor = await access.actor(userId, groupId);
    if (!(await access.mayAnnounce(actor))) throw new AppError('forbidden', 'Only owners, senders and sub-group leaders may send announcements.');
    const now = clock.now();
    const base: Announcement = {
      id: ids.next(), group_id: groupId, author_id: userId, title: '', body: '', audience: { all: true, subgroup_ids: [], user_ids: [] },
      email: true, answer_spec: null, deadline: null, status: 'draft', send_at: null, sent_at: null, created_at: now, updated_at: now,
      remind_count: LIMITS.defaultRemindCount, remind_interval_ms: LIMITS.defaultRemindIntervalMs,
      deadline_remind_ms: LIMITS.defaultDeadlineRemindMs, manual_reminded_at: null,
    };
    const { announcement, disposition } = this.compose(base, { ...input, draft: input.draft ?? false }, now);
    await this.checkAudienceOf(actor, announcement);
    await this.scheduleSend(announcement, disposition);
    await store.announcements.create(announcement, input.attachment_ids ?? [], userId);
    return this.view(actor, await this.dispose(announcement, disposition), undefined);
  }

  async update(userId: string, announcementId: string, patch: AnnouncementPatch): Promise<AnnouncementView> {
    const { access, store, clock, jobs } = this.deps;
    const { announcement: current, actor, mine } = await access.load(userId, announcementId);
    if (!mayEdit(actor, current)) throw new AppError('forbidden', 'Only its author and owners may edit an announcement.');
    if (current.status === 'sent') throw new AppError('announcement_sent');
    const now = clock.now();
    const { announcement, disposition } = this.compose(current, patch, now);
    // Checked on every edit, not only when the recipients change: the editor may have lost the
    // right to send to them (a leader no longer leading) since the draft was written.
    await this.checkAudienceOf(actor, announcement);
    if (disposition === 'draft') {
      const updated = await store.announcements.updateUnsent(announcement, patch.attachment_ids, userId);
      if (!updated) throw new AppError('announcement_sent');
      await jobs.cancel(ANNOUNCEMENT_JOBS.send, announcementId);
      return this.view(actor, updated, mine);
    }
    await this.scheduleSend(announcement, disposition);
    const updated = await store.announcements.updateUnsent(announcement, patch.attachment_ids, userId);
    if (!updated) throw new AppError('announcement_sent');
    return this.view(actor, await this.dispose(updated, disposition), mine);
  }

  /** Deletes an announcement that has not gone out. */
  async cancel(userId: string, announcementId: string): Promise<void> {
    const { announcement, actor } = await this.deps.access.load(userId, announcementId);
    if (!mayEdit(actor, announcement)) throw new AppError('forbidden', 'Only its author and owners may cancel an announcement.');
    if (announcement.status === 'sent' || !(await this.deps.store.announcements.deleteUnsent(announcementId))) throw new AppError('announcement_sent');
    await this.deps.jobs.cancel(ANNOUNCEMENT_JOBS.send, announcementId);
  }

  /** What the user may see in the group, newest first: what they received or wrote, and for
   *  owners and senders every sent one (owners also every unsent one). */
  async list(userId: string, groupId: string, page: { before?: string; limit?: number }): Promise<AnnouncementView[]> {
    const { access, store } = this.deps;
    const actor = await access.actor(userId, groupId);
    const items = await store.announcements.list(groupId, {
      viewerId: userId, seesAllSent: isManager(actor), seesAllUnsent: actor.role === 'owner',
      ...(page.before !== undefined ? { before: page.before } : {}),
      limit: Math.min(page.limit ?? LIMITS.defaultAnnouncementPage, LIMITS.maxAnnouncementPage),
    });
    const ids = items.map((i) => i.announcement.id);
    const watched = items.filter((i) => i.announcement.status === 'sent' && seesStatus(actor, i.announcement)).map((i) => i.announcement.id);
    const [attachments, counts] = await Promise.all([store.announcements.listAttachments(ids), store.announcements.counts(watched)]);
    return items.map(({ announcement, mine }) => announcementView(announcement, {
      attachments: attachments.filter((a) => a.announcement_id === announcement.id),
      mine,
      counts: watched.includes(announcement.id) ? counts.get(announcement.id) ?? { recipient_count: 0, read_count: 0, answered_count: 0 } : undefined,
    }));
  }

  /** Reading it here marks nothing. */
  async get(userId: string, announcementId: string): Promise<AnnouncementView> {
    const { announcement, actor, mine } = await this.deps.access.load(userId, announcementId);
    return this.view(actor, announcement, mine);
  }

  async markRead(userId: string, announcementId: string): Promise<MineView> {
    const { announcement, mine } = await this.deps.access.load(userId, announcementId);
    if (!mine) throw new AppError('not_recipient');
    return mineView(await this.read(announcement, userId));
  }

  /** A read link from an announcement mail: marks it read for the recipient the link names.
   *  A forged or expired link marks nothing. */
  async readByLink(token: string): Promise<{ announcement_id: string }> {
    const check = this.deps.readLinks.verify(token);
    if (!check.ok) throw new AppError(check.reason);
    const announcement = await this.deps.store.announcements.findById(check.announcementId);
    if (!announcement) throw new AppError('announcement_not_found');
    // A link outlives membership: someone removed from the group marks nothing.
    if (!(await this.deps.store.groups.getMembership(announcement.group_id, check.userId))) throw new AppError('not_member');
    await this.read(announcement, check.userId);
    return { announcement_id: announcement.id };
  }

  /** Gives or changes one's answer, until the deadline. */
  async answer(userId: string, announcementId: string, input: AnswerInput): Promise<MineView> {
    const { store, clock, delivery } = this.deps;
    const { announcement, mine } = await this.deps.access.load(userId, announcementId);
    if (!mine) throw new AppError('not_recipient');
    const spec = announcement.answer_spec;
    if (spec === null) throw new AppError('answer_invalid', 'This announcement asks for no answer.', { field: 'answer' });
    const now = clock.now();
    if (announcement.deadline !== null && now >= announcement.deadline) throw new AppError('deadline_passed', undefined, { deadline: announcement.deadline });
    const answer = checkAnswer(spec, input);
    const saved = await store.announcements.saveAnswer(announcementId, userId, answer, now);
    if (!saved) throw new AppError('not_recipient');
    await delivery.recipientChanged(announcement, saved, mine.read_at === null);
    return mineView(saved);
  }

  /** Who received it, who read it, who answered what, and the tally (author, owners, senders). */
  async status(userId: string, announcementId: string): Promise<StatusView> {
    const { announcement } = await this.watchable(userId, announcementId);
    const recipients = await this.deps.store.announcements.listRecipients(announcementId);
    const answers = recipients.flatMap((r) => (r.answer ? [r.answer] : []));
    return {
      announcement_id: announcementId,
      recipients: recipients.map((r) => ({ user_id: r.user_id, name: r.name, read_at: r.read_at, answer: r.answer, answered_at: r.answered_at, email_verified: r.email_verified })),
      tally: tally(announcement.answer_spec, recipients.length, answers),
      recipient_count: recipients.length,
      read_count: recipients.filter((r) => r.read_at !== null).length,
      answered_count: answers.length,
    };
  }

  /** The status as CSV (UTF-8 with BOM), times in `timeZone` (IANA, default UTC). */
  async statusCsv(userId: string, announcementId: string, timeZone = 'UTC'): Promise<{ filename: string; csv: string }> {
    if (!isTimeZone(timeZone)) throw new AppError('validation_failed', `tz: "${timeZone}" is not an IANA time zone such as Asia/Tokyo.`, { field: 'tz' });
    const { announcement } = await this.watchable(userId, announcementId);
    const recipients = await this.deps.store.announcements.listRecipients(announcementId);
    return { filename: `announcement-${announcementId}-status.csv`, csv: statusCsv(announcement, recipients, timeZone) };
  }

  /** The summary a sender's `announcement:<id>` channel starts from. */
  async statusSummary(userId: string, announcementId: string): Promise<{ group_id: string; summary: Omit<StatusView, 'recipients'> }> {
    const { announcement } = await this.watchable(userId, announcementId);
    const stats = await this.deps.store.announcements.stats(announcementId);
    const { answers, ...counts } = stats;
    return { group_id: announcement.group_id, summary: { announcement_id: announcementId, tally: tally(announcement.answer_spec, stats.recipient_count, answers), ...counts } };
  }

  /** The replies by mail to an announcement, oldest first: answers, refused answers and comments (those who see its status). */
  async mailReplies(userId: string, announcementId: string) {
    await this.watchable(userId, announcementId);
    const replies = await this.deps.store.feedback.listReplies(announcementId);
    return replies.map(({ announcement_id: _omit, ...reply }) => reply);
  }

  /** "Remind unread now", at most once per `manualRemindMinIntervalMs`; returns how many were reminded. */
  async remindNow(userId: string, announcementId: string): Promise<{ reminded: number }> {
    const { clock, store, delivery } = this.deps;
    const { announcement } = await this.watchable(userId, announcementId);
    if (announcement.status !== 'sent') throw new AppError('announcement_not_sent');
    const now = clock.now();
    if (!(await store.announcements.claimManualReminder(announcementId, now, now - LIMITS.manualRemindMinIntervalMs))) {
      const last = (await store.announcements.findById(announcementId))?.manual_reminded_at ?? now;
      const retryAfter = Math.max(1, last + LIMITS.manualRemindMinIntervalMs - now);
      throw new AppError('rate_limited', `Unread recipients were reminded less than ${LIMITS.manualRemindMinIntervalMs / 60_000} minutes ago.`, { retry_after_ms: retryAfter });
    }
    return { reminded: await delivery.remindNow(announcement, now) };
  }

  async mailDelivery(userId: string, groupId: string): Promise<MailDelivery> {
    await this.deps.access.actor(userId, groupId);
    return (await this.deps.store.announcements.getMailDelivery(groupId, userId)) ?? 'each';
  }

  /** How announcement mail (and later list mail) reaches the member: 'none' gets none. */
  async setMailDelivery(userId: string, groupId: string, delivery: MailDelivery): Promise<MailDelivery> {
    await this.deps.access.actor(userId, groupId);
    if (!(await this.deps.store.announcements.setMailDelivery(groupId, userId, delivery))) throw new AppError('not_member');
    return delivery;
  }

  /** Unread announcements per group of the user (for the `user:<id>` join reply). */
  unreadByGroup(userId: string): Promise<{ group_id: string; count: number }[]> {
    return this.deps.store.announcements.unreadByGroup(userId);
  }

  private async read(announcement: Announcement, userId: string): Promise<Recipient> {
    const result = await this.deps.store.announcements.markRead(announcement.id, userId, this.deps.clock.now());
    if (!result) throw new AppError('not_recipient');
    if (result.changed) await this.deps.delivery.recipientChanged(announcement, result.recipient, true);
    return result.recipient;
  }

  /** The announcement, when the user may see its status (forbidden for other viewers). */
  private async watchable(userId: string, announcementId: string): Promise<{ announcement: Announcement; actor: Actor }> {
    const { announcement, actor } = await this.deps.access.load(userId, announcementId);
    if (!seesStatus(actor, announcement)) throw new AppError('forbidden', 'Only its author, owners and senders see who has read and answered.');
    return { announcement, actor };
  }

  private async view(actor: Actor, announcement: Announcement, mine: Recipient | undefined): Promise<AnnouncementView> {
    const { store } = this.deps;
    const watched = announcement.status === 'sent' && seesStatus(actor, announcement);
    const [attachments, counts] = await Promise.all([
      store.announcements.listAttachments([announcement.id]),
      watched ? store.announcements.counts([announcement.id]) : undefined,
    ]);
    return announcementView(announcement, {
      attachments, mine, counts: counts ? counts.get(announcement.id) ?? { recipient_count: 0, read_count: 0, answered_count: 0 } : undefined,
    });
  }

  private async checkAudienceOf(actor: Actor, announcement: Announcement): Promise<void> {
    const roster = await this.deps.access.roster(announcement.group_id);
    checkAudience(actor, announcement.audience, roster.members, roster.subgroups);
  }

  /** Schedules the job that sends it (at send_at, or the re-check of an immediate send). */
  private async scheduleSend(announcement: Announcement, disposition: Disposition): Promise<void> {
    if (disposition === 'draft') return;
    const at = disposition === 'scheduled' ? announcement.send_at! : announcement.updated_at + LIMITS.sendRecheckDelayMs;
    await this.deps.jobs.schedule(ANNOUNCEMENT_JOBS.send, announcement.id, at);
  }

  /** Sends it now when that is the disposition; the announcement as it then stands. */
  private async dispose(announcement: Announcement, disposition: Disposition): Promise<Announcement> {
    if (disposition !== 'now') return announcement;
    const sent = await this.deps.delivery.send(announcement);
    return sent ?? (await this.deps.store.announcements.findById(announcement.id)) ?? announcement;
  }

  /**
   * `base` with the given fields applied and checked, and what to do with it: a draft stays
   * one until `draft: false`; otherwise a future send_at schedules it and none sends it now.
   */
  private compose(base: Announcement, input: AnnouncementPatch, now: number): { announcement: Announcement; disposition: Disposition } {
    const next: Announcement = { ...base, updated_at: now };
    if (input.title !== undefined) next.title = checkTitle(input.title);
    if (input.body !== undefined) next.body = checkBody(input.body, LIMITS.maxAnnouncementBodyChars);
    if (input.recipients !== undefined) next.audience = toAudience(input.recipients);
    if (input.email !== undefined) next.email = input.email;
    if (input.answer !== undefined) next.answer_spec = input.answer === null ? null : normalizeAnswerSpec(input.answer);
    if (input.deadline !== undefined) next.deadline = input.deadline;
    if (input.send_at !== undefined) next.send_at = input.send_at;
    if (input.remind_count !== undefined) next.remind_count = input.remind_count;
    if (input.remind_interval_ms !== undefined) next.remind_interval_ms = input.remind_interval_ms;
    if (input.deadline_remind_ms !== undefined) next.deadline_remind_ms = input.deadline_remind_ms;
    const draft = input.draft ?? base.status === 'draft';
    const disposition: Disposition = draft ? 'draft' : next.send_at !== null ? 'scheduled' : 'now';
    if (disposition === 'scheduled' && next.send_at! <= now) throw new AppError('send_at_in_past', undefined, { field: 'send_at', now });
    if (disposition === 'now') next.send_at = now;
    next.status = disposition === 'draft' ? 'draft' : 'scheduled';
    if (next.deadline !== null) {
      if (next.answer_spec === null) throw new AppError('deadline_invalid', 'Only an announcement that asks for an answer has a deadline.', { field: 'deadline' });
      if (next.deadline <= (next.send_at ?? now)) throw new AppError('deadline_invalid', 'The deadline must lie after the announcement goes out.', { field: 'deadline' });
    }
    return { announcement: next, disposition };
  }
}

function checkTitle(raw: string): string {
  const title = raw.trim();
  // A title becomes a mail subject: one line, no control characters at all.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (title === '' || codePointLength(title) > LIMITS.maxAnnouncementTitleChars || /[\u0000-\u001F\u007F-\u009F]/.test(title)) {
    throw new AppError('validation_failed', `title: 1 to ${LIMITS.maxAnnouncementTitleChars} characters on one line.`, { field: 'title' });
  }
  return title;
}

function toAudience(input: { all?: boolean; subgroup_ids?: string[]; user_ids?: string[] }): Audience {
  const subgroupIds = [...new Set(input.subgroup_ids ?? [])];
  const userIds = [...new Set(input.user_ids ?? [])];
  if (input.all === true) {
    if (subgroupIds.length > 0 || userIds.length > 0) throw new AppError('recipients_invalid', 'recipients: "all" takes no sub-group or member list.', { field: 'recipients' });
    return { all: true, subgroup_ids: [], user_ids: [] };
  }
  if (subgroupIds.length === 0 && userIds.length === 0) {
    throw new AppError('recipients_invalid', 'recipients: give {all: true}, or subgroup_ids and/or user_ids.', { field: 'recipients' });
  }
  return { all: false, subgroup_ids: subgroupIds, user_ids: userIds };
}

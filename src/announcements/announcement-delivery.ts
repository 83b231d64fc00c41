import { LIMITS } from '../config/limits.ts';
import { AppError } from '../domain/app-error.ts';
import type { Clock } from '../domain/clock.ts';
import type { Notifier } from '../domain/notifier.ts';
import type { Store } from '../domain/store.ts';
import { topics } from '../domain/topics.ts';
import type { MailEnqueuer, MailPreparer, OutgoingMail } from '../mail/outgoing-mail.ts';
import type { MailLocale } from '../mail/templates.ts';
import type { JobScheduler } from '../scheduler/job-scheduler.ts';
import { checkAudience, resolveAudience, type AnnouncementAccess } from './announcement-access.ts';
import { renderAnnouncementMail, type AnnouncementMailKind } from './announcement-mail.ts';
import type { RecipientFilter } from './announcement-repository.ts';
import { announcementView } from './announcement-view.ts';
import { FreshReader } from './fresh-reader.ts';
import type { ReadLinks } from './read-link.ts';
import { tally } from './tally.ts';
import type { Announcement, Contact, Recipient, RecipientStats } from './types.ts';

/** The scheduler jobs of announcements (handlers: announcement-jobs.ts). */
export const ANNOUNCEMENT_JOBS = {
  /** key: announcement id. A scheduled send, and the re-check after every immediate send. */
  send: 'announcement.send',
  /** key: `<announcement id>:<round>`; payload {announcement_id, round}. */
  remindUnread: 'announcement.remind_unread',
  /** key: announcement id. */
  remindDeadline: 'announcement.remind_deadline',
  /** recurring: deletes uploads no announcement claimed. */
  cleanUploads: 'announcement.clean_uploads',
} as const;

export interface DeliveryDeps {
  store: Store;
  notifier: Notifier;
  clock: Clock;
  access: AnnouncementAccess;
  jobs: Pick<JobScheduler, 'schedule' | 'cancel'>;
  /** Reminders are enqueued; a send's mail is prepared and committed with the send itself. */
  mail: MailEnqueuer & MailPreparer;
  readLinks: ReadLinks;
  /** RENRAKU_PUBLIC_URL, without a trailing slash */
  publicUrl: string;
  /** Language of the mail's fixed words (default 'ja'), and the zone deadlines are shown in (default UTC). */
  mailLocale?: MailLocale;
  mailTimeZone?: string;
  /** Mints each recipient's `reply+<token>@` address (answers by reply); without it, mail has no Reply-To. */
  replyAddresses?: { mint(announcementId: string, userIds: readonly string[]): Promise<ReadonlyMap<string, string>> };
}

/**
 * Getting announcements to people: the send itself (recipients materialised, `announcement:new`
 * and the unread count on each recipient's `user:<id>`, one mail each through the outbox),
 * the reminders, and the live status for senders on `announcement:<id>`.
 *
 * Every step may run again after a crash and does no harm: sending is a conditional state
 * change that one caller wins, committed in one transaction with its recipients and their mail
 * (never "sent" without mail queued); mail keys make the outbox drop repeats, reminder rounds
 * are recorded per recipient. An immediate send has a re-check job a minute later (scheduled by
 * the caller before the send), which schedules the follow-ups in case the process died after
 * the commit.
 */
export class AnnouncementDelivery {
  private readonly deps: DeliveryDeps;
  private readonly stats: FreshReader<string, RecipientStats>;

  constructor(deps: DeliveryDeps) {
    this.deps = deps;
    this.stats = new FreshReader((id) => deps.store.announcements.stats(id));
  }

  /** The `announcement.send` job: sends a scheduled announcement that is due (re-checking that
   *  its author may still send it: if not, it goes back to being a draft), or makes sure a
   *  sent one's follow-ups exist. */
  async runSendJob(announcementId: string): Promise<void> {
    const { store, access, clock } = this.deps;
    const announcement = await store.announcements.findById(announcementId);
    if (!announcement) return;
    if (announcement.status === 'sent') {
      await this.scheduleFollowUps(announcement);
      return;
    }
    if (announcement.status !== 'scheduled' || announcement.send_at === null || announcement.send_at > clock.now()) return;
    try {
      const actor = await access.actor(announcement.author_id, announcement.group_id);
      const roster = await access.roster(announcement.group_id);
      checkAudience(actor, announcement.audience, roster.members, roster.subgroups);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      await store.announcements.updateUnsent({ ...announcement, status: 'draft', send_at: null, updated_at: clock.now() }, undefined, announcement.author_id);
      return;
    }
    await this.send(announcement);
  }

  /** Automatic unread reminder `round`: to recipients who have not read it and were reminded
   *  fewer times; then the next round is scheduled. */
  async remindUnread(announcementId: string, round: number): Promise<void> {
    const announcement = await this.deps.store.announcements.findById(announcementId);
    if (!announcement || announcement.status !== 'sent' || announcement.sent_at === null || round < 1 || round > announcement.remind_count) return;
    const targets = await this.remind(announcement, { kind: 'unread', belowRound: round }, { kind: 'remind', round });
    await this.deps.store.announcements.markReminded(announcementId, targets.map((t) => t.user_id), round);
    if (round < announcement.remind_count) {
      const next = round + 1;
      await this.deps.jobs.schedule(ANNOUNCEMENT_JOBS.remindUnread, `${announcementId}:${next}`, announcement.sent_at + next * announcement.remind_interval_ms, { announcement_id: announcementId, round: next });
    }
  }

  /** The reminder before the deadline, to recipients who have not answered. */
  async remindDeadline(announcementId: string): Promise<void> {
    const announcement = await this.deps.store.announcements.findById(announcementId);
    if (!announcement || announcement.status !== 'sent' || announcement.deadline === null || announcement.deadline <= this.deps.clock.now()) return;
    await this.remind(announcement, { kind: 'unanswered' }, { kind: 'deadline' });
  }

  /** "Remind unread now": every recipient who has not read it; returns how many. */
  async remindNow(announcement: Announcement, at: number): Promise<number> {
    return (await this.remind(announcement, { kind: 'unread' }, { kind: 'remind_now', at })).length;
  }

  /** A recipient read or answered: the sender's live view and the reader's unread count. */
  async recipientChanged(announcement: Announcement, recipient: Recipient, readChanged: boolean): Promise<void> {
    if (readChanged) await this.pushUnreadCounts(announcement.group_id, [recipient.user_id]);
    const stats = await this.stats.read(announcement.id);
    this.deps.notifier.broadcast(topics.announcement(announcement.id), 'announcement:status', {
      announcement_id: announcement.id,
      user_id: recipient.user_id,
      read_at: recipient.read_at,
      answer: recipient.answer,
      answered_at: recipient.answered_at,
      tally: tally(announcement.answer_spec, stats.recipient_count, stats.answers),
      recipient_count: stats.recipient_count,
      read_count: stats.read_count,
      answered_count: stats.answered_count,
    });
  }

  /** Sends an unsent announcement now (the caller has checked who may, and scheduled the
   *  re-check): recipients and mail are committed with the state change, or nothing is.
   *  Undefined when another request or node sent or cancelled it first. */
  async send(announcement: Announcement): Promise<Announcement | undefined> {
    const { store, access, clock, mail } = this.deps;
    const { members, subgroups } = await access.roster(announcement.group_id);
    const userIds = resolveAudience(announcement.audience, announcement.author_id, members, subgroups);
    const now = clock.now();
    const sent: Announcement = { ...announcement, status: 'sent', sent_at: now, updated_at: now };
    let mailed = false;
    const sendMail = sent.email ? await this.mailRenderer(sent, userIds, { kind: 'send' }) : undefined;
    const won = await store.announcements.markSent(announcement.id, now, userIds, sendMail && {
      render: (contacts) => {
        const rows = mail.prepare(sendMail(contacts));
        mailed ||= rows.length > 0;
        return rows;
      },
    });
    if (!won) return undefined;
    if (mailed) mail.committed();
    await this.notifyNew(sent, userIds);
    await this.scheduleFollowUps(sent);
    return sent;
  }

  /** The follow-up jobs that are still ahead. Idempotent. */
  private async scheduleFollowUps(announcement: Announcement): Promise<void> {
    const { jobs, clock } = this.deps;
    const sentAt = announcement.sent_at;
    if (sentAt === null) return;
    const now = clock.now();
    const firstReminder = sentAt + announcement.remind_interval_ms;
    if (announcement.remind_count > 0 && firstReminder > now) {
      await jobs.schedule(ANNOUNCEMENT_JOBS.remindUnread, `${announcement.id}:1`, firstReminder, { announcement_id: announcement.id, round: 1 });
    }
    if (announcement.deadline !== null && announcement.deadline_remind_ms > 0) {
      const due = announcement.deadline - announcement.deadline_remind_ms;
      if (due > now && due > sentAt) await jobs.schedule(ANNOUNCEMENT_JOBS.remindDeadline, announcement.id, due);
    }
  }

  /** `announcement:reminder` to each target's user topic, and mail when email is on. */
  private async remind(announcement: Announcement, filter: RecipientFilter, kind: AnnouncementMailKind): Promise<Contact[]> {
    const targets = await this.deps.store.announcements.contacts(announcement.id, filter);
    const note = { announcement_id: announcement.id, group_id: announcement.group_id, title: announcement.title, kind: kind.kind === 'deadline' ? 'deadline' : 'unread' };
    for (const t of targets) this.deps.notifier.broadcast(topics.user(t.user_id), 'announcement:reminder', note);
    if (announcement.email) {
      const takers = targets.filter(takesMail);
      for (let i = 0; i < takers.length; i += LIMITS.announcementMailBatch) {
        const batch = takers.slice(i, i + LIMITS.announcementMailBatch);
        const render = await this.mailRenderer(announcement, batch.map((to) => to.user_id), kind);
        await this.deps.mail.enqueue(render(batch));
      }
    }
    return targets;
  }

  private async notifyNew(announcement: Announcement, userIds: readonly string[]): Promise<void> {
    const { store, notifier } = this.deps;
    const attachments = await store.announcements.listAttachments([announcement.id]);
    const view = announcementView(announcement, { attachments });
    const me = { read_at: null, answer: null, answered_at: null };
    for (const userId of userIds) notifier.broadcast(topics.user(userId), 'announcement:new', { announcement: { ...view, me } });
    await this.pushUnreadCounts(announcement.group_id, userIds);
  }

  private async pushUnreadCounts(groupId: string, userIds: readonly string[]): Promise<void> {
    const counts = await this.deps.store.announcements.unreadCounts(groupId, userIds);
    for (const [userId, count] of counts) this.deps.notifier.broadcast(topics.user(userId), 'announcements:unread', { group_id: groupId, count });
  }

  /**
   * Renders one mail per contact who takes mail from this group, synchronously (a send renders
   * within its transaction): reply addresses for `userIds` are minted, and the group's name
   * read, beforehand.
   */
  private async mailRenderer(announcement: Announcement, userIds: readonly string[], kind: AnnouncementMailKind): Promise<(contacts: readonly Contact[]) => OutgoingMail[]> {
    const { store, readLinks, publicUrl, replyAddresses } = this.deps;
    const groupName = (await store.groups.findById(announcement.group_id))?.name ?? '';
    const locale = this.deps.mailLocale ?? 'ja';
    const timeZone = this.deps.mailTimeZone ?? 'UTC';
    const replyTo = new Map<string, string>();
    if (replyAddresses) {
      for (let i = 0; i < userIds.length; i += LIMITS.announcementMailBatch) {
        for (const [userId, address] of await replyAddresses.mint(announcement.id, userIds.slice(i, i + LIMITS.announcementMailBatch))) replyTo.set(userId, address);
      }
    }
    return (contacts) => contacts.filter(takesMail).map((to) => renderAnnouncementMail({
      announcement, groupName, to, kind, locale, timeZone, readUrl: `${publicUrl}/r/${readLinks.mint(announcement.id, to.user_id)}`, replyTo: replyTo.get(to.user_id),
    }));
  }
}

function takesMail(contact: Contact): boolean {
  return contact.mail_delivery !== null && contact.mail_delivery !== 'none';
}

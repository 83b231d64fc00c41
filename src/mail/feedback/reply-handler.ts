import type { Logger } from 'pino';
import { LIMITS } from '../../config/limits.ts';
import type { Choice } from '../../announcements/types.ts';
import { isAppError } from '../../domain/app-error.ts';
import type { Clock } from '../../domain/clock.ts';
import type { Notifier } from '../../domain/notifier.ts';
import type { Store } from '../../domain/store.ts';
import { topics } from '../../domain/topics.ts';
import type { InboundHandler, InboundMail, InboundRecipient } from '../inbound/inbound-handler.ts';
import { isAutomatic } from './auto-reply.ts';
import type { MailReply } from './feedback-repository.ts';
import type { ReplyAddresses } from './reply-addresses.ts';
import { htmlToText, ownLines, readReplyAnswer } from './reply-answer.ts';

/** How a reply's answer is recorded: the announcement service's own `answer` (role and deadline checks, live status). */
export interface AnswerRecorder {
  answer(userId: string, announcementId: string, input: { choice: Choice; comment?: string }): Promise<unknown>;
}

export interface ReplyHandlerDeps {
  addresses: ReplyAddresses;
  store: Pick<Store, 'feedback' | 'announcements' | 'users'>;
  answers: AnswerRecorder;
  notifier: Notifier;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn'>;
}

/**
 * Replies to announcement mail (`reply+<token>@…`, see ReplyAddresses). When the person's
 * first line is a mark (○ × △ and their variants, reply-answer.ts) and the announcement asks
 * for attendance, it is their answer, with the rest of what they wrote as its comment —
 * through AnnouncementService.answer, so the deadline, the recipient check and the sender's
 * live tally work as in the app. Any other text is kept as a comment for the sender (listed
 * with the announcement's mail replies, and pushed on the author's `user:<id>`). Auto-replies
 * are recorded as ignored. Each mail is recorded once: processing it again does nothing.
 */
export class ReplyHandler implements InboundHandler {
  readonly kind = 'reply' as const;
  private readonly deps: ReplyHandlerDeps;

  constructor(deps: ReplyHandlerDeps) {
    this.deps = deps;
  }

  async resolve(address: string): Promise<InboundRecipient | undefined> {
    const pair = await this.deps.addresses.resolve(address);
    if (pair === undefined) return undefined;
    const announcement = await this.deps.store.announcements.findById(pair.announcementId);
    return { kind: 'reply', address, token: pair.token, ...(announcement ? { groupId: announcement.group_id } : {}) };
  }

  async process(mail: InboundMail): Promise<void> {
    const { store, addresses, answers, notifier, clock, logger } = this.deps;
    if ((await store.feedback.findReply(mail.id)) !== undefined) return;
    const pair = await addresses.resolve(mail.recipient.address);
    if (pair === undefined) return;
    const announcement = await store.announcements.findById(pair.announcementId);
    if (announcement === undefined) return;
    const reply: MailReply = {
      mail_id: mail.id, announcement_id: announcement.id, user_id: pair.userId, outcome: 'ignored', choice: null, comment: null, error: null, received_at: clock.now(),
    };
    const text = mail.parsed.text ?? (typeof mail.parsed.html === 'string' ? htmlToText(mail.parsed.html) : '');
    // Answers by mail count only for a proved address (no announcement mail reaches another anyway).
    const verified = (await store.users.findById(pair.userId))?.email_verified === true;
    if (!verified) reply.error = 'email_not_verified';
    else if (!isAutomatic(mail.parsed, mail.envelopeFrom)) {
      const read = readReplyAnswer(text);
      if (read.choice !== undefined && announcement.answer_spec?.type === 'attendance') {
        Object.assign(reply, { choice: read.choice, comment: read.comment });
        try {
          await answers.answer(pair.userId, announcement.id, { choice: read.choice, ...(read.comment !== null ? { comment: read.comment } : {}) });
          reply.outcome = 'answered';
        } catch (error) {
          if (!isAppError(error)) throw error;
          Object.assign(reply, { outcome: 'refused', error: error.code });
        }
      } else {
        const whole = [...ownLines(text).join('\n').trim()].slice(0, LIMITS.maxCommentChars).join('');
        if (whole !== '') Object.assign(reply, { outcome: 'comment', comment: whole });
      }
    }
    if (!(await store.feedback.recordReply(reply))) return;
    logger.info({ mail_id: mail.id, announcement_id: announcement.id, user_id: pair.userId, outcome: reply.outcome, error: reply.error }, 'reply to an announcement processed');
    if (reply.outcome === 'comment' || reply.outcome === 'refused') {
      notifier.broadcast(topics.user(announcement.author_id), 'announcement:mail_reply', {
        announcement_id: announcement.id, user_id: pair.userId, outcome: reply.outcome, choice: reply.choice, comment: reply.comment, error: reply.error,
      });
    }
  }
}

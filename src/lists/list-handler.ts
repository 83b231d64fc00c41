import type { Attachment as MailAttachment, ParsedMail } from 'mailparser';
import { LIMITS } from '../config/limits.ts';
import type { Clock } from '../domain/clock.ts';
import type { IdGenerator } from '../domain/ids.ts';
import type { Store } from '../domain/store.ts';
import type { AttachmentStorage } from '../shared/attachment-storage.ts';
import type { InboundHandler, InboundMail, InboundRecipient } from '../mail/inbound/inbound-handler.ts';
import { firstAddress, soleFromAddress } from '../mail/inbound/message-summary.ts';
import { listAddress, listId, slugOfListAddress } from './list-address.ts';
import type { ListPublisher } from './list-publisher.ts';
import { classifyForList } from './mail-classifier.ts';
import { sanitizePostHtml } from './html-sanitizer.ts';
import { mayPost } from './list-permissions.ts';
import { senderAuthenticated } from './sender-authentication.ts';
import type { SenderTrust } from './sender-trust.ts';
import type { ListAttachment, ListPostReason, ListPostStatus, NewListPost } from './types.ts';

export interface ListHandlerDeps {
  store: Store;
  publisher: ListPublisher;
  attachments: AttachmentStorage;
  ids: IdGenerator;
  clock: Clock;
  listDomain: string;
  /** How far a member's From is believed (sender-trust.ts); as written when absent. */
  senderTrust?: SenderTrust;
}

// C0 controls except \t \n \r, DEL and C1 controls: never stored (PostgreSQL cannot hold NUL).
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

function clean(text: string, max: number): string {
  const cleaned = text.replace(CONTROLS, '');
  return cleaned.length <= max ? cleaned : `${cleaned.slice(0, max - 1)}…`;
}

/** Message-ids as one string (mailparser gives one or a list). */
function ids(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  const list = (Array.isArray(value) ? value : [value]).map((v) => v.trim()).filter((v) => v !== '');
  return list.length === 0 ? null : clean(list.join(' '), 4_000);
}

/** Attachments within the app's limits (size, allowed types, count); the rest are named in the post's text. */
function keptAttachments(parsed: ParsedMail): { kept: MailAttachment[]; refused: string[] } {
  const kept: MailAttachment[] = [];
  const refused: string[] = [];
  const allowed = LIMITS.attachmentTypes as readonly string[];
  for (const a of parsed.attachments) {
    if (a.related && a.contentDisposition !== 'attachment') continue; // inline images of the HTML part
    const name = clean(a.filename ?? 'attachment', LIMITS.maxFilenameChars);
    if (a.size > LIMITS.maxAttachmentBytes || !allowed.includes(a.contentType.toLowerCase()) || kept.length >= LIMITS.maxAttachmentsPerAnnouncement) refused.push(name);
    else kept.push(a);
  }
  return { kept, refused };
}

/**
 * The `list` kind of inbound address: `<slug>@<list domain>` of an existing group. A message
 * becomes one post per group. Loops and auto-replies are dropped (recorded, never sent on); a
 * post from a member allowed to post is published at once (room message + mail); anything
 * else waits for an owner. Idempotent: the post is keyed by (inbound message, group), and
 * publishing is idempotent, so a re-run after a crash completes what was left undone.
 */
export class ListHandler implements InboundHandler {
  readonly kind = 'list' as const;
  private readonly deps: ListHandlerDeps;

  constructor(deps: ListHandlerDeps) {
    this.deps = deps;
  }

  /** Whether a member's From is believed under the configured SenderTrust. */
  private trusted(parsed: ParsedMail, fromAddress: string): boolean {
    const trust = this.deps.senderTrust ?? { mode: 'from' };
    if (trust.mode === 'authserv') return senderAuthenticated(parsed.headerLines, trust.authservId, fromAddress);
    return trust.mode === 'from';
  }

  async resolve(address: string): Promise<InboundRecipient | undefined> {
    const slug = slugOfListAddress(address, this.deps.listDomain);
    if (slug === undefined) return undefined;
    const group = await this.deps.store.groups.findBySlug(slug);
    return group && { kind: 'list', address: listAddress(group.slug, this.deps.listDomain), groupId: group.id };
  }

  async process(mail: InboundMail): Promise<void> {
    const { store, listDomain } = this.deps;
    const groupId = mail.recipient.groupId;
    const group = groupId === undefined ? undefined : await store.groups.findById(groupId);
    if (group === undefined) return; // deleted since it was accepted: nothing to post to
    const settings = await store.lists.getSettings(group.id);
    const { parsed } = mail;
    const from = firstAddress(parsed.from);
    // Only a From of one mailbox names a member: with several, any one of them may be forged.
    const sender = soleFromAddress(parsed);
    const account = sender && (await store.users.findByEmail(sender.address));
    // An address nobody proved is not a member's: its post waits for an owner as a stranger's would.
    const user = account && account.email_verified ? account : undefined;
    const membership = user && (await store.groups.getMembership(group.id, user.id));

    let status: ListPostStatus = 'published';
    let reason: ListPostReason | null = null;
    const notForList = classifyForList(parsed.headerLines, { listId: listId(group.slug, listDomain), address: listAddress(group.slug, listDomain) });
    if (notForList !== undefined || mail.envelopeFrom === '') [status, reason] = ['dropped', notForList ?? 'auto_reply'];
    else if (from === undefined) [status, reason] = ['dropped', 'no_sender'];
    else if (membership === undefined) [status, reason] = ['held', 'not_member'];
    else if (!this.trusted(parsed, from.address)) [status, reason] = ['held', 'unauthenticated'];
    else if (!mayPost(membership.role, settings.mode)) [status, reason] = ['held', 'not_permitted'];

    const now = this.deps.clock.now();
    const { kept, refused } = status === 'dropped' ? { kept: [], refused: [] } : keptAttachments(parsed);
    const text = clean(parsed.text ?? '', LIMITS.maxListPostChars);
    const note = refused.length > 0 ? `\n\n[Not kept / 保存されなかった添付ファイル: ${refused.join(', ')}]` : '';
    const post: NewListPost = {
      id: this.deps.ids.next(),
      group_id: group.id,
      inbound_id: mail.id,
      status,
      reason,
      from_address: clean(from?.address ?? mail.envelopeFrom, LIMITS.maxEmailLength),
      from_name: clean(from?.name || from?.address || '', LIMITS.maxNameLength),
      user_id: membership === undefined ? null : user!.id,
      subject: clean(parsed.subject ?? '', 998),
      text_body: text + note,
      html_body: typeof parsed.html === 'string' ? clean(sanitizePostHtml(parsed.html), LIMITS.maxListPostChars) : null,
      message_id: ids(parsed.messageId),
      in_reply_to: ids(parsed.inReplyTo),
      references: ids(parsed.references),
      published_at: status === 'published' ? now : null,
      created_at: now,
    };
    const attachments: ListAttachment[] = kept.map((a) => ({
      id: this.deps.ids.next(), post_id: post.id, filename: clean(a.filename ?? 'attachment', LIMITS.maxFilenameChars), content_type: a.contentType.toLowerCase(), size: a.size, created_at: now,
    }));
    // Bytes first, then the rows that point at them: a crash in between leaves only stray files.
    for (const [i, a] of attachments.entries()) await this.deps.attachments.put(a.id, kept[i]!.content);
    const result = await store.lists.insertPost(post, attachments);
    if (!result.created) for (const a of attachments) await this.deps.attachments.delete(a.id);
    if (result.post.status === 'published' && result.post.user_id !== null) await this.deps.publisher.publish(result.post, result.post.user_id);
  }
}

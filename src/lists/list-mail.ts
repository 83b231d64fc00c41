import { escapeHtml, oneLine } from '../mail/templates.ts';
import type { OutgoingMail } from '../mail/outgoing-mail.ts';
import type { ListAttachment, ListPost } from './types.ts';

/** What one list mail needs to know about its list (pure input). */
export interface ListMailContext {
  groupName: string;
  slug: string;
  /** `slug@domain` */
  address: string;
  /** `slug.domain` */
  listId: string;
  /** Announce-only lists say `List-Post: NO` (RFC 2369): members cannot post there. */
  postingAllowed: boolean;
  fromRewrite: boolean;
  archiveUrl: string;
  attachmentUrl: (attachmentId: string) => string;
}

/** Header text may not hold controls; a phrase drops what would need quoting. */
function phrase(text: string): string {
  return oneLine(text).replace(/["\\]/g, '');
}

/** A display phrase: atoms as they are, other ASCII quoted, anything else an RFC 2047 encoded word. */
function encodedPhrase(text: string): string {
  const clean = phrase(text);
  if (/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/.test(clean)) return clean; // atoms: no quoting needed
  return /^[\x20-\x7e]*$/.test(clean) ? `"${clean}"` : `=?UTF-8?B?${Buffer.from(clean).toString('base64')}?=`;
}

/** `[slug] subject`, without stacking the tag on replies that already carry it. */
export function listSubject(subject: string, slug: string): string {
  const clean = oneLine(subject) || '(no subject)';
  const tag = `[${slug}]`;
  return clean.toLowerCase().includes(tag.toLowerCase()) ? clean : `${tag} ${clean}`;
}

/**
 * The RFC 2369/2919/8058 list headers, threading, and who it is From: with From rewriting,
 * "Name via Group" <list address> and Reply-To the poster (DMARC-safe: the From domain is
 * ours); without, the poster's own address. Precedence: list and the List-Id make our own
 * inbound side (and others') recognise the mail if it loops back. Pure.
 */
export function listHeaders(post: ListPost, list: ListMailContext, unsubscribeUrl: string): { from: string; reply_to?: string; headers: Record<string, string> } {
  const headers: Record<string, string> = {
    'List-Id': `${encodedPhrase(list.groupName)} <${list.listId}>`,
    'List-Post': list.postingAllowed ? `<mailto:${list.address}>` : 'NO',
    'List-Archive': `<${list.archiveUrl}>`,
    'List-Unsubscribe': `<${unsubscribeUrl}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    Precedence: 'list',
    'X-Loop': list.address,
    // A person's mail, forwarded: not "auto-generated", so replies and vacation notices behave.
    'Auto-Submitted': 'no',
  };
  if (post.in_reply_to !== null) headers['In-Reply-To'] = oneLine(post.in_reply_to);
  if (post.references !== null) headers.References = oneLine(post.references);
  const name = post.from_name !== '' ? post.from_name : post.from_address.split('@')[0]!;
  if (list.fromRewrite) {
    return { from: `"${phrase(name)} via ${phrase(list.groupName)}" <${list.address}>`, reply_to: post.from_address, headers };
  }
  return { from: `"${phrase(name)}" <${post.from_address}>`, headers };
}

function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function footerLines(list: ListMailContext, unsubscribeUrl: string, attachments: readonly ListAttachment[]): string[] {
  const lines: string[] = [];
  if (attachments.length > 0) {
    lines.push('', 'Attachments / 添付ファイル:');
    for (const a of attachments) lines.push(`  ${oneLine(a.filename)} (${formatSize(a.size)}): ${list.attachmentUrl(a.id)}`);
  }
  lines.push('', '-- ', `${oneLine(list.groupName)} <${list.address}>`, `Archive: ${list.archiveUrl}`, `Unsubscribe / 配信停止: ${unsubscribeUrl}`);
  return lines;
}

/** One post as mailed to one member: the poster's text (and sanitized HTML) with the list footer. */
export function renderListPost(post: ListPost, attachments: readonly ListAttachment[], list: ListMailContext, to: { user_id: string; email: string }, unsubscribeUrl: string): OutgoingMail {
  const { from, reply_to, headers } = listHeaders(post, list, unsubscribeUrl);
  const footer = footerLines(list, unsubscribeUrl, attachments);
  const mail: OutgoingMail = {
    message_key: `list:${post.id}`,
    user_id: to.user_id,
    to: to.email,
    from,
    subject: listSubject(post.subject, list.slug),
    text: `${post.text_body}\n${footer.join('\n')}\n`,
    headers,
  };
  if (reply_to !== undefined) mail.reply_to = reply_to;
  if (post.html_body !== null) {
    mail.html = `${post.html_body}\n<hr>\n<p style="font-size:small;color:#666">${footer.filter((l) => l !== '' && l !== '-- ').map((l) => escapeHtml(l)).join('<br>\n')}</p>`;
  }
  return mail;
}

/** One day's posts as one mail to one digest reader (text only: each post's text, in order). */
export function renderDigest(posts: readonly ListPost[], day: string, list: ListMailContext, to: { user_id: string; email: string }, unsubscribeUrl: string): OutgoingMail {
  const sections = posts.map((p, i) => [`${i + 1}. ${oneLine(p.subject) || '(no subject)'}`, `   From: ${oneLine(p.from_name)} <${p.from_address}>`, '', p.text_body.trimEnd(), ''].join('\n'));
  const toc = posts.map((p, i) => `  ${i + 1}. ${oneLine(p.subject) || '(no subject)'}`);
  const headers = listHeaders(posts[0]!, list, unsubscribeUrl).headers;
  delete headers['In-Reply-To'];
  delete headers.References;
  return {
    message_key: `list:${posts[0]!.group_id}:digest:${day}`,
    user_id: to.user_id,
    to: to.email,
    from: `"${phrase(list.groupName)}" <${list.address}>`,
    subject: `[${list.slug}] Digest ${day} (${posts.length})`,
    text: [`${oneLine(list.groupName)} — ${day}`, '', ...toc, '', '='.repeat(40), '', sections.join(`\n${'-'.repeat(40)}\n\n`), ...footerLines(list, unsubscribeUrl, [])].join('\n') + '\n',
    headers,
  };
}

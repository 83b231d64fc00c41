/**
 * Mail bodies from plain text, safely: everything a person typed is escaped in the HTML part
 * and no one's HTML is ever passed through. Every mail has a text part (the one a reader sees
 * when HTML is off, and the one filters judge) and an HTML alternative with the same content.
 */
export type MailLocale = 'ja' | 'en';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** A generic notice: a heading, a plain-text body, an optional button-like link, a note and a footer. */
export interface NoticeMail {
  locale: MailLocale;
  subject: string;
  heading: string;
  /** Plain text; blank lines separate paragraphs, single line breaks are kept. */
  body: string;
  /** http(s) only; anything else is refused (a `javascript:` link in a mail is an attack). */
  link?: { url: string; label: string };
  note?: string;
  footer: string;
}

export interface AnnouncementMail {
  locale: MailLocale;
  groupName: string;
  title: string;
  body: string;
  /** The signed link that opens the announcement and marks it read. */
  readUrl: string;
  /** e.g. 「出欠を回答してください（締切 12/1）」; shown under the link. */
  answerHint?: string;
}

const WORDS = {
  ja: {
    open: '開いて既読にする',
    footer: (group: string) => `このメールは Renraku から「${group}」のメンバーにお送りしています。`,
  },
  en: {
    open: 'Open it (this marks it as read)',
    footer: (group: string) => `Sent by Renraku to the members of “${group}”.`,
  },
} as const satisfies Record<MailLocale, unknown>;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text into HTML text or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** One line for a subject: line breaks and other controls become spaces, runs of spaces one. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- replacing control characters is the point
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/ {2,}/g, ' ').trim();
}

/** An absolute http(s) URL, or a TypeError naming what was given. */
function safeUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`mail link must be an absolute http(s) URL, got ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`mail link must be an absolute http(s) URL, got ${JSON.stringify(url)}`);
  }
  return parsed.href;
}

/** Plain text as HTML paragraphs: blank lines split paragraphs, line breaks become <br>. */
function paragraphs(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .filter((p) => p.trim() !== '')
    .map((p) => `<p style="margin:0 0 1em">${escapeHtml(p).replace(/\n/g, '<br>\n')}</p>`)
    .join('\n');
}

export function renderNoticeMail(notice: NoticeMail): RenderedMail {
  const url = notice.link && safeUrl(notice.link.url);
  const subject = oneLine(notice.subject);
  const text = [
    oneLine(notice.heading),
    '',
    notice.body.replace(/\r\n?/g, '\n').trimEnd(),
    ...(notice.link ? ['', `${notice.link.label}:`, url!] : []),
    ...(notice.note ? ['', notice.note] : []),
    '',
    '-- ',
    notice.footer,
    '',
  ].join('\n');
  const html = [
    '<!doctype html>',
    `<html lang="${notice.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">`,
    `<title>${escapeHtml(subject)}</title></head>`,
    '<body style="margin:0;padding:16px;font-family:sans-serif;line-height:1.6;color:#222">',
    `<h1 style="margin:0 0 16px;font-size:20px">${escapeHtml(oneLine(notice.heading))}</h1>`,
    paragraphs(notice.body),
    ...(notice.link
      ? [`<p style="margin:24px 0"><a href="${escapeHtml(url!)}" style="display:inline-block;padding:10px 16px;background:#2b6cb0;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(notice.link.label)}</a></p>`]
      : []),
    ...(notice.note ? [`<p style="margin:0 0 1em;color:#444">${escapeHtml(notice.note)}</p>`] : []),
    `<hr style="border:none;border-top:1px solid #ddd;margin:24px 0 8px"><p style="margin:0;font-size:12px;color:#777">${escapeHtml(notice.footer)}</p>`,
    '</body></html>',
    '',
  ].join('\n');
  return { subject, text, html };
}

/** An announcement: `[group] title`, the body, the read link, the answer hint, whose mail it is. */
export function renderAnnouncementMail(mail: AnnouncementMail): RenderedMail {
  const words = WORDS[mail.locale];
  return renderNoticeMail({
    locale: mail.locale,
    subject: `[${oneLine(mail.groupName)}] ${oneLine(mail.title)}`,
    heading: mail.title,
    body: mail.body,
    link: { url: mail.readUrl, label: words.open },
    ...(mail.answerHint !== undefined ? { note: mail.answerHint } : {}),
    footer: words.footer(oneLine(mail.groupName)),
  });
}

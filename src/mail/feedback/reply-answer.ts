import { LIMITS } from '../../config/limits.ts';
import type { Choice } from '../../announcements/types.ts';

/**
 * The marks a reply may start with, after Unicode NFKC (which folds the full-width ｏ Ｏ ｘ Ｘ
 * ？ into o O x X ?). Symbols may be followed by words on the same line ("○ 出席します"); the
 * Latin letters and the question mark must stand alone on their line, so "ok", "x-ray" or
 * "? what time" are comments, not answers.
 *
 *   yes    ○ U+25CB  〇 U+3007  ◯ U+25EF  ⭕ U+2B55  |  o O ｏ Ｏ (alone)
 *   no     × U+00D7  ✕ U+2715  ✖ U+2716  ✗ U+2717  ☓ U+2613  ╳ U+2573  ❌ U+274C  |  x X ｘ Ｘ (alone)
 *   maybe  △ U+25B3  ▵ U+25B5  |  ? ？ (alone)
 */
export const ANSWER_SYMBOLS: Readonly<Record<string, Choice>> = Object.freeze({
  '○': 'yes', '〇': 'yes', '◯': 'yes', '⭕': 'yes',
  '×': 'no', '✕': 'no', '✖': 'no', '✗': 'no', '☓': 'no', '╳': 'no', '❌': 'no',
  '△': 'maybe', '▵': 'maybe',
});
export const ANSWER_LETTERS: Readonly<Record<string, Choice>> = Object.freeze({ o: 'yes', O: 'yes', x: 'no', X: 'no', '?': 'maybe' });

export interface ReplyAnswer {
  /** The mark's meaning; undefined when the first line is no mark. */
  choice: Choice | undefined;
  /** What else the person wrote (quotes and signature dropped), or null. */
  comment: string | null;
}

/** Where the person's own words end: a signature, or the header of the quoted original. */
const END_OF_REPLY = [
  /^-- ?$/, // RFC 3676 signature separator
  /^-{2,}\s*(original message|元のメッセージ|転送メッセージ|forwarded message)/i,
  /^_{5,}$/, // Outlook's line above the original
  /^(on|le|am)\s.+\s(wrote|a écrit|schrieb)\s?:$/i,
  /(wrote|書きました|書き込みました|のメッセージ)\s?[:：]$/,
  /^(from|差出人|送信者)\s?[:：]\s/i,
];

// eslint-disable-next-line no-control-regex -- removing control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** A rough text of an HTML-only reply: block ends become line breaks, tags go, common entities decode. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<blockquote[\s\S]*?<\/blockquote>/gi, '\n')
    .replace(/<br\s*\/?>|<\/(p|div|li|tr|h\d)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** The person's own lines of a reply: quoted lines (`>`) dropped, cut at the signature or the quoted original's header. */
export function ownLines(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.replace(/\r\n?/g, '\n').replace(CONTROL, '').split('\n')) {
    const line = raw.replace(/\s+$/, '');
    const trimmed = line.trim();
    if (END_OF_REPLY.some((pattern) => pattern.test(trimmed))) break;
    if (trimmed.startsWith('>') || trimmed.startsWith('＞')) continue;
    out.push(line);
  }
  return out;
}

/** The mark at the start of a line (NFKC-folded), and the rest of the line; undefined when there is none. */
export function readMark(line: string): { choice: Choice; rest: string } | undefined {
  const folded = line.normalize('NFKC').trim();
  const letter = ANSWER_LETTERS[folded];
  if (letter !== undefined) return { choice: letter, rest: '' };
  const first = String.fromCodePoint(folded.codePointAt(0) ?? 32);
  const symbol = ANSWER_SYMBOLS[first];
  if (symbol === undefined) return undefined;
  // ⭕ and ❌ may come with an emoji variation selector.
  return { choice: symbol, rest: folded.slice(first.length).replace(/^\uFE0F/, '').trim() };
}

/**
 * Reads an answer by reply: the first non-empty line of the person's own words is a mark or
 * not; everything else they wrote (the rest of that line, the lines after it) is the comment,
 * at most `maxCommentChars` code points. Pure.
 */
export function readReplyAnswer(text: string): ReplyAnswer {
  const lines = ownLines(text);
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0) return { choice: undefined, comment: null };
  const mark = readMark(lines[first]!);
  const rest = mark ? [mark.rest, ...lines.slice(first + 1)] : lines.slice(first);
  const comment = rest.join('\n').replace(/\n{3,}/g, '\n\n').trim();
  const clipped = [...comment].slice(0, LIMITS.maxCommentChars).join('');
  return { choice: mark?.choice, comment: clipped === '' ? null : clipped };
}

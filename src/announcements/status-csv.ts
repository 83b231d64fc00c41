import { CHOICE_MARKS, type Announcement, type Answer, type AnswerSpec, type RecipientView } from './types.ts';

/** A byte-order mark: spreadsheet programs (Excel in Japan above all) then read the file as UTF-8. */
const BOM = '\uFEFF';

/** Cells a spreadsheet would run as a formula (OWASP: also tab and carriage return): a formula
 *  sign, full-width ones too (＝ ＋ － ＠, which spreadsheets in Japan read as = + - @), even
 *  after leading white space or line breaks, which spreadsheets skip. */
const FORMULA_START = /^\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|^[\t\r]/;

/**
 * One CSV cell per RFC 4180: quoted when it holds a comma, quote or line break (quotes doubled);
 * a cell that a spreadsheet would read as a formula is prefixed with `'` first. Pure.
 */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Rows as CSV text: UTF-8 with BOM, CRLF line ends, every cell through csvCell. Pure. */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return BOM + rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/**
 * `YYYY-MM-DD HH:mm` in `timeZone` (an IANA name), as spreadsheets parse it. Throws RangeError
 * for an unknown zone only: a stored time no Date can hold (older rows had no bound) is
 * written as its number of milliseconds, so mail and CSV still render. Pure.
 */
export function formatLocalTime(ms: number, timeZone: string): string {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return String(ms);
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/**
 * Who read and answered what, one line per recipient: name, read, read_at, answered_at, then
 * the answer — attendance as ○ × △ with the comment; one column per question (options by
 * their text, several joined with " / "); one column per date-poll slot. Times in `timeZone`.
 */
export function statusCsv(announcement: Announcement, recipients: readonly RecipientView[], timeZone: string): string {
  const spec = announcement.answer_spec;
  const time = (ms: number | null): string => (ms === null ? '' : formatLocalTime(ms, timeZone));
  const header = ['name', 'read', 'read_at', 'answered_at', ...answerHeaders(spec, timeZone)];
  const lines = recipients.map((r) => [
    r.name, r.read_at === null ? '' : '○', time(r.read_at), time(r.answered_at), ...answerCells(spec, r.answer),
  ]);
  return toCsv([header, ...lines]);
}

function answerHeaders(spec: AnswerSpec | null, timeZone: string): string[] {
  if (spec === null) return [];
  switch (spec.type) {
    case 'attendance':
      return ['answer', 'comment'];
    case 'questionnaire':
      return spec.questions.map((q, i) => `Q${i + 1} ${q.text}`);
    case 'date_poll':
      return [...spec.slots.map((s) => s.label || formatLocalTime(s.start, timeZone)), 'comment'];
  }
}

function answerCells(spec: AnswerSpec | null, answer: Answer | null): string[] {
  if (spec === null) return [];
  switch (spec.type) {
    case 'attendance':
      return answer?.type === 'attendance' ? [CHOICE_MARKS[answer.choice], answer.comment ?? ''] : ['', ''];
    case 'questionnaire':
      return spec.questions.map((q, i) => {
        const value = answer?.type === 'questionnaire' ? answer.answers[i] : null;
        if (value === null || value === undefined) return '';
        if (typeof value === 'string') return value;
        return (typeof value === 'number' ? [value] : value).map((o) => q.options[o] ?? '').join(' / ');
      });
    case 'date_poll': {
      const slots = answer?.type === 'date_poll' ? answer.slots : {};
      const comment = answer?.type === 'date_poll' ? answer.comment ?? '' : '';
      return [...spec.slots.map((s) => (slots[s.id] ? CHOICE_MARKS[slots[s.id]!] : '')), comment];
    }
  }
}

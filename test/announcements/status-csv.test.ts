import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderAnnouncementMail } from '../../src/announcements/announcement-mail.ts';
import { csvCell, formatLocalTime, statusCsv, toCsv } from '../../src/announcements/status-csv.ts';
import type { Announcement, RecipientView } from '../../src/announcements/types.ts';

const T = Date.UTC(2026, 9, 1, 3, 4); // 2026-10-01 03:04 UTC = 12:04 in Tokyo

function announcement(over: Partial<Announcement>): Announcement {
  return {
    id: 'a1', group_id: 'g', author_id: 'u0', title: 't', body: 'b', audience: { all: true, subgroup_ids: [], user_ids: [] }, email: true,
    answer_spec: null, deadline: null, status: 'sent', send_at: T, sent_at: T, created_at: T, updated_at: T,
    remind_count: 2, remind_interval_ms: 1, deadline_remind_ms: 0, manual_reminded_at: null, ...over,
  };
}

function recipient(name: string, over: Partial<RecipientView> = {}): RecipientView {
  return { announcement_id: 'a1', user_id: `u-${name}`, name, read_at: null, answer: null, answered_at: null, reminders_sent: 0, email_verified: true, ...over };
}

describe('CSV cells', () => {
  test('RFC 4180: commas, quotes and line breaks are quoted, quotes doubled', () => {
    assert.equal(csvCell('plain'), 'plain');
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('two\r\nlines'), '"two\r\nlines"');
  });

  test('cells a spreadsheet would run as formulas are defused with a leading quote', () => {
    assert.equal(csvCell('=HYPERLINK("http://evil")'), `"'=HYPERLINK(""http://evil"")"`);
    for (const start of ['+1', '-1+2', '@SUM(A1)', '\tx', '\rx']) assert.equal(csvCell(start).replace(/^"|"$/g, '').startsWith(`'${start[0]}`), true, JSON.stringify(start));
    assert.equal(csvCell('1=1'), '1=1');
  });

  test('formula signs after leading white space or line breaks, and full-width ones, are defused too', () => {
    for (const cell of [' =1+1', '\n=1+1', '\r\n@SUM(A1)', '  +1', '\u3000-1', '＝1+1', '＋1', '－1', '＠SUM(A1)', ' ＝1', '\tplain', '\rplain']) {
      assert.equal(csvCell(cell).replace(/^"/, '').startsWith(`'`), true, JSON.stringify(cell));
    }
    for (const cell of ['a=1', '1+1', 'メール@example.com', ' plain']) assert.equal(csvCell(cell).startsWith(`'`), false, JSON.stringify(cell));
  });

  test('a file is UTF-8 with a BOM and CRLF line ends', () => {
    const csv = toCsv([['名前', 'x'], ['山田', '○']]);
    assert.equal(csv, '\uFEFF名前,x\r\n山田,○\r\n');
    assert.deepEqual([...Buffer.from(csv, 'utf8').subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  });
});

describe('status CSV', () => {
  test('times in the requested zone', () => {
    assert.equal(formatLocalTime(T, 'Asia/Tokyo'), '2026-10-01 12:04');
    assert.equal(formatLocalTime(T, 'UTC'), '2026-10-01 03:04');
  });

  test('attendance: ○ × △ and the comment; unread and unanswered rows stay empty', () => {
    const csv = statusCsv(announcement({ answer_spec: { type: 'attendance' } }), [
      recipient('山田 花子', { read_at: T, answered_at: T, answer: { type: 'attendance', choice: 'yes', comment: '=cmd|calc' } }),
      recipient('Ben', { read_at: T, answered_at: T, answer: { type: 'attendance', choice: 'maybe', comment: 'late, sorry' } }),
      recipient('Carl'),
    ], 'Asia/Tokyo');
    assert.equal(csv, [
      '\uFEFFname,read,read_at,answered_at,answer,comment',
      "山田 花子,○,2026-10-01 12:04,2026-10-01 12:04,○,'=cmd|calc",
      'Ben,○,2026-10-01 12:04,2026-10-01 12:04,△,"late, sorry"',
      'Carl,,,,,',
      '',
    ].join('\r\n'));
  });

  test('questionnaire: a column per question, options by their text', () => {
    const spec = {
      type: 'questionnaire' as const,
      questions: [
        { id: 'q1', kind: 'single' as const, text: 'Lunch', options: ['Fish', 'Meat'], required: true },
        { id: 'q2', kind: 'multiple' as const, text: 'Sizes', options: ['S', 'M', 'L'], required: false },
        { id: 'q3', kind: 'text' as const, text: 'Notes', options: [], required: false },
      ],
    };
    const csv = statusCsv(announcement({ answer_spec: spec }), [
      recipient('A', { read_at: T, answered_at: T, answer: { type: 'questionnaire', answers: [1, [0, 2], '@home'] } }),
    ], 'UTC');
    assert.equal(csv.split('\r\n')[0], '\uFEFFname,read,read_at,answered_at,Q1 Lunch,Q2 Sizes,Q3 Notes');
    assert.equal(csv.split('\r\n')[1], "A,○,2026-10-01 03:04,2026-10-01 03:04,Meat,S / L,'@home");
  });

  test('date poll: a column per slot (its label, else its time) and the comment', () => {
    const spec = { type: 'date_poll' as const, slots: [{ id: 's1', start: T, end: null, label: 'Sat' }, { id: 's2', start: T, end: null, label: '' }] };
    const csv = statusCsv(announcement({ answer_spec: spec }), [
      recipient('A', { answer: { type: 'date_poll', slots: { s2: 'no' }, comment: null }, answered_at: T, read_at: T }),
    ], 'Asia/Tokyo');
    assert.deepEqual(csv.split('\r\n').slice(0, 2), [
      '\uFEFFname,read,read_at,answered_at,Sat,2026-10-01 12:04,comment',
      'A,○,2026-10-01 12:04,2026-10-01 12:04,,×,',
    ]);
  });
});

describe('stored times no Date can hold (written before times were bounded)', () => {
  const far = 9e15;

  test('the CSV and the mail still render, showing the number', () => {
    const a = announcement({ answer_spec: { type: 'date_poll', slots: [{ id: 's1', start: far, end: null, label: '' }] }, deadline: far });
    assert.equal(formatLocalTime(far, 'Asia/Tokyo'), String(far));
    const csv = statusCsv(a, [recipient('A', { read_at: far })], 'UTC');
    assert.equal(csv.split('\r\n')[0], `\uFEFFname,read,read_at,answered_at,${far},comment`);
    const mail = renderAnnouncementMail({
      announcement: a, groupName: 'G', to: { user_id: 'u-A', name: 'A', email: 'a@example.com', mail_delivery: 'each' },
      readUrl: 'https://example.com/r/x', kind: { kind: 'send' }, locale: 'en', timeZone: 'UTC',
    });
    assert.match(mail.text, new RegExp(`Deadline: ${far}`));
  });
});

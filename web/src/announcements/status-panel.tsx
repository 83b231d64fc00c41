import { useEffect, useMemo, useState } from 'preact/hooks';
import { useSession, useT } from '../app-context.ts';
import type { MessageKey } from '../i18n/translator.ts';
import { useObservable } from '../lib/use-observable.ts';
import { ErrorText } from '../ui/field.tsx';
import { useAction } from '../ui/use-action.ts';
import { StatusBook } from './status-book.ts';
import type { Announcement, Answer, Choice, StatusEvent, Tally } from './types.ts';
import { formatTime, useAnnouncementsApi } from './use-announcements-api.ts';

const MARK: Record<Choice, string> = { yes: '○', no: '×', maybe: '△' };

/**
 * For its sender (and the group's representatives and senders): who has read it and who
 * answered what, with the tally, live over `announcement:<id>`; "remind unread now"; CSV.
 */
export function StatusPanel({ announcement }: { announcement: Announcement }) {
  const { t, lang, error: errorText } = useT();
  const api = useAnnouncementsApi();
  const { realtime } = useSession();
  const book = useMemo(() => new StatusBook(), [announcement.id]);
  const status = useObservable(book.status);
  const [filter, setFilter] = useState<'all' | 'unread' | 'read'>('all');
  const [loadError, setLoadError] = useState<string | undefined>(undefined);
  const [reminded, setReminded] = useState<number | undefined>(undefined);
  const remind = useAction();

  useEffect(() => {
    const channel = realtime.socket.channel(`announcement:${announcement.id}`, {});
    channel.on('announcement:status', (e: StatusEvent) => book.apply(e));
    // Each (re)join fetches the whole list again: what changed while away is in it.
    channel.join().receive('ok', () => {
      book.begin();
      api.status(announcement.id).then((s) => book.snapshot(s), (e: { code?: string }) => setLoadError(errorText(e.code ?? 'internal')));
    });
    return () => channel.leave();
  }, [announcement.id]);

  if (loadError) return <p class="error" role="alert">{loadError}</p>;
  if (!status) return <p class="muted">{t('common.loading')}</p>;
  const unread = status.recipients.filter((r) => r.read_at === null);
  const shown = filter === 'all' ? status.recipients : filter === 'unread' ? unread : status.recipients.filter((r) => r.read_at !== null);
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;

  return (
    <section class="stack card status" aria-label={t('ann.status')}>
      <h2>{t('ann.status')}</h2>
      <p class="status-counts" data-read={status.read_count} data-total={status.recipient_count}>
        {t('ann.counts', { read: status.read_count, total: status.recipient_count, answered: status.answered_count })}
      </p>
      {status.tally && <TallyView tally={status.tally} announcement={announcement} />}
      <div class="row">
        <button class="button" type="button" disabled={remind.busy || unread.length === 0} onClick={() => void remind.run(async () => setReminded((await api.remind(announcement.id)).reminded))}>{t('ann.remind')}</button>
        <a class="button link-button" href={api.csvUrl(announcement.id, tz)} download>{t('ann.csv')}</a>
      </div>
      <ErrorText text={remind.error} />
      {reminded !== undefined && <p role="status">{t('ann.reminded', { n: reminded })}</p>}
      <div class="segmented" role="group" aria-label={t('ann.status')}>
        {(['all', 'unread', 'read'] as const).map((f) => (
          <button key={f} class="button small" type="button" aria-pressed={filter === f} onClick={() => setFilter(f)}>
            {t(`ann.filter.${f}` as MessageKey, { n: f === 'all' ? status.recipients.length : f === 'unread' ? unread.length : status.recipients.length - unread.length })}
          </button>
        ))}
      </div>
      <ul class="list recipients" aria-label={t('ann.status')}>
        {shown.map((r) => (
          <li key={r.user_id} class="recipient" data-user={r.user_id} data-read={r.read_at !== null}>
            <span class="list-title">{r.name === '' ? t('room.formerMember') : r.name}</span>
            {!r.email_verified && <span class="tag unverified" title={t('ann.emailNotVerifiedHint')}>{t('ann.emailNotVerified')}</span>}
            <span class={r.read_at === null ? 'tag unread' : 'tag done'}>{r.read_at === null ? t('ann.notRead') : t('ann.readAt', { time: formatTime(r.read_at, lang) })}</span>
            {announcement.answer && <span class="answer-summary">{r.answer ? summary(r.answer, announcement) : t('ann.noAnswer')}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

function summary(answer: Answer, announcement: Announcement): string {
  if (answer.type === 'attendance') return `${MARK[answer.choice]}${answer.comment ? ` ${answer.comment}` : ''}`;
  if (answer.type === 'date_poll') {
    const slots = announcement.answer?.type === 'date_poll' ? announcement.answer.slots : [];
    return slots.map((s) => { const c = answer.slots[s.id]; return c ? MARK[c] : '—'; }).join(' ') + (answer.comment ? ` ${answer.comment}` : '');
  }
  const questions = announcement.answer?.type === 'questionnaire' ? announcement.answer.questions : [];
  return answer.answers.map((a, i) => {
    const options = questions[i]?.options ?? [];
    if (a === null) return '—';
    if (typeof a === 'number') return options[a] ?? String(a);
    if (Array.isArray(a)) return a.map((o) => options[o] ?? String(o)).join(', ');
    return a;
  }).join(' / ');
}

function TallyView({ tally, announcement }: { tally: Tally; announcement: Announcement }) {
  const { t, lang } = useT();
  const spec = announcement.answer;
  return (
    <div class="tally" aria-label={t('ann.tally')} role="group">
      {tally.type === 'attendance' && (
        <p class="tally-line" data-yes={tally.yes} data-no={tally.no} data-maybe={tally.maybe}>
          <span>○ {tally.yes}</span> <span>× {tally.no}</span> <span>△ {tally.maybe}</span>
        </p>
      )}
      {tally.type === 'date_poll' && spec?.type === 'date_poll' && (
        <ul class="tally-list">
          {tally.slots.map((s) => {
            const slot = spec.slots.find((x) => x.id === s.id);
            return <li key={s.id}>{slot ? formatTime(slot.start, lang) : s.id}: ○ {s.yes} × {s.no} △ {s.maybe}</li>;
          })}
        </ul>
      )}
      {tally.type === 'questionnaire' && spec?.type === 'questionnaire' && (
        <ul class="tally-list">
          {tally.questions.map((q, i) => {
            const question = spec.questions[i];
            return (
              <li key={q.id}>
                <strong>{question?.text ?? q.id}</strong>
                {q.counts.length > 0 && <span>: {q.counts.map((n, o) => `${question?.options[o] ?? o} ${n}`).join(' · ')}</span>}
              </li>
            );
          })}
        </ul>
      )}
      <p class="muted">{t('ann.unanswered', { n: tally.unanswered })}</p>
    </div>
  );
}

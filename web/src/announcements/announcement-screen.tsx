import { useEffect, useState } from 'preact/hooks';
import { useApp, useSession, useT } from '../app-context.ts';
import { useObservable } from '../lib/use-observable.ts';
import { hrefOf } from '../routing/route.ts';
import { navigate } from '../routing/use-route.ts';
import { ErrorText } from '../ui/field.tsx';
import { TopBar } from '../ui/top-bar.tsx';
import { useAction } from '../ui/use-action.ts';
import { AnswerForm } from './answer-form.tsx';
import { StatusPanel } from './status-panel.tsx';
import type { Announcement } from './types.ts';
import { formatTime, useAnnouncementsApi } from './use-announcements-api.ts';

/**
 * One announcement (`/#/announcements/<id>`, where mail read links lead). A recipient's visit
 * confirms reading it and shows the answer form; its sender, representatives and senders see
 * the live read/answer status; an unsent one can be edited or cancelled.
 */
export function AnnouncementScreen({ id }: { id: string }) {
  const { t, lang, error: errorText } = useT();
  const { api } = useApp();
  const announcementsApi = useAnnouncementsApi();
  const session = useSession();
  const groups = useObservable(session.feed.groups);
  const [a, setA] = useState<Announcement | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [author, setAuthor] = useState<string | undefined>(undefined);
  const [confirming, setConfirming] = useState(false);
  const cancel = useAction();

  useEffect(() => {
    announcementsApi.get(id).then(({ announcement }) => {
      setA(announcement);
      // Opening it is reading it; offline, the next visit confirms it.
      if (announcement.me && announcement.me.read_at === null) {
        announcementsApi.markRead(id).then(({ me }) => setA((held) => (held ? { ...held, me } : held)), () => undefined);
      }
      // An author no longer among the members left the group or the service.
      api.members(announcement.group_id).then(({ members }) => setAuthor(members.find((m) => m.user_id === announcement.author_id)?.name ?? t('room.formerMember')), () => undefined);
    }, (e: { code?: string }) => setError(errorText(e.code ?? 'internal')));
  }, [id]);

  const role = groups?.find((g) => g.id === a?.group_id)?.role;
  const mine = a?.author_id === session.user.id;
  const watches = a !== undefined && a.status === 'sent' && (mine || role === 'owner' || role === 'sender');
  const editable = a !== undefined && a.status !== 'sent' && (mine || role === 'owner');
  const closed = a?.deadline !== null && a?.deadline !== undefined && a.deadline <= Date.now();

  return (
    <div class="screen">
      <TopBar title={a?.title ?? t('common.loading')} back={a ? hrefOf({ name: 'group', groupId: a.group_id, tab: 'announcements' }) : '#/'} />
      <main class="content stack">
        {error && <p class="error" role="alert">{error}</p>}
        {!a && !error && <p class="muted">{t('common.loading')}</p>}
        {a && (
          <>
            <article class="announcement stack">
              <h2 class="announcement-title">{a.title}</h2>
              <p class="muted">
                {author && <span>{t('ann.from', { name: author })} · </span>}
                {a.status === 'draft' ? t('ann.draft') : a.status === 'scheduled' ? t('ann.scheduled', { time: formatTime(a.send_at ?? 0, lang) }) : t('ann.sentAt', { time: formatTime(a.sent_at ?? a.created_at, lang) })}
              </p>
              {a.deadline !== null && <p class={closed ? 'error' : 'deadline'}>{closed ? t('ann.deadlinePassed') : t('ann.deadline', { time: formatTime(a.deadline, lang) })}</p>}
              <p class="announcement-body">{a.body}</p>
              {a.attachments.length > 0 && (
                <section aria-label={t('ann.attachments')}>
                  <h3>{t('ann.attachments')}</h3>
                  <ul class="attachments">
                    {a.attachments.map((f) => <li key={f.id}><a href={f.url} download={f.filename}>{f.filename}</a> <span class="muted">({Math.ceil(f.size / 1024)} KB)</span></li>)}
                  </ul>
                </section>
              )}
            </article>
            {a.me && a.answer && (
              <AnswerForm announcementId={a.id} spec={a.answer} me={a.me} closed={closed} onAnswered={(me) => setA({ ...a, me })} />
            )}
            {watches && <StatusPanel announcement={a} />}
            {editable && (
              <div class="stack">
                <a class="button link-button" href={hrefOf({ name: 'compose', groupId: a.group_id, draftId: a.id })}>{t('ann.editDraft')}</a>
                {confirming ? (
                  <div class="confirm card" role="group" aria-label={t('ann.cancel')}>
                    <p>{t('ann.cancelConfirm')}</p>
                    <div class="row">
                      <button class="button" type="button" onClick={() => setConfirming(false)}>{t('common.cancel')}</button>
                      <button class="button danger" type="button" disabled={cancel.busy} onClick={() => void cancel.run(async () => {
                        await announcementsApi.cancel(a.id);
                        navigate({ name: 'group', groupId: a.group_id, tab: 'announcements' }, true);
                      })}>{t('ann.cancel')}</button>
                    </div>
                  </div>
                ) : <button class="button danger-outline" type="button" onClick={() => setConfirming(true)}>{t('ann.cancel')}</button>}
                <ErrorText text={cancel.error} />
              </div>
            )}
          </>
        )}
      </main>
    </div>
  );
}

import { useEffect, useState } from 'preact/hooks';
import type { Group } from '../api/types.ts';
import { useApp, useSession, useT } from '../app-context.ts';
import { hrefOf } from '../routing/route.ts';
import type { Announcement } from './types.ts';
import { formatTime, useAnnouncementsApi } from './use-announcements-api.ts';

/** A group's announcements, newest first, live; a way to write one for those who may. */
export function AnnouncementsPanel({ group }: { group: Group }) {
  const { t, lang, error: errorText } = useT();
  const { api } = useApp();
  const announcementsApi = useAnnouncementsApi();
  const session = useSession();
  const [items, setItems] = useState<Announcement[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [leads, setLeads] = useState(false);

  useEffect(() => {
    announcementsApi.list(group.id).then(({ announcements }) => setItems(announcements), (e: { code?: string }) => setError(errorText(e.code ?? 'internal')));
    if (group.role === 'member') {
      api.subgroups(group.id).then(
        ({ subgroups }) => setLeads(subgroups.some((s) => s.members?.some((m) => m.user_id === session.user.id && m.leader))),
        () => undefined,
      );
    }
    return session.feed.onGroupEvent((event) => {
      if (event.kind === 'announcement:new' && event.groupId === group.id) {
        setItems((held) => [event.announcement, ...(held ?? []).filter((a) => a.id !== event.announcement.id)]);
      }
    });
  }, [group.id]);

  const mayWrite = group.role !== 'member' || leads;
  return (
    <>
      {mayWrite && <a class="button primary link-button" href={hrefOf({ name: 'compose', groupId: group.id })}>{t('ann.new')}</a>}
      {error && <p class="error" role="alert">{error}</p>}
      {items === undefined && !error && <p class="muted">{t('common.loading')}</p>}
      {items?.length === 0 && <p class="muted">{t('ann.none')}</p>}
      {items && items.length > 0 && (
        <ul class="list" aria-label={t('group.announcements')}>
          {items.map((a) => (
            <li key={a.id}>
              <a class="list-item announcement-item" href={hrefOf({ name: 'announcement', id: a.id })}>
                <span class="list-title">{a.title}</span>
                <span class="list-sub">
                  {a.status === 'draft' ? t('ann.draft') : a.status === 'scheduled' ? t('ann.scheduled', { time: formatTime(a.send_at ?? 0, lang) }) : t('ann.sentAt', { time: formatTime(a.sent_at ?? a.created_at, lang) })}
                </span>
                <span class="tags">
                  {a.me && a.me.read_at === null && <span class="tag unread">{t('ann.unread')}</span>}
                  {a.me && a.answer && a.me.answer === null && (a.deadline === null || a.deadline > Date.now()) && <span class="tag">{t('ann.pleaseAnswer')}</span>}
                  {a.me?.answer && <span class="tag done">{t('ann.answered')}</span>}
                  {a.counts && <span class="tag">{t('ann.counts', { read: a.counts.read_count, total: a.counts.recipient_count, answered: a.counts.answered_count })}</span>}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

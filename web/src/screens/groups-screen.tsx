import { useState } from 'preact/hooks';
import { useApp, useSession, useT } from '../app-context.ts';
import { useObservable } from '../lib/use-observable.ts';
import { UnreadBook } from '../realtime/unread-book.ts';
import { hrefOf } from '../routing/route.ts';
import { navigate } from '../routing/use-route.ts';
import { ErrorText, Field } from '../ui/field.tsx';
import { TopBar } from '../ui/top-bar.tsx';
import { useAction } from '../ui/use-action.ts';
import { UnreadBadge } from '../ui/unread-badge.tsx';

/** The signed-in home: every group with its unread count (live), and a form for a new group. */
export function GroupsScreen() {
  const { t, error: errorText } = useT();
  const { feed } = useSession();
  const groups = useObservable(feed.groups);
  const groupsError = useObservable(feed.groupsError);
  const rooms = useObservable(feed.unread.rooms);
  const announcements = useObservable(feed.announcementsUnread);
  const [creating, setCreating] = useState(false);
  const unreadOf = (groupId: string) => {
    let n = announcements.get(groupId) ?? 0;
    for (const r of rooms.values()) if (r.group_id === groupId) n += UnreadBook.unread(r);
    return n;
  };
  return (
    <div class="screen">
      <TopBar title={t('groups.title')}>
        <a class="icon-button" href={hrefOf({ name: 'settings' })} aria-label={t('settings.title')}><span aria-hidden="true">⚙</span></a>
      </TopBar>
      <main class="content stack">
        {groups === undefined && !groupsError && <p class="muted">{t('common.loading')}</p>}
        {groups === undefined && groupsError && (
          <>
            <p class="error" role="alert">{t('groups.loadFailed')} {errorText(groupsError)}</p>
            <button class="button" type="button" onClick={() => void feed.loadGroups()}>{t('common.retry')}</button>
          </>
        )}
        {groups?.length === 0 && <p class="muted">{t('groups.empty')}</p>}
        {groups && groups.length > 0 && (
          <ul class="list" aria-label={t('groups.title')}>
            {groups.map((g) => (
              <li key={g.id}>
                <a class="list-item" href={hrefOf({ name: 'group', groupId: g.id, tab: 'rooms' })}>
                  <span class="list-title">{g.name}</span>
                  <span class="list-sub">{t(`role.${g.role}`)}</span>
                  <UnreadBadge count={unreadOf(g.id)} />
                </a>
              </li>
            ))}
          </ul>
        )}
        {creating ? <NewGroupForm onCancel={() => setCreating(false)} /> : (
          <button class="button" type="button" onClick={() => setCreating(true)}>{t('groups.new')}</button>
        )}
      </main>
    </div>
  );
}

/** A slug suggestion from the name: ASCII letters and digits kept, the rest hyphens. */
function suggestSlug(name: string): string {
  return name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
}

function NewGroupForm({ onCancel }: { onCancel: () => void }) {
  const { t } = useT();
  const { api } = useApp();
  const { feed } = useSession();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugEdited, setSlugEdited] = useState(false);
  const { busy, error, run } = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      const { group } = await api.createGroup(name.trim(), slug);
      feed.addGroup(group);
      navigate({ name: 'group', groupId: group.id, tab: 'rooms' });
    });
  };
  return (
    <form class="stack card" onSubmit={submit} aria-label={t('groups.new')}>
      <h2>{t('groups.new')}</h2>
      <Field label={t('groups.name')} value={name} maxLength={100} name="group-name" onInput={(v) => {
        setName(v);
        if (!slugEdited) setSlug(suggestSlug(v));
      }} />
      <Field label={t('groups.slug')} value={slug} hint={t('groups.slugHint')} maxLength={63} pattern="[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?" name="group-slug" onInput={(v) => {
        setSlugEdited(true);
        setSlug(v.toLowerCase());
      }} />
      <ErrorText text={error} />
      <div class="row">
        <button class="button" type="button" onClick={onCancel}>{t('common.cancel')}</button>
        <button class="button primary" type="submit" disabled={busy}>{busy ? t('common.working') : t('groups.create')}</button>
      </div>
    </form>
  );
}

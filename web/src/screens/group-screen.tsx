import { useEffect, useRef, useState } from 'preact/hooks';
import type { Group } from '../api/types.ts';
import { useApp, useSession, useT } from '../app-context.ts';
import { useObservable } from '../lib/use-observable.ts';
import { hrefOf, type GroupTab } from '../routing/route.ts';
import { TopBar } from '../ui/top-bar.tsx';
import { Lazy } from '../ui/lazy.tsx';
import { UnreadBadge } from '../ui/unread-badge.tsx';
import { MembersPanel } from './members-panel.tsx';
import { RoomsPanel } from './rooms-panel.tsx';

const TABS: readonly GroupTab[] = ['rooms', 'announcements', 'members', 'invites', 'list'];

/** A group's home: its rooms (with unread counts), announcements, members and roles,
 *  invitations and the mailing list. The announcement, invitation and list panels load on first use. */
export function GroupScreen({ groupId, tab }: { groupId: string; tab: GroupTab }) {
  const { t, error: errorText } = useT();
  const { api } = useApp();
  const { feed } = useSession();
  const groups = useObservable(feed.groups);
  const announcementsUnread = useObservable(feed.announcementsUnread).get(groupId) ?? 0;
  const [group, setGroup] = useState<Group | undefined>(() => groups?.find((g) => g.id === groupId));
  const [error, setError] = useState<string | undefined>(undefined);
  const [removed, setRemoved] = useState(false);
  const tabs = useRef<HTMLElement>(null);
  // On a narrow phone the tab bar scrolls sideways: keep the open tab in view.
  useEffect(() => {
    tabs.current?.querySelector('[aria-current="page"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [tab]);

  useEffect(() => {
    api.group(groupId).then(({ group: g }) => setGroup(g), (e: { code?: string }) => setError(errorText(e.code ?? 'internal')));
    return feed.onGroupEvent((event) => {
      if (event.groupId === groupId && event.kind === 'removed') setRemoved(true);
    });
  }, [groupId]);

  const title = group?.name ?? t('common.loading');
  const labels: Record<GroupTab, string> = { rooms: t('group.rooms'), members: t('group.members'), invites: t('group.invites'), announcements: t('group.announcements'), list: t('group.list') };
  return (
    <div class="screen">
      <TopBar title={title} back="#/" />
      <nav class="tabs" ref={tabs} aria-label={title}>
        {TABS.map((name) => (
          <a key={name} class="tab" href={hrefOf({ name: 'group', groupId, tab: name })} aria-current={name === tab ? 'page' : undefined}>
            {labels[name]}{name === 'announcements' && <UnreadBadge count={announcementsUnread} />}
          </a>
        ))}
      </nav>
      <main class="content stack">
        {removed && <p class="error" role="alert">{t('group.removed')}</p>}
        {error && <p class="error" role="alert">{error}</p>}
        {group && !removed && tab === 'rooms' && <RoomsPanel group={group} />}
        {group && !removed && tab === 'members' && <MembersPanel group={group} />}
        {group && !removed && tab === 'announcements' && (
          <Lazy load={() => import('../announcements/announcements-panel.tsx').then((m) => m.AnnouncementsPanel)} props={{ group }} />
        )}
        {group && !removed && tab === 'invites' && (
          <Lazy load={() => import('./invites-panel.tsx').then((m) => m.InvitesPanel)} props={{ group }} />
        )}
        {group && !removed && tab === 'list' && (
          <Lazy load={() => import('../lists/list-panel.tsx').then((m) => m.ListPanel)} props={{ group }} />
        )}
      </main>
    </div>
  );
}

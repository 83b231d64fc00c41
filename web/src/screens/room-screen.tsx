import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Message, Room } from '../api/types.ts';
import { useApp, useSession, useT } from '../app-context.ts';
import { useObservable } from '../lib/use-observable.ts';
import { hrefOf } from '../routing/route.ts';
import type { RoomSession } from '../talk/room-session.ts';
import { TopBar } from '../ui/top-bar.tsx';
import { VirtualList } from '../ui/virtual-list.tsx';
import { Composer } from './composer.tsx';
import { MessageActions } from './message-actions.tsx';
import { MessageRow, PendingRow } from './message-row.tsx';

/** A talk room: opens a RoomSession for as long as the screen is shown. */
export function RoomScreen({ groupId, roomId }: { groupId: string; roomId: string }) {
  const session = useSession();
  const [room, setRoom] = useState<RoomSession | undefined>(undefined);
  useEffect(() => {
    const opened = session.openRoom(groupId, roomId);
    setRoom(opened);
    return () => session.closeRoom(opened);
  }, [groupId, roomId]);
  return room && room.roomId === roomId ? <RoomView key={roomId} room={room} groupId={groupId} /> : null;
}

function RoomView({ room, groupId }: { room: RoomSession; groupId: string }) {
  const { t } = useT();
  const { api, network } = useApp();
  const session = useSession();
  const state = useObservable(room.state);
  const online = useObservable(network);
  const groups = useObservable(session.feed.groups);
  const role = groups?.find((g) => g.id === groupId)?.role;
  const me = session.user.id;

  const [info, setInfo] = useState<Room | undefined>(undefined);
  // undefined until the members are loaded: only then is an author not among them a former member.
  const [names, setNames] = useState<ReadonlyMap<string, string> | undefined>(undefined);
  const [replyTo, setReplyTo] = useState<Message | undefined>(undefined);
  const [editing, setEditing] = useState<Message | undefined>(undefined);
  const [actionsFor, setActionsFor] = useState<{ message: Message; trigger: HTMLElement } | undefined>(undefined);
  const [showOnline, setShowOnline] = useState(false);
  const [atBottom, setAtBottom] = useState(true);
  const [topIndex, setTopIndex] = useState(0);
  const [jump, setJump] = useState<{ key: string; token: number } | undefined>(undefined);
  const [bottomToken, setBottomToken] = useState(0);
  const [missedSeen, setMissedSeen] = useState<unknown>(undefined);
  const [editError, setEditError] = useState<string | undefined>(undefined);
  const { error: errorText } = useT();

  useEffect(() => {
    api.rooms(groupId).then(({ rooms }) => setInfo(rooms.find((r) => r.id === room.roomId)), () => undefined);
    const loadNames = () => api.members(groupId).then(({ members }) => setNames(new Map(members.map((m) => [m.user_id, m.name]))), () => undefined);
    void loadNames();
    return session.feed.onGroupEvent((e) => {
      if (e.groupId === groupId && e.kind === 'member:joined') void loadNames();
    });
  }, [groupId]);

  // Reading: the newest message is on screen while the page is visible.
  useEffect(() => {
    if (atBottom && document.visibilityState === 'visible') room.markRead();
  }, [atBottom, state.messages, state.joined]);
  useEffect(() => {
    const onVisible = () => atBottom && document.visibilityState === 'visible' && room.markRead();
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [atBottom]);

  const messages = state.messages;
  const pending = state.pending;
  const firstSeq = messages[0]?.seq ?? 0;
  const nameOf = (id: string) => names?.get(id) ?? state.online.find((o) => o.id === id)?.name ?? (names ? t('room.formerMember') : t('room.someone'));

  // The newest message from someone else, read out by screen readers.
  const last = messages.at(-1);
  const announce = last && last.author_id !== me && !last.deleted ? `${nameOf(last.author_id)}: ${last.body}` : '';

  const keyAt = (i: number) => (i < messages.length ? `m${messages[i]!.seq}` : `p${pending[i - messages.length]!.client_id}`);
  const indexOfKey = (key: string) => {
    if (key.startsWith('m')) {
      const i = Number(key.slice(1)) - firstSeq;
      return i >= 0 && i < messages.length ? i : -1;
    }
    const j = pending.findIndex((p) => `p${p.client_id}` === key);
    return j < 0 ? -1 : messages.length + j;
  };
  const renderAt = (i: number) => {
    if (i >= messages.length) {
      const item = pending[i - messages.length]!;
      return <PendingRow item={item} online={online && state.joined} onRetry={() => room.retry(item.client_id)} onDiscard={() => room.discard(item.client_id)} />;
    }
    const m = messages[i]!;
    const target = m.reply_to !== null ? room.messageById(m.reply_to) : undefined;
    const divider = m.seq === state.missed?.fromSeq && state.missed !== missedSeen ? t('room.missedLine')
      : m.seq === state.firstUnreadSeq ? t('room.newMessages') : undefined;
    return (
      <MessageRow
        message={m}
        previous={messages[i - 1]}
        mine={m.author_id === me}
        authorName={nameOf(m.author_id)}
        quoted={target ? { name: target.author_id === me ? t('room.you') : nameOf(target.author_id), body: target.body, deleted: target.deleted } : undefined}
        {...(divider ? { divider } : {})}
        onActions={(message, trigger) => setActionsFor({ message, trigger })}
      />
    );
  };

  const unreadFrom = state.firstUnreadSeq;
  const unreadCount = unreadFrom !== undefined ? (messages.at(-1)?.seq ?? 0) - unreadFrom + 1 : 0;
  const topSeq = messages[Math.min(topIndex, messages.length - 1)]?.seq ?? 0;
  const showJumpUnread = unreadFrom !== undefined && unreadCount > 0 && (firstSeq > unreadFrom || topSeq > unreadFrom);
  const jumpToUnread = async () => {
    if (unreadFrom === undefined) return;
    if (await room.loadUntil(unreadFrom)) setJump({ key: `m${unreadFrom}`, token: Date.now() });
  };

  const closeActions = () => {
    actionsFor?.trigger.focus();
    setActionsFor(undefined);
  };

  const submit = async (body: string): Promise<boolean> => {
    if (editing) {
      try {
        await room.edit(editing.id, body);
        setEditing(undefined);
        setEditError(undefined);
        return true;
      } catch (e) {
        setEditError(errorText((e as { reason?: string }).reason ?? 'internal'));
        return false;
      }
    }
    room.send(body, replyTo?.id ?? null);
    setReplyTo(undefined);
    setBottomToken((n) => n + 1);
    return true;
  };

  const typingNames = state.typing.map(nameOf);
  const typingText = typingNames.length === 0 ? '' : typingNames.length === 1 ? t('room.typing1', { a: typingNames[0]! })
    : typingNames.length === 2 ? t('room.typing2', { a: typingNames[0]!, b: typingNames[1]! }) : t('room.typingMany');
  const missed = state.missed && state.missed !== missedSeen ? state.missed : undefined;
  const title = info ? `# ${info.name}` : t('common.loading');
  const header = useMemo(() => (
    state.loadingOlder ? <p class="list-note">{t('room.loadingOlder')}</p>
      : state.status === 'ready' && !state.hasOlder ? <p class="list-note">{messages.length === 0 && pending.length === 0 ? t('room.empty') : t('room.start')}</p> : null
  ), [state.loadingOlder, state.status, state.hasOlder, messages.length === 0 && pending.length === 0, t]);

  return (
    <div class="screen room">
      <TopBar title={title} back={hrefOf({ name: 'group', groupId, tab: 'rooms' })}>
        <button class="chip" type="button" aria-expanded={showOnline} onClick={() => setShowOnline(!showOnline)}>
          <span class="dot" aria-hidden="true" />{t('room.online', { n: state.crowd ?? state.online.length })}
        </button>
      </TopBar>
      {showOnline && (
        <section class="online-list" aria-label={t('room.whoOnline')}>
          <h2 class="visually-hidden">{t('room.whoOnline')}</h2>
          <ul>{state.online.map((o) => <li key={o.id}>{o.id === me ? `${o.name} ${t('members.you')}` : o.name}</li>)}</ul>
        </section>
      )}
      {missed && (
        <div class="notice" role="status">
          <span>{missed.complete ? t('room.missed', { n: missed.count }) : t('room.missedMany', { n: missed.count })}</span>
          <button class="icon-button" type="button" aria-label={t('common.cancel')} onClick={() => setMissedSeen(state.missed)}><span aria-hidden="true">×</span></button>
        </div>
      )}
      {state.status === 'error' && <p class="error notice" role="alert">{errorText(state.error ?? 'internal')}</p>}
      <div class="room-body">
        {state.status === 'loading' ? <p class="list-note">{t('common.loading')}</p> : (
          <VirtualList
            count={messages.length + pending.length}
            keyAt={keyAt}
            indexOfKey={indexOfKey}
            renderAt={renderAt}
            header={header}
            label={t('room.messages')}
            onNearTop={() => void room.loadOlder()}
            onBottomChange={setAtBottom}
            onTopIndex={setTopIndex}
            {...(jump ? { jumpTo: jump } : {})}
            bottomToken={bottomToken}
          />
        )}
        {showJumpUnread && (
          <div class="floating top"><button class="chip" type="button" onClick={() => void jumpToUnread()}>↑ {t('room.jumpUnread', { n: unreadCount })}</button></div>
        )}
        {!atBottom && (
          <div class="floating bottom"><button class="chip" type="button" onClick={() => setBottomToken((n) => n + 1)}>↓ {t('room.jumpLatest')}</button></div>
        )}
      </div>
      <p class="typing" aria-live="polite">{typingText}</p>
      <p class="visually-hidden" aria-live="polite">{announce}</p>
      {editError && <p class="error" role="alert">{editError}</p>}
      <Composer
        key={editing ? `edit-${editing.id}` : 'new'}
        {...(editing ? { initialText: editing.body } : { draftKey: session.draftKey(room.roomId) })}
        {...(editing
          ? { context: { label: t('room.editing'), cancelLabel: t('room.cancelEdit'), onCancel: () => setEditing(undefined) } }
          : replyTo ? { context: { label: t('room.replying', { name: replyTo.author_id === me ? t('room.you') : nameOf(replyTo.author_id) }), cancelLabel: t('room.cancelReply'), onCancel: () => setReplyTo(undefined) } } : {})}
        submitLabel={editing ? t('room.save') : t('room.send')}
        onSubmit={submit}
        onTyping={() => room.typing()}
      />
      {actionsFor && (
        <MessageActions
          message={actionsFor.message}
          canEdit={actionsFor.message.author_id === me}
          canDelete={actionsFor.message.author_id === me || role === 'owner'}
          onReply={() => { setReplyTo(actionsFor.message); setEditing(undefined); setActionsFor(undefined); }}
          onEdit={() => { setEditing(actionsFor.message); setReplyTo(undefined); setActionsFor(undefined); }}
          onDelete={() => room.remove(actionsFor.message.id)}
          onClose={closeActions}
        />
      )}
    </div>
  );
}

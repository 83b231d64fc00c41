import { useEffect, useState } from 'preact/hooks';
import type { Group, Room } from '../api/types.ts';
import { useApp, useSession, useT } from '../app-context.ts';
import { useObservable } from '../lib/use-observable.ts';
import { UnreadBook } from '../realtime/unread-book.ts';
import { hrefOf } from '../routing/route.ts';
import { navigate } from '../routing/use-route.ts';
import { ErrorText, Field } from '../ui/field.tsx';
import { useAction } from '../ui/use-action.ts';
import { UnreadBadge } from '../ui/unread-badge.tsx';

/** A group's talk rooms with their unread counts; representatives and senders may add one. */
export function RoomsPanel({ group }: { group: Group }) {
  const { t, error: errorText } = useT();
  const { api } = useApp();
  const { feed } = useSession();
  const counts = useObservable(feed.unread.rooms);
  const [rooms, setRooms] = useState<Room[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [name, setName] = useState('');
  const action = useAction();

  useEffect(() => {
    api.rooms(group.id).then(({ rooms: r }) => setRooms(r), (e: { code?: string }) => setError(errorText(e.code ?? 'internal')));
    return feed.onGroupEvent((event) => {
      if (event.kind === 'room:created' && event.groupId === group.id) {
        setRooms((held) => (held && !held.some((r) => r.id === event.room.id) ? [...held, event.room] : held));
      }
    });
  }, [group.id]);

  const create = (e: Event) => {
    e.preventDefault();
    void action.run(async () => {
      const { room } = await api.createRoom(group.id, name.trim());
      setName('');
      navigate({ name: 'room', groupId: group.id, roomId: room.id });
    });
  };

  return (
    <>
      {error && <p class="error" role="alert">{error}</p>}
      {rooms === undefined && !error && <p class="muted">{t('common.loading')}</p>}
      {rooms?.length === 0 && <p class="muted">{t('group.noRooms')}</p>}
      {rooms && rooms.length > 0 && (
        <ul class="list" aria-label={t('group.rooms')}>
          {rooms.map((r) => (
            <li key={r.id}>
              <a class="list-item" href={hrefOf({ name: 'room', groupId: group.id, roomId: r.id })}>
                <span class="list-title"># {r.name}</span>
                <UnreadBadge count={UnreadBook.unread(counts.get(r.id))} />
              </a>
            </li>
          ))}
        </ul>
      )}
      {group.role !== 'member' && (
        <form class="stack card" onSubmit={create} aria-label={t('group.newRoom')}>
          <h2>{t('group.newRoom')}</h2>
          <Field label={t('group.roomName')} value={name} onInput={setName} maxLength={100} name="room-name" />
          <ErrorText text={action.error} />
          <button class="button primary" type="submit" disabled={action.busy}>{t('group.createRoom')}</button>
        </form>
      )}
    </>
  );
}

import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { Group } from '../api/types.ts';
import { useT } from '../app-context.ts';
import { hrefOf } from '../routing/route.ts';
import './lists.css';
import { BouncesSection } from './bounces-section.tsx';
import { JoinRequestsSection } from './join-requests-section.tsx';
import { ListSettingsForm } from './list-settings-form.tsx';
import { ModerationQueue } from './moderation-queue.tsx';
import { MyDeliveryForm } from './my-delivery-form.tsx';
import type { List } from './types.ts';
import { useListsApi, useListT } from './use-lists.ts';

/**
 * A group's mailing list: its address to copy, who may post, and how its mail reaches me (every
 * member); for representatives also the list's settings, the posts waiting for approval, join
 * requests by mail and members whose mail bounced. Loaded on first use (not in the first visit).
 */
export function ListPanel({ group }: { group: Group }) {
  const { error: errorText } = useListT();
  const loading = useT().t('common.loading');
  const api = useListsApi();
  const [list, setList] = useState<List | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | undefined>(undefined);
  const owner = group.role === 'owner';

  const load = () => api.list(group.id).then(({ list: l }) => setList(l), (e: { code?: string }) => setLoadError(errorText(e.code ?? 'internal')));
  useEffect(() => {
    void load();
  }, [group.id]);

  if (loadError) return <p class="error" role="alert">{loadError}</p>;
  if (!list) return <p class="muted">{loading}</p>;
  return (
    <>
      <ListAddress list={list} />
      <MyDeliveryForm groupId={group.id} />
      {owner && (
        <>
          <ListSettingsForm list={list} onSaved={setList} />
          {/* An approval may create the list room: the link to it comes from a fresh read. */}
          <ModerationQueue groupId={group.id} onPublished={() => void load()} />
          <JoinRequestsSection groupId={group.id} />
          <BouncesSection groupId={group.id} />
        </>
      )}
    </>
  );
}

/** The address to post to, selectable and copyable (the clipboard may be missing in WebViews). */
function ListAddress({ list }: { list: List }) {
  const { t } = useListT();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    input.current?.select();
    try {
      await navigator.clipboard.writeText(list.address);
    } catch {
      // No clipboard API (plain http, some WebViews): the text stays selected for the system's copy.
    }
    setCopied(true);
  };
  return (
    <section class="stack card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('list.address')}</h2>
      <label class="visually-hidden" for={id}>{t('list.address')}</label>
      <input id={id} ref={input} class="invite-link" type="text" readOnly value={list.address} aria-describedby={`${id}-help`} onFocus={(e) => e.currentTarget.select()} />
      <p class="hint" id={`${id}-help`}>{t('list.addressHelp')}</p>
      <p>{t('list.modeIs', { mode: t(`list.modeShort.${list.mode}`) })}</p>
      <div class="row">
        <button class="button" type="button" onClick={() => void copy()}>{t('list.copy')}</button>
        {list.room_id !== null && (
          <a class="button link-button" href={hrefOf({ name: 'room', groupId: list.group_id, roomId: list.room_id })}>{t('list.openRoom')}</a>
        )}
      </div>
      {copied && <p role="status">{t('list.copied')}</p>}
    </section>
  );
}

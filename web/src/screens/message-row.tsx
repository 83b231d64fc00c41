import type { Message } from '../api/types.ts';
import { useT } from '../app-context.ts';
import type { OutboxItem } from '../talk/outbox.ts';

export interface MessageRowProps {
  message: Message;
  /** The message before it: the author line is left out for a run by the same person. */
  previous: Message | undefined;
  mine: boolean;
  authorName: string;
  /** What it replies to, when held (else "an earlier message"). */
  quoted: { name: string; body: string; deleted: boolean } | undefined;
  divider?: string;
  onActions?(message: Message, trigger: HTMLElement): void;
}

const RUN_MS = 5 * 60_000;

/** One message. Text is only ever rendered as text: no markup from anyone reaches the DOM. */
export function MessageRow({ message: m, previous, mine, authorName, quoted, divider, onActions }: MessageRowProps) {
  const { t, lang } = useT();
  const showAuthor = divider !== undefined || !previous || previous.author_id !== m.author_id || m.at - previous.at > RUN_MS;
  const time = new Date(m.at).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });
  return (
    <div class={`msg-wrap${mine ? ' mine' : ''}`}>
      {divider && <div class="divider" role="separator"><span>{divider}</span></div>}
      <article class={`msg${m.deleted ? ' deleted' : ''}`} data-seq={m.seq} aria-label={`${authorName} ${time}`}>
        {showAuthor && (
          <header class="msg-head">
            <span class="msg-author">{mine ? t('room.you') : authorName}</span>
            <time class="msg-time" dateTime={new Date(m.at).toISOString()}>{time}</time>
          </header>
        )}
        {m.reply_to !== null && !m.deleted && (
          <blockquote class="msg-quote">
            {quoted ? <><span class="msg-quote-name">{t('room.replyTo', { name: quoted.name })}</span> {quoted.deleted ? t('room.deleted') : quoted.body}</> : t('room.replyEarlier')}
          </blockquote>
        )}
        <p class="msg-body">{m.deleted ? t('room.deleted') : m.body}</p>
        {m.edited_at !== null && !m.deleted && <span class="msg-edited">{t('room.edited')}</span>}
        {!m.deleted && onActions && (
          <button class="msg-actions" type="button" aria-label={t('room.actions', { name: mine ? t('room.you') : authorName })} aria-haspopup="dialog" onClick={(e) => onActions(m, e.currentTarget)}>
            <span aria-hidden="true">⋯</span>
          </button>
        )}
      </article>
    </div>
  );
}

/** A message of ours not yet acknowledged: waiting, or refused with a way to retry or discard. */
export function PendingRow({ item, online, onRetry, onDiscard }: { item: OutboxItem; online: boolean; onRetry(): void; onDiscard(): void }) {
  const { t, error } = useT();
  return (
    <div class="msg-wrap mine">
      <article class="msg pending" data-client-id={item.client_id}>
        <p class="msg-body">{item.body}</p>
        <p class={item.error ? 'msg-status error' : 'msg-status'}>
          {item.error ? t('room.failed', { reason: error(item.error) }) : online ? t('room.sending') : t('room.pending')}
        </p>
        {item.error && (
          <div class="row">
            <button class="button small" type="button" onClick={onRetry}>{t('room.retry')}</button>
            <button class="button small" type="button" onClick={onDiscard}>{t('room.discard')}</button>
          </div>
        )}
      </article>
    </div>
  );
}

import { useEffect, useRef, useState } from 'preact/hooks';
import type { Message } from '../api/types.ts';
import { useT } from '../app-context.ts';

export interface MessageActionsProps {
  message: Message;
  canEdit: boolean;
  canDelete: boolean;
  onReply(): void;
  onEdit(): void;
  onDelete(): Promise<void>;
  onClose(): void;
}

/**
 * The actions of one message, as a sheet inside the page (never a pop-up window or a browser
 * dialog, which WebViews may not show). Focus moves into it and returns on close; Escape closes.
 */
export function MessageActions({ message, canEdit, canDelete, onReply, onEdit, onDelete, onClose }: MessageActionsProps) {
  const { t, error } = useT();
  const [confirming, setConfirming] = useState(false);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const sheet = useRef<HTMLDivElement>(null);

  useEffect(() => {
    sheet.current?.querySelector('button')?.focus();
  }, [confirming]);

  const remove = () => onDelete().then(onClose, (e: { reason?: string }) => setFailure(error(e.reason ?? 'internal')));
  const excerpt = message.body.length > 80 ? `${message.body.slice(0, 80)}…` : message.body;
  return (
    <div class="sheet-backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div class="sheet" role="dialog" aria-modal="true" aria-label={excerpt} ref={sheet} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
        <p class="sheet-excerpt">{excerpt}</p>
        {failure && <p class="error" role="alert">{failure}</p>}
        {confirming ? (
          <>
            <p>{t('room.deleteConfirm')}</p>
            <button class="button danger" type="button" onClick={() => void remove()}>{t('room.delete')}</button>
            <button class="button" type="button" onClick={() => setConfirming(false)}>{t('common.cancel')}</button>
          </>
        ) : (
          <>
            <button class="button" type="button" onClick={onReply}>{t('room.reply')}</button>
            {canEdit && <button class="button" type="button" onClick={onEdit}>{t('room.edit')}</button>}
            {canDelete && <button class="button danger-outline" type="button" onClick={() => setConfirming(true)}>{t('room.delete')}</button>}
            <button class="button" type="button" onClick={onClose}>{t('common.cancel')}</button>
          </>
        )}
      </div>
    </div>
  );
}

import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { useApp, useT } from '../app-context.ts';
import { CLIENT_LIMITS } from '../limits.ts';

export interface ComposerProps {
  /** Where the draft is kept on the device, so nothing typed is lost on reload (none when editing). */
  draftKey?: string;
  /** Replying to / editing: a line above the input, with a way to cancel. */
  context?: { label: string; cancelLabel: string; onCancel(): void };
  /** Text to start from (editing); give the composer a new `key` for new text. */
  initialText?: string;
  submitLabel: string;
  onSubmit(body: string): Promise<boolean> | boolean;
  onTyping(): void;
}

const MAX_ROWS = 5;

/**
 * The message input. Enter sends on a keyboard (Shift+Enter is a new line) but never while an
 * input method is composing (Japanese conversion uses Enter); on touch screens Enter is a new
 * line and the button sends.
 */
export function Composer({ draftKey, context, initialText, submitLabel, onSubmit, onTyping }: ComposerProps) {
  const { t } = useT();
  const { storage } = useApp();
  const [text, setText] = useState(() => initialText ?? (draftKey ? storage.getItem(draftKey) : null) ?? '');
  const input = useRef<HTMLTextAreaElement>(null);
  const saveTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const unsaved = useRef<string | undefined>(undefined);
  const id = useId();

  const saveDraft = () => {
    clearTimeout(saveTimer.current);
    const value = unsaved.current;
    unsaved.current = undefined;
    if (!draftKey || value === undefined) return;
    try {
      if (value === '') storage.removeItem(draftKey);
      else storage.setItem(draftKey, value);
    } catch {
      // Storage full or refused: the draft lives in memory only.
    }
  };
  const keepDraft = (value: string) => {
    unsaved.current = value;
    clearTimeout(saveTimer.current);
    saveTimer.current = setTimeout(saveDraft, CLIENT_LIMITS.draftSaveDelayMs);
  };
  // Leaving the room (or the page) must not drop the last keystrokes.
  useEffect(() => {
    addEventListener('pagehide', saveDraft);
    return () => {
      removeEventListener('pagehide', saveDraft);
      saveDraft();
    };
  }, [draftKey]);
  useEffect(() => {
    if (context || initialText !== undefined) input.current?.focus();
  }, [context?.label]);

  const submit = async () => {
    const body = text.trim();
    if (body === '') return;
    if (await onSubmit(body)) {
      setText('');
      keepDraft('');
    }
    input.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229) return;
    if (!(e.ctrlKey || e.metaKey) && matchMedia('(pointer: coarse)').matches) return;
    e.preventDefault();
    void submit();
  };

  const rows = Math.min(MAX_ROWS, Math.max(1, text.split('\n').length));
  return (
    <form class="composer" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      {context && (
        <div class="composer-context">
          <span>{context.label}</span>
          <button class="icon-button" type="button" aria-label={context.cancelLabel} onClick={context.onCancel}><span aria-hidden="true">×</span></button>
        </div>
      )}
      <div class="composer-row">
        <label class="visually-hidden" for={id}>{t('room.message')}</label>
        <textarea
          id={id}
          ref={input}
          rows={rows}
          value={text}
          maxLength={8000}
          placeholder={t('room.message')}
          onInput={(e) => {
            const value = e.currentTarget.value;
            setText(value);
            keepDraft(value);
            if (value !== '') onTyping();
          }}
          onKeyDown={onKeyDown}
        />
        <button class="button primary send" type="submit" disabled={text.trim() === ''}>{submitLabel}</button>
      </div>
    </form>
  );
}

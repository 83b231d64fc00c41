import { useId, useState } from 'preact/hooks';
import type { List, ListMode } from './types.ts';
import { useListAction, useListsApi, useListT } from './use-lists.ts';

const MODES: readonly ListMode[] = ['announce', 'discussion'];

/** Representatives: who may post, From rewriting (DMARC) and the digest's time zone. */
export function ListSettingsForm({ list, onSaved }: { list: List; onSaved: (list: List) => void }) {
  const { t } = useListT();
  const api = useListsApi();
  const action = useListAction();
  const [mode, setMode] = useState<ListMode>(list.mode);
  const [fromRewrite, setFromRewrite] = useState(list.from_rewrite);
  const [timeZone, setTimeZone] = useState(list.time_zone);
  const [saved, setSaved] = useState(false);
  const id = useId();

  const submit = (e: Event) => {
    e.preventDefault();
    setSaved(false);
    void action.run(async () => {
      const { list: next } = await api.updateList(list.group_id, { mode, from_rewrite: fromRewrite, time_zone: timeZone.trim() });
      onSaved(next);
      setSaved(true);
    });
  };
  return (
    <form class="stack card" aria-labelledby={`${id}-h`} onSubmit={submit}>
      <h2 id={`${id}-h`}>{t('list.settings')}</h2>
      <fieldset>
        <legend>{t('list.mode')}</legend>
        {MODES.map((m) => (
          <label key={m} class="option">
            <input type="radio" name={`${id}-mode`} value={m} checked={mode === m} onChange={() => setMode(m)} />
            <span>{t(`list.mode.${m}`)}</span>
          </label>
        ))}
      </fieldset>
      <label class="option">
        <input type="checkbox" checked={fromRewrite} onChange={(e) => setFromRewrite(e.currentTarget.checked)} />
        <span>{t('list.fromRewrite')}</span>
      </label>
      <div class="field">
        <label for={`${id}-tz`}>{t('list.timeZone')}</label>
        <input id={`${id}-tz`} type="text" value={timeZone} required maxLength={64} autoComplete="off" autoCapitalize="none" spellcheck={false}
          aria-describedby={`${id}-tz-hint`} onInput={(e) => setTimeZone(e.currentTarget.value)} />
        <p class="hint" id={`${id}-tz-hint`}>{t('list.timeZoneHint')}</p>
      </div>
      <button class="button primary" type="submit" disabled={action.busy}>{t('list.save')}</button>
      {saved && <p role="status">{t('list.saved')}</p>}
      {action.error && <p class="error" role="alert">{action.error}</p>}
    </form>
  );
}

import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { MyList } from './types.ts';
import { useListsApi, useListT } from './use-lists.ts';

const DELIVERIES: readonly MyList['delivery'][] = ['each', 'digest', 'none'];

/**
 * How this list's mail reaches me: every message, a daily digest or none, and whether my own
 * posts come back. Each change shows at once and is saved at once (no form to forget to
 * submit); a failed save puts back what the server has.
 */
export function MyDeliveryForm({ groupId }: { groupId: string }) {
  const { t, error: errorText } = useListT();
  const api = useListsApi();
  const [mine, setMine] = useState<MyList | undefined>(undefined);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  /** Only the answer to the latest change is shown: an older one may arrive after it. */
  const latest = useRef(0);
  const id = useId();
  const fail = (e: unknown) => setError(errorText((e as { code?: string }).code ?? 'internal'));

  useEffect(() => {
    api.mine(groupId).then(setMine, fail);
  }, [groupId]);

  const save = async (patch: Partial<MyList>) => {
    if (!mine) return;
    const request = ++latest.current;
    setMine({ ...mine, ...patch });
    setSaved(false);
    setError(undefined);
    try {
      const answer = await api.updateMine(groupId, patch);
      if (request !== latest.current) return;
      setMine(answer);
      setSaved(true);
    } catch (e) {
      if (request !== latest.current) return;
      fail(e);
      api.mine(groupId).then(setMine, () => undefined);
    }
  };
  const disabled = mine === undefined;
  return (
    <section class="stack card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('list.mine')}</h2>
      <fieldset>
        <legend>{t('list.delivery')}</legend>
        {DELIVERIES.map((d) => (
          <label key={d} class="option">
            <input type="radio" name={`${id}-delivery`} value={d} checked={mine?.delivery === d} disabled={disabled}
              onChange={() => void save({ delivery: d })} />
            <span>{t(`list.delivery.${d}`)}</span>
          </label>
        ))}
      </fieldset>
      <label class="option">
        <input type="checkbox" checked={mine?.self_copy ?? false} disabled={disabled} onChange={(e) => void save({ self_copy: e.currentTarget.checked })} />
        <span>{t('list.selfCopy')}</span>
      </label>
      {saved && <p role="status">{t('list.saved')}</p>}
      {error && <p class="error" role="alert">{error}</p>}
    </section>
  );
}

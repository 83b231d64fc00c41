import { useMemo } from 'preact/hooks';
import { useApp, useT } from '../app-context.ts';
import { listErrorText, listText, type ListTextKey } from '../i18n/list-texts.ts';
import { useAction } from '../ui/use-action.ts';
import { ListsApi } from './lists-api.ts';

/** The list routes over the app's ApiClient. */
export function useListsApi(): ListsApi {
  const { api } = useApp();
  return useMemo(() => new ListsApi(api), [api]);
}

/** The list screens' texts in the app's language; errors fall back to the app's own texts. */
export function useListT() {
  const i18n = useT();
  return useMemo(() => ({
    lang: i18n.lang,
    t: (key: ListTextKey, params?: Record<string, string | number>) => listText(i18n.lang, key, params),
    error: (code: string) => listErrorText(i18n.lang, code) ?? i18n.error(code),
  }), [i18n]);
}

/** `useAction` with the list screens' error texts (falling back to the app's). */
export function useListAction() {
  return useAction(useListT().error);
}

/** A time as the person reads it: date and time, in their language. */
export function formatTime(ms: number, lang: string): string {
  return new Date(ms).toLocaleString(lang, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

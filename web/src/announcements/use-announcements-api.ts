import { useMemo } from 'preact/hooks';
import { useApp } from '../app-context.ts';
import { AnnouncementsApi } from './announcements-api.ts';

/** The announcement routes over the app's ApiClient. */
export function useAnnouncementsApi(): AnnouncementsApi {
  const { api } = useApp();
  return useMemo(() => new AnnouncementsApi(api), [api]);
}

/** A time as the person reads it: date and time, in their language. */
export function formatTime(ms: number, lang: string): string {
  return new Date(ms).toLocaleString(lang, { month: 'short', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit' });
}

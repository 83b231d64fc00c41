import { useMemo } from 'preact/hooks';
import { useApp } from '../app-context.ts';
import { AccountApi } from './account-api.ts';

/** The account routes over the app's ApiClient. */
export function useAccountApi(): AccountApi {
  const { api } = useApp();
  return useMemo(() => new AccountApi(api), [api]);
}

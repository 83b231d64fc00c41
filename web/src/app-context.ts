import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ApiClient } from './api/api-client.ts';
import type { LangChoice } from './i18n/language.ts';
import { translator, type Translator } from './i18n/translator.ts';
import type { KeyValueStore } from './lib/key-value-store.ts';
import type { Observable } from './lib/observable.ts';
import type { Auth } from './session/auth.ts';
import type { SignedIn } from './session/signed-in.ts';

/** What the whole client shares, built once in main.tsx and handed down (no singletons). */
export interface AppServices {
  api: ApiClient;
  auth: Auth;
  storage: KeyValueStore;
  network: Observable<boolean>;
  /** The language chosen in settings (kept on the device). */
  langChoice: Observable<LangChoice>;
  /** The browser's preferred languages, for `auto`. */
  languages: readonly string[];
}

export const AppContext = createContext<AppServices | null>(null);
export const I18nContext = createContext<Translator>(translator('en'));
export const SessionContext = createContext<SignedIn | null>(null);

export function useApp(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error('useApp outside <AppContext.Provider>');
  return services;
}

export function useT(): Translator {
  return useContext(I18nContext);
}

export function useSession(): SignedIn {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in screen');
  return session;
}

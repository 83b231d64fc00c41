import { render } from 'preact';
import { ApiClient } from './api/api-client.ts';
import { App } from './app.tsx';
import type { AppServices } from './app-context.ts';
import type { LangChoice } from './i18n/language.ts';
import type { KeyValueStore } from './lib/key-value-store.ts';
import { Observable } from './lib/observable.ts';
import { Auth } from './session/auth.ts';
import './styles.css';

const LANG_KEY = 'renraku:lang';

/** localStorage, or memory when the browser refuses it (disabled storage, some WebViews). */
function deviceStorage(): KeyValueStore {
  try {
    const probe = '__renraku_probe__';
    localStorage.setItem(probe, probe);
    localStorage.removeItem(probe);
    return localStorage;
  } catch {
    const memory = new Map<string, string>();
    return { getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => void memory.set(k, v), removeItem: (k) => void memory.delete(k) };
  }
}

/** Wires the client from the browser's parts; everything below receives what it needs. */
function boot(root: HTMLElement): void {
  const storage = deviceStorage();
  const network = new Observable(navigator.onLine);
  addEventListener('online', () => network.set(true));
  addEventListener('offline', () => network.set(false));
  const stored = storage.getItem(LANG_KEY);
  const langChoice = new Observable<LangChoice>(stored === 'ja' || stored === 'en' ? stored : 'auto');
  langChoice.subscribe((choice) => (choice === 'auto' ? storage.removeItem(LANG_KEY) : storage.setItem(LANG_KEY, choice)));
  const api = new ApiClient((input, init) => fetch(input, init));
  const auth = new Auth({ api, storage, network });
  const services: AppServices = { api, auth, storage, network, langChoice, languages: navigator.languages ?? [navigator.language] };
  render(<App services={services} />, root);
  void auth.boot();
}

boot(document.getElementById('app')!);

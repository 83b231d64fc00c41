import type { ApiClient } from '../api/api-client.ts';
import type { User } from '../api/types.ts';
import type { KeyValueStore } from '../lib/key-value-store.ts';
import { Observable } from '../lib/observable.ts';
import { SignedIn } from './signed-in.ts';

export type AuthState =
  | { status: 'loading' }
  | { status: 'unreachable' }
  | { status: 'signedOut' }
  | { status: 'signedIn'; session: SignedIn };

/**
 * Signed in or not. The session itself is the server's HttpOnly cookie; this only asks
 * `/api/me` at start, and ends the local session when any request answers 401.
 */
export class Auth {
  readonly state = new Observable<AuthState>({ status: 'loading' });
  private readonly api: ApiClient;
  private readonly storage: KeyValueStore;
  private readonly network: Observable<boolean>;

  constructor(deps: { api: ApiClient; storage: KeyValueStore; network: Observable<boolean> }) {
    this.api = deps.api;
    this.storage = deps.storage;
    this.network = deps.network;
    this.api.onUnauthenticated = () => this.end();
  }

  async boot(): Promise<void> {
    this.state.set({ status: 'loading' });
    try {
      this.begin((await this.api.me()).user);
    } catch (error) {
      this.state.set({ status: (error as { status?: number }).status === 401 ? 'signedOut' : 'unreachable' });
    }
  }

  async signIn(email: string, password: string): Promise<void> {
    this.begin((await this.api.login(email, password)).user);
  }

  /** `language`: the one the person saw the form in, for the verification mail and later ones. */
  async signUp(input: { name: string; email: string; password: string; language?: 'ja' | 'en' }): Promise<void> {
    this.begin((await this.api.signup(input)).user);
  }

  async signOut(): Promise<void> {
    await this.api.logout().catch(() => undefined);
    this.end();
  }

  /** The server already ended this session (a password reset, a deleted account): forget it here. */
  ended(): void {
    this.end();
  }

  private begin(user: User): void {
    const held = this.state.get();
    if (held.status === 'signedIn') held.session.stop();
    const session = new SignedIn({ api: this.api, user, storage: this.storage, network: this.network });
    session.start();
    this.state.set({ status: 'signedIn', session });
  }

  private end(): void {
    const held = this.state.get();
    if (held.status === 'signedIn') held.session.stop();
    if (held.status !== 'signedOut') this.state.set({ status: 'signedOut' });
  }
}

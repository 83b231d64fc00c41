import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { createStore } from '../../src/adapters/store/create-store.ts';
import { createDatabase, requirePostgresOrSkip, startPostgres, type PrivatePostgres } from '../support/postgres.ts';
import type { OpenedStore } from './store-contract.ts';

/** A contract suite: `open` gives a fresh, empty, unmigrated store for each test. */
export type StoreContract = (name: string, open: () => Promise<OpenedStore>) => void;

/** Runs `contract` on SQLite: a new database file in a temp dir per test. */
export function onSqlite(contract: StoreContract): void {
  contract('sqlite', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'renraku-store-'));
    const store = await createStore({ dataDir });
    return {
      store,
      cleanup: async () => {
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  });
}

/**
 * Runs `contract` on a private PostgreSQL started for the suite, a new database per test
 * (`<prefix>_<n>`), so tests share nothing whatever order they run in. Without the binaries it
 * is skipped loudly, or fails on CI (requirePostgresOrSkip).
 */
export function onPostgres(suite: string, prefix: string, contract: StoreContract): void {
  describe(suite, requirePostgresOrSkip(suite), () => {
    let server: PrivatePostgres;
    let databases = 0;
    before(async () => {
      server = await startPostgres();
    });
    after(async () => {
      await server?.stop();
    });
    contract('postgres', async () => {
      databases += 1;
      const name = `${prefix}_${databases}`;
      await createDatabase(server.url, name);
      const store = await createStore({ databaseUrl: server.urlFor(name), dataDir: '/nonexistent' });
      return { store, cleanup: () => store.close() };
    });
  });
}

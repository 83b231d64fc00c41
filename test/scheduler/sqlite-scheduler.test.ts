import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '../../src/adapters/store/create-store.ts';
import { schedulerContract } from './scheduler-contract.ts';

// One file per test; each open() is its own better-sqlite3 connection, as separate processes would have.
schedulerContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'renraku-scheduler-'));
  const databaseUrl = `sqlite:${join(dir, 'jobs.sqlite3')}`;
  return {
    open: () => createStore({ databaseUrl, dataDir: dir }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

import { describe } from 'node:test';
import { createStore } from '../../src/adapters/store/create-store.ts';
import { privatePostgresForSuite, requirePostgresOrSkip } from '../support/postgres.ts';
import { schedulerContract } from './scheduler-contract.ts';

const SUITE = 'postgres scheduler contract';

describe(SUITE, requirePostgresOrSkip(SUITE), () => {
  const postgres = privatePostgresForSuite('scheduler');
  // Each open() is its own pool on the test's database, as separate processes would have.
  schedulerContract('postgres', async () => {
    const databaseUrl = await postgres.freshDatabaseUrl();
    return {
      open: () => createStore({ databaseUrl, dataDir: '/nonexistent' }),
      cleanup: async () => {},
    };
  });
});

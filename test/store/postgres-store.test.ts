import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createStore } from '../../src/adapters/store/create-store.ts';
import { createDatabase, requirePostgresOrSkip, startPostgres, type PrivatePostgres } from '../support/postgres.ts';
import { storeContract } from './store-contract.ts';

const SUITE = 'postgres store contract';

describe(SUITE, requirePostgresOrSkip(SUITE), () => {
  let server: PrivatePostgres;
  let databases = 0;

  before(async () => {
    server = await startPostgres();
  });
  after(async () => {
    await server?.stop();
  });

  // A fresh database per test: tests share nothing, whatever order they run in.
  storeContract('postgres', async () => {
    databases += 1;
    const name = `contract_${databases}`;
    await createDatabase(server.url, name);
    const store = await createStore({ databaseUrl: server.urlFor(name), dataDir: '/nonexistent' });
    return { store, cleanup: () => store.close() };
  });
});

describe('requirePostgresOrSkip', () => {
  const missing = { ok: false as const, reason: 'no initdb' };

  it('runs the suite when the binaries are there', () => {
    assert.deepEqual(requirePostgresOrSkip('x', { available: { ok: true }, ci: true }), { skip: false });
  });

  it('fails on CI when they are missing', () => {
    assert.throws(() => requirePostgresOrSkip('pg suite', { available: missing, ci: true }), /PostgreSQL binaries not installed: skipping pg suite.*refused on CI/);
  });

  it('skips loudly elsewhere', (t) => {
    const warn = t.mock.method(console, 'warn', () => {});
    const { skip } = requirePostgresOrSkip('pg suite', { available: missing, ci: false });
    assert.match(String(skip), /^PostgreSQL binaries not installed: skipping pg suite/);
    assert.equal(warn.mock.callCount(), 1);
    assert.match(String(warn.mock.calls[0]?.arguments[0]), /PostgreSQL binaries not installed: skipping pg suite/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requirePostgresOrSkip } from '../support/postgres.ts';
import { onPostgres } from './dialect-suites.ts';
import { storeContract } from './store-contract.ts';

const SUITE = 'postgres store contract';

onPostgres(SUITE, 'contract', storeContract);

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

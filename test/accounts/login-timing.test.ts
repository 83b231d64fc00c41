import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, test } from 'node:test';
import { isAppError } from '../../src/domain/app-error.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/** Sign-ins of each kind, alternating so a busy machine slows both alike. */
const RUNS = 15;

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe('sign-in does the same work for unknown and known accounts', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
  });

  // A check of equal work (the dummy hash runs scrypt in full), not a speed assertion: an
  // early return for unknown emails makes their sign-in ~40 times faster than a known one's.
  test(`the medians of ${RUNS} failed sign-ins each are within a factor of two`, async () => {
    const { user } = await server.signup('Known');
    const time = async (email: string): Promise<number> => {
      const start = performance.now();
      await assert.rejects(server.app.accounts.login(email, 'not the password at all'), (e) => isAppError(e) && e.code === 'invalid_credentials');
      return performance.now() - start;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      known.push(await time(user.email));
      unknown.push(await time(`nobody-${i}@example.test`));
    }
    const ratio = median(unknown) / median(known);
    assert.ok(ratio > 0.5 && ratio < 2, `unknown ${median(unknown).toFixed(1)} ms vs known ${median(known).toFixed(1)} ms (ratio ${ratio.toFixed(2)})`);
  });
});

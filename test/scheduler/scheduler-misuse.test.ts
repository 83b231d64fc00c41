import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import type { JobRepository } from '../../src/scheduler/job-repository.ts';
import { Scheduler } from '../../src/scheduler/scheduler.ts';

/** Misuse is refused before anything reaches the store. */
function scheduler(): Scheduler {
  const jobs = new Proxy({}, { get: () => { throw new Error('the store must not be used'); } }) as JobRepository;
  return new Scheduler({ store: { jobs }, clock: { now: () => 0 }, logger: pino({ level: 'silent' }), nodeId: 'n' });
}

describe('Scheduler misuse', () => {
  it('refuses a second handler for a name, listing those registered', () => {
    const s = scheduler();
    s.register('a', async () => {});
    assert.throws(() => s.register('a', async () => {}), /job "a" already has a handler; registered: a/);
    assert.throws(() => s.register('', async () => {}), /must not be empty/);
  });

  it('refuses every() without a handler, twice for a name, or with a bad schedule', () => {
    const s = scheduler();
    assert.throws(() => s.every('a', '* * * * *'), /job "a" has no handler: register\(\) it before every\(\)/);
    s.register('a', async () => {});
    s.every('a', '* * * * *');
    assert.throws(() => s.every('a', '*/5 * * * *'), /already recurring; recurring: a/);
    s.register('b', async () => {});
    assert.throws(() => s.every('b', '61 * * * *'), /job "b": invalid schedule/);
  });

  it('refuses a one-off job under a recurring name, or a run time that is not epoch ms', async () => {
    const s = scheduler();
    s.register('a', async () => {});
    s.every('a', '* * * * *');
    await assert.rejects(s.schedule('a', 'k', 1), /job "a" is recurring/);
    await assert.rejects(s.schedule('b', 'k', Number.NaN), /runAt must be epoch milliseconds/);
  });

  it('cannot start twice; stop() is idempotent; a stopped scheduler does not tick', async () => {
    const s = scheduler();
    await s.stop();
    await s.stop();
    assert.throws(() => s.start(), /cannot start: it is stopped/);
    await assert.rejects(s.tick(), /stopped/);
  });
});

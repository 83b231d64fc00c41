import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import pino, { type Logger } from 'pino';
import { LIMITS } from '../../src/config/limits.ts';
import type { Clock } from '../../src/domain/clock.ts';
import type { Store } from '../../src/domain/store.ts';
import { HOUSEKEEPING, registerHousekeeping } from '../../src/scheduler/housekeeping.ts';
import type { Claim } from '../../src/scheduler/job-repository.ts';
import type { JobContext } from '../../src/scheduler/job-scheduler.ts';
import { Scheduler } from '../../src/scheduler/scheduler.ts';
import { ManualTime } from '../transport/manual-time.ts';

/** One database several "processes" share: each open() is a new connection (pool) to it. */
export interface SharedDatabase {
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

/** Monday 2026-01-05 09:00:00 UTC: minute- and hour-aligned, so cron times read plainly. */
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** The shared time plus a fixed skew: another node's clock. */
function skewed(time: ManualTime, offsetMs: number): Clock {
  return { now: () => time.now() + offsetMs };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

/** A logger that keeps what it writes, to assert on. */
function capturingLogger(): { logger: Logger; lines: Array<{ level: number; msg: string; [k: string]: unknown }> } {
  const lines: Array<{ level: number; msg: string }> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => { lines.push(JSON.parse(line) as { level: number; msg: string }); } });
  return { logger, lines };
}

/** A tiny deterministic PRNG (LCG), so the race interleaving is the same on every run. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * What every store's jobs must do under the scheduler, on one database shared by several
 * schedulers with their own connections and clocks. Time only moves when a test moves it.
 */
export function schedulerContract(name: string, fresh: () => Promise<SharedDatabase>): void {
  describe(`scheduler contract: ${name}`, () => {
    let database: SharedDatabase;
    let stores: Store[];
    let time: ManualTime;

    beforeEach(async () => {
      database = await fresh();
      stores = [];
      time = new ManualTime(T0);
    });
    afterEach(async () => {
      await Promise.all(stores.map((s) => s.close()));
      await database.cleanup();
    });

    /** A new connection to the shared database, migrated by the first one opened. */
    async function connect(): Promise<Store> {
      const store = await database.open();
      if (stores.length === 0) await store.migrate();
      stores.push(store);
      return store;
    }

    async function node(nodeId: string, opts: { offsetMs?: number; logger?: Logger; store?: Store } = {}) {
      const store = opts.store ?? (await connect());
      const clock = skewed(time, opts.offsetMs ?? 0);
      const scheduler = new Scheduler({ store, clock, logger: opts.logger ?? pino({ level: 'silent' }), nodeId, timers: time });
      return { store, clock, scheduler };
    }

    /** Registers a handler that records each call. */
    function recorder(scheduler: Scheduler, job: string, body: (ctx: JobContext) => Promise<void> = async () => {}) {
      const calls: JobContext[] = [];
      scheduler.register(job, async (ctx) => {
        calls.push(ctx);
        await body(ctx);
      });
      return calls;
    }

    function setTime(at: number): void {
      time.advance(at - time.now());
    }

    describe('one-off jobs', () => {
      it('run once at their time, not before, with their key and payload', async () => {
        const { store, scheduler } = await node('a');
        const calls = recorder(scheduler, 'greet');
        await scheduler.schedule('greet', 'k1', T0 + 5 * SECOND, { n: 1 });

        await scheduler.tick();
        setTime(T0 + 5 * SECOND - 1);
        await scheduler.tick();
        assert.equal(calls.length, 0);

        setTime(T0 + 5 * SECOND);
        await scheduler.tick();
        setTime(T0 + HOUR);
        await scheduler.tick();
        assert.deepEqual(calls, [{ name: 'greet', key: 'k1', payload: { n: 1 }, fireAt: T0 + 5 * SECOND }]);
        const record = await store.jobs.find('greet', 'k1');
        assert.equal(record?.status, 'done');
        assert.equal(record?.attempts, 1);
        assert.equal(record?.claimedBy, null);
        assert.equal(record?.finishedAt, T0 + 5 * SECOND);
      });

      it('scheduling again replaces the due time and payload; after it ran, arms it again', async () => {
        const { scheduler } = await node('a');
        const calls = recorder(scheduler, 'greet');
        await scheduler.schedule('greet', 'k1', T0 + 5 * SECOND, { v: 'first' });
        await scheduler.schedule('greet', 'k1', T0 + 8 * SECOND, { v: 'second' });

        setTime(T0 + 5 * SECOND);
        await scheduler.tick();
        assert.equal(calls.length, 0);
        setTime(T0 + 8 * SECOND);
        await scheduler.tick();
        assert.deepEqual(calls.map((c) => [c.fireAt, c.payload]), [[T0 + 8 * SECOND, { v: 'second' }]]);

        await scheduler.schedule('greet', 'k1', T0 + 20 * SECOND, { v: 'third' });
        setTime(T0 + 20 * SECOND);
        await scheduler.tick();
        assert.deepEqual(calls.map((c) => c.payload), [{ v: 'second' }, { v: 'third' }]);
      });

      it('rescheduled while running: the run in progress does not finish the new version', async () => {
        const { store, scheduler } = await node('a');
        const gate = deferred();
        const entered = deferred();
        const calls = recorder(scheduler, 'greet', async (ctx) => {
          if (ctx.payload.v === 'first') {
            entered.resolve();
            await gate.promise;
          }
        });
        await scheduler.schedule('greet', 'k1', T0, { v: 'first' });
        const ticking = scheduler.tick();
        await entered.promise;
        await scheduler.schedule('greet', 'k1', T0 + SECOND, { v: 'second' });
        gate.resolve();
        await ticking;
        assert.equal((await store.jobs.find('greet', 'k1'))?.status, 'pending');

        setTime(T0 + SECOND);
        await scheduler.tick();
        assert.deepEqual(calls.map((c) => c.payload.v), ['first', 'second']);
        assert.equal((await store.jobs.find('greet', 'k1'))?.status, 'done');
      });

      it('cancel removes a job that has not run; false when there is none', async () => {
        const { scheduler } = await node('a');
        const calls = recorder(scheduler, 'greet');
        await scheduler.schedule('greet', 'k1', T0 + SECOND);
        await scheduler.schedule('greet', 'k2', T0 + SECOND);
        assert.equal(await scheduler.cancel('greet', 'k1'), true);
        assert.equal(await scheduler.cancel('greet', 'k1'), false);
        assert.equal(await scheduler.cancel('greet', 'nope'), false);

        setTime(T0 + SECOND);
        await scheduler.tick();
        assert.deepEqual(calls.map((c) => c.key), ['k2']);
        assert.equal(await scheduler.cancel('greet', 'k2'), false, 'a job that ran is not cancellable');
      });

      it('a burst larger than one claim batch all runs, each once', async () => {
        const { scheduler } = await node('a');
        const calls = recorder(scheduler, 'remind');
        const count = LIMITS.jobClaimBatch * 2 + 3;
        for (let i = 0; i < count; i++) await scheduler.schedule('remind', `r${i}`, T0);
        await scheduler.tick();
        assert.equal(calls.length, count);
        assert.equal(new Set(calls.map((c) => c.key)).size, count);
      });

      it('four schedulers claiming one burst at the same time: each job runs exactly once', async () => {
        const nodes: Array<Awaited<ReturnType<typeof node>>> = [];
        for (const i of [0, 1, 2, 3]) nodes.push(await node(`n${i}`, { offsetMs: i * 500 }));
        const ran: string[] = [];
        for (const n of nodes) n.scheduler.register('remind', async ({ key }) => { ran.push(key); });
        const count = LIMITS.jobClaimBatch * 3;
        await Promise.all(Array.from({ length: count }, (_, i) => nodes[0]!.scheduler.schedule('remind', `r${i}`, T0)));
        await Promise.all(nodes.flatMap((n) => [n.scheduler.tick(), n.scheduler.tick()]));
        assert.equal(ran.length, count);
        assert.equal(new Set(ran).size, count);
      });
    });

    describe('recurring jobs', () => {
      it('two schedulers, clocks 1.5 s apart, racing over 30 s: every second runs exactly once', async () => {
        const a = await node('a');
        const b = await node('b', { offsetMs: 1500 });
        const ran: Array<{ node: string; fireAt: number }> = [];
        for (const [id, n] of [['a', a], ['b', b]] as const) {
          n.scheduler.register('beat', async ({ fireAt, key }) => {
            assert.equal(key, '');
            await Promise.resolve();
            ran.push({ node: id, fireAt });
          });
          n.scheduler.every('beat', '* * * * * *');
        }

        const random = lcg(20_260_105);
        const end = T0 + 30 * SECOND;
        while (time.now() < end) {
          setTime(Math.min(end, time.now() + 200 + Math.floor(random() * 700)));
          // From 10 s to 18 s b is "paused" (a long GC, a slow disk): a alone keeps up.
          const bAwake = time.now() < T0 + 10 * SECOND || time.now() >= T0 + 18 * SECOND;
          const pick = bAwake ? Math.floor(random() * 5) : 0;
          if (pick === 0) await a.scheduler.tick();
          else if (pick === 1) await b.scheduler.tick();
          else if (pick === 2) await Promise.all([a.scheduler.tick(), b.scheduler.tick()]);
          else if (pick === 3) { await a.scheduler.tick(); await b.scheduler.tick(); }
          else { await b.scheduler.tick(); await a.scheduler.tick(); }
        }
        await Promise.all([a.scheduler.tick(), b.scheduler.tick()]);

        const fireTimes = ran.map((r) => r.fireAt).sort((x, y) => x - y);
        assert.equal(new Set(fireTimes).size, fireTimes.length, `an occurrence ran twice: ${fireTimes.map((t) => (t - T0) / SECOND).join(' ')}`);
        const expected = Array.from({ length: (fireTimes.at(-1)! - T0) / SECOND }, (_, i) => T0 + (i + 1) * SECOND);
        assert.deepEqual(fireTimes, expected, 'every second from T0 + 1 s on, none missing');
        assert.ok(fireTimes.at(-1)! >= end, 'kept up to the end');
        assert.ok(ran.some((r) => r.node === 'a') && ran.some((r) => r.node === 'b'), 'both nodes ran some');
      });

      it('starts from now when the store knows no occurrence; after an outage runs only the latest missed one', async () => {
        time = new ManualTime(T0 + 30 * SECOND);
        const first = await node('a');
        const before = recorder(first.scheduler, 'minutely');
        first.scheduler.every('minutely', '* * * * *');
        await first.scheduler.tick();
        assert.equal(before.length, 0, 'T0 passed before the job was registered');
        setTime(T0 + MINUTE);
        await first.scheduler.tick();
        assert.deepEqual(before.map((c) => c.fireAt), [T0 + MINUTE]);
        await first.scheduler.stop();

        // The whole cluster is down for an hour; a new process comes up between two minutes.
        setTime(T0 + HOUR + 30 * SECOND);
        const second = await node('b', { store: first.store });
        const after = recorder(second.scheduler, 'minutely');
        second.scheduler.every('minutely', '* * * * *');
        await second.scheduler.tick();
        assert.deepEqual(after.map((c) => c.fireAt), [T0 + HOUR], 'one run, for the latest occurrence');
      });

      it('follows the time zone: 09:00 in Tokyo is 00:00 UTC', async () => {
        time = new ManualTime(Date.UTC(2026, 0, 4, 23, 0));
        const { scheduler } = await node('a');
        const calls = recorder(scheduler, 'morning');
        scheduler.every('morning', '0 9 * * *', { timezone: 'Asia/Tokyo' });
        setTime(Date.UTC(2026, 0, 5, 0, 0) - 1);
        await scheduler.tick();
        setTime(Date.UTC(2026, 0, 5, 0, 0));
        await scheduler.tick();
        assert.deepEqual(calls.map((c) => c.fireAt), [Date.UTC(2026, 0, 5, 0, 0)]);
      });
    });

    describe('crashes and leases', () => {
      it('an occurrence claimed by a node that died is taken over when the lease ends, not before', async () => {
        const { store, scheduler } = await node('b');
        const calls = recorder(scheduler, 'hourly');
        scheduler.every('hourly', '0 * * * *');
        const fireAt = T0 + HOUR;
        setTime(fireAt);
        const ghost: Claim = { by: 'ghost#1', now: fireAt, leaseUntil: fireAt + LIMITS.jobLeaseMs };
        assert.ok(await store.jobs.claimOccurrence('hourly', fireAt, ghost));

        await scheduler.tick();
        setTime(fireAt + LIMITS.jobLeaseMs - 1);
        await scheduler.tick();
        assert.equal(calls.length, 0, 'the lease still holds');

        setTime(fireAt + LIMITS.jobLeaseMs);
        await scheduler.tick();
        assert.deepEqual(calls.map((c) => c.fireAt), [fireAt]);
        const record = await store.jobs.find('hourly', new Date(fireAt).toISOString());
        assert.equal(record?.status, 'done');
        assert.equal(record?.attempts, 2, 'the dead claim counts as an attempt');
      });

      it('a handler hung on node a: node b takes the job over after the lease; a\'s late outcome changes nothing', async () => {
        const logA = capturingLogger();
        const a = await node('a', { logger: logA.logger });
        const b = await node('b', { offsetMs: -2000 });
        const gate = deferred();
        const entered = deferred();
        const onA = recorder(a.scheduler, 'send', async () => {
          entered.resolve();
          await gate.promise;
        });
        const onB = recorder(b.scheduler, 'send');
        await a.scheduler.schedule('send', 'ann-1', T0);

        const hung = a.scheduler.tick();
        await entered.promise;
        setTime(T0 + 2000 + LIMITS.jobLeaseMs - 1);
        await b.scheduler.tick();
        assert.equal(onB.length, 0, 'b waits for the lease (its clock is 2 s behind)');
        setTime(T0 + 2000 + LIMITS.jobLeaseMs);
        await b.scheduler.tick();
        assert.equal(onB.length, 1);

        gate.resolve();
        await hung;
        assert.equal(onA.length, 1);
        const record = await b.store.jobs.find('send', 'ann-1');
        assert.equal(record?.status, 'done');
        assert.equal(record?.attempts, 2);
        assert.ok(logA.lines.some((l) => /taken over or cancelled/.test(l.msg)), 'a logs that its outcome was not recorded');
      });

      it('a job whose claims keep expiring is recorded as failed, not run forever', async () => {
        const { store, scheduler } = await node('b');
        const calls = recorder(scheduler, 'poison');
        await scheduler.schedule('poison', 'p', T0);
        for (let i = 1; i <= LIMITS.jobMaxAttempts; i++) {
          const claim: Claim = { by: `ghost#${i}`, now: time.now(), leaseUntil: time.now() + LIMITS.jobLeaseMs };
          assert.equal((await store.jobs.claimDue(['poison'], claim, 10)).length, 1);
          setTime(claim.leaseUntil);
        }
        await scheduler.tick();
        assert.equal(calls.length, 0);
        const record = await store.jobs.find('poison', 'p');
        assert.equal(record?.status, 'failed');
        assert.match(record?.lastError ?? '', /no outcome after 5 attempts/);
      });

      it('stop() waits for a handler that finishes within the grace period', async () => {
        const { store, scheduler } = await node('a');
        const gate = deferred();
        const entered = deferred();
        recorder(scheduler, 'send', async () => {
          entered.resolve();
          await gate.promise;
        });
        await scheduler.schedule('send', 'x', T0);
        const ticking = scheduler.tick();
        await entered.promise;
        const stopping = scheduler.stop();
        gate.resolve();
        await stopping;
        await ticking;
        assert.equal((await store.jobs.find('send', 'x'))?.status, 'done');
        await assert.rejects(scheduler.tick(), /stopped/);
      });

      it('stop() releases the claims of handlers still running after the grace period: another node takes over at once', async () => {
        const a = await node('a');
        const b = await node('b');
        const gate = deferred();
        const entered = deferred();
        recorder(a.scheduler, 'send', async () => {
          entered.resolve();
          await gate.promise;
        });
        const onB = recorder(b.scheduler, 'send');
        await a.scheduler.schedule('send', 'x', T0);
        const hung = a.scheduler.tick();
        await entered.promise;

        const stopping = a.scheduler.stop();
        time.advance(LIMITS.jobStopGraceMs);
        await stopping;
        assert.ok(LIMITS.jobStopGraceMs < LIMITS.jobLeaseMs);
        await b.scheduler.tick();
        assert.equal(onB.length, 1, 'taken over without waiting for the lease');
        const record = await b.store.jobs.find('send', 'x');
        assert.equal(record?.status, 'done');
        assert.equal(record?.attempts, 1, 'a released claim gives its attempt back');

        gate.resolve();
        await hung;
        assert.equal((await b.store.jobs.find('send', 'x'))?.status, 'done');
      });

      it('start() polls every jobPollMs with its own timers; stop() ends the polling', async () => {
        const { scheduler } = await node('a');
        const entered = deferred();
        recorder(scheduler, 'greet', async () => entered.resolve());
        await scheduler.schedule('greet', 'k', T0 + LIMITS.jobPollMs);
        scheduler.start();
        // The first poll runs at once and finds nothing; the next is armed when it ends.
        for (let spins = 0; time.pending === 0; spins++) {
          assert.ok(spins < 10_000, 'the next poll was never armed');
          await new Promise((resolve) => setImmediate(resolve));
        }
        time.advance(LIMITS.jobPollMs);
        await entered.promise;
        await scheduler.stop();
        assert.equal(time.pending, 0, 'no timer left behind');
      });
    });

    describe('failures', () => {
      it('a failing handler is retried with backoff, then succeeds', async () => {
        const { store, scheduler } = await node('a');
        let failures = 2;
        const calls = recorder(scheduler, 'flaky', async () => {
          if (failures-- > 0) throw new Error('relay down');
        });
        await scheduler.schedule('flaky', 'f', T0);
        await scheduler.tick();
        assert.equal((await store.jobs.find('flaky', 'f'))?.lastError, 'relay down');
        setTime(T0 + LIMITS.jobRetryBaseMs - 1);
        await scheduler.tick();
        assert.equal(calls.length, 1, 'not before the retry delay');
        setTime(T0 + LIMITS.jobRetryBaseMs);
        await scheduler.tick();
        setTime(T0 + 3 * LIMITS.jobRetryBaseMs);
        await scheduler.tick();
        assert.deepEqual(calls.map((c) => c.fireAt), [T0, T0, T0], 'each attempt sees the occurrence\'s own due time');
        const record = await store.jobs.find('flaky', 'f');
        assert.equal(record?.status, 'done');
        assert.equal(record?.attempts, 3);
        assert.equal(record?.lastError, null);
      });

      it(`a handler failing ${LIMITS.jobMaxAttempts} times is recorded as failed and logged`, async () => {
        const log = capturingLogger();
        const { store, scheduler } = await node('a', { logger: log.logger });
        const calls = recorder(scheduler, 'broken', async () => {
          throw new Error(`boom ${calls.length}`);
        });
        await scheduler.schedule('broken', 'b', T0);
        for (let i = 0; i < 10; i++) {
          await scheduler.tick();
          setTime(time.now() + LIMITS.jobRetryMaxMs);
        }
        assert.equal(calls.length, LIMITS.jobMaxAttempts);
        const record = await store.jobs.find('broken', 'b');
        assert.equal(record?.status, 'failed');
        assert.equal(record?.lastError, `boom ${LIMITS.jobMaxAttempts}`);
        assert.ok(record?.finishedAt);
        const fatal = log.lines.filter((l) => l.level >= 50);
        assert.equal(fatal.length, 1);
        assert.match(fatal[0]!.msg, /recorded as failed/);
        assert.equal(log.lines.filter((l) => l.level === 40).length, LIMITS.jobMaxAttempts - 1, 'each retry is a warning');
      });
    });

    describe('housekeeping', () => {
      it('deletes expired sessions every 15 minutes', async () => {
        const { store, scheduler } = await node('a');
        registerHousekeeping(scheduler, { store, clock: time, logger: pino({ level: 'silent' }) });
        await store.users.create({ id: 'u-1', email: 'a@example.com', name: 'A', password_hash: 'x', created_at: T0 });
        await store.sessions.create({ token_hash: 'old', user_id: 'u-1', created_at: T0, expires_at: T0 + MINUTE });
        await store.sessions.create({ token_hash: 'new', user_id: 'u-1', created_at: T0, expires_at: T0 + HOUR });
        setTime(T0 + 15 * MINUTE);
        await scheduler.tick();
        assert.equal(await store.sessions.deleteExpired(T0 + 15 * MINUTE), 0, 'the job deleted the expired one');
        assert.ok(await store.sessions.findUser('new', T0 + 15 * MINUTE));
        assert.equal((await store.jobs.find(HOUSEKEEPING.sessions.name, new Date(T0 + 15 * MINUTE).toISOString()))?.status, 'done');
      });

      it('prunes old finished rows but keeps pending ones and each recurring job\'s latest occurrence', async () => {
        const { store, scheduler } = await node('a');
        recorder(scheduler, 'once');
        recorder(scheduler, 'hourly');
        scheduler.every('hourly', '0 * * * *');
        await scheduler.schedule('once', 'old', T0);
        await scheduler.schedule('once', 'later', T0 + 10 * HOUR);
        for (const hour of [1, 2, 3]) {
          setTime(T0 + hour * HOUR);
          await scheduler.tick();
        }
        assert.equal(await store.jobs.prune(T0 + 3 * HOUR + 1), 3, 'the one-off and two of three occurrences');
        assert.equal(await store.jobs.find('once', 'old'), undefined);
        assert.equal((await store.jobs.find('once', 'later'))?.status, 'pending');
        assert.equal(await store.jobs.lastOccurrence('hourly'), T0 + 3 * HOUR);
        assert.equal(await store.jobs.find('hourly', new Date(T0 + HOUR).toISOString()), undefined);
      });
    });
  });
}

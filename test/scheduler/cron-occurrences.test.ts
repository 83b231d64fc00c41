import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dueOccurrences, parseCron } from '../../src/scheduler/cron-occurrences.ts';
import { retryDelayMs } from '../../src/scheduler/retry-delay.ts';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

describe('dueOccurrences', () => {
  const everySecond = parseCron('t', '* * * * * *', 'UTC');
  const minutely = parseCron('t', '* * * * *', 'UTC');

  it('lists the occurrences in (after, now], oldest first', () => {
    assert.deepEqual(dueOccurrences(everySecond, T0, T0 + 3 * SECOND, 10 * SECOND), [T0 + SECOND, T0 + 2 * SECOND, T0 + 3 * SECOND]);
    assert.deepEqual(dueOccurrences(everySecond, T0 + 500, T0 + 1500, 10 * SECOND), [T0 + SECOND]);
  });

  it('is empty when nothing came due, or when the clock went back', () => {
    assert.deepEqual(dueOccurrences(minutely, T0, T0 + MINUTE - 1, 10 * SECOND), []);
    assert.deepEqual(dueOccurrences(minutely, T0 + MINUTE, T0, 10 * SECOND), []);
  });

  it('after a gap longer than the catch-up window, keeps only the recent ones', () => {
    assert.deepEqual(
      dueOccurrences(everySecond, T0, T0 + 60 * SECOND, 3 * SECOND),
      [T0 + 58 * SECOND, T0 + 59 * SECOND, T0 + 60 * SECOND],
    );
  });

  it('after an outage with nothing recent, runs only the latest missed occurrence', () => {
    assert.deepEqual(dueOccurrences(minutely, T0, T0 + 90 * MINUTE + 30 * SECOND, 10 * SECOND), [T0 + 90 * MINUTE]);
    const daily = parseCron('t', '0 3 * * *', 'UTC');
    assert.deepEqual(dueOccurrences(daily, T0 - 400 * DAY, T0, 10 * SECOND), [Date.UTC(2026, 0, 5, 3, 0)]);
    const yearly = parseCron('t', '0 0 1 1 *', 'UTC');
    assert.deepEqual(dueOccurrences(yearly, Date.UTC(2024, 5, 1), T0, 10 * SECOND), [Date.UTC(2026, 0, 1)]);
    assert.deepEqual(dueOccurrences(yearly, Date.UTC(2026, 0, 1), T0, 10 * SECOND), [], 'nothing missed since');
  });

  it('follows the time zone, across a daylight-saving change', () => {
    const tokyo = parseCron('t', '0 9 * * *', 'Asia/Tokyo');
    assert.deepEqual(dueOccurrences(tokyo, Date.UTC(2026, 0, 4, 23), Date.UTC(2026, 0, 5, 1), DAY), [Date.UTC(2026, 0, 5, 0)]);
    // 12:00 in Berlin is 11:00 UTC in winter, 10:00 UTC after 29 March 2026.
    const berlin = parseCron('t', '0 12 * * *', 'Europe/Berlin');
    assert.deepEqual(
      dueOccurrences(berlin, Date.UTC(2026, 2, 28, 0), Date.UTC(2026, 2, 30, 0), 3 * DAY),
      [Date.UTC(2026, 2, 28, 11), Date.UTC(2026, 2, 29, 10)],
    );
  });
});

describe('parseCron', () => {
  it('refuses a bad expression or time zone, naming the job and what is valid', () => {
    assert.throws(() => parseCron('digest', 'every day', 'UTC'), /job "digest": invalid schedule "every day".*valid: 5 fields/);
    assert.throws(() => parseCron('digest', '0 9 * * *', 'Mars/Olympus'), /job "digest".*time zone "Mars\/Olympus".*IANA zone/);
  });
});

describe('retryDelayMs', () => {
  it('doubles from the base and stops at the cap', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n, 10, 100)), [10, 20, 40, 80, 100, 100]);
  });
});

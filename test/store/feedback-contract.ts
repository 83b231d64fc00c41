import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Store } from '../../src/domain/store.ts';
import type { JoinRequest } from '../../src/mail/feedback/feedback-repository.ts';
import type { OpenedStore } from './store-contract.ts';

const DAY = 86_400_000;
const POLICY = { minRaiseIntervalMs: DAY, threshold: 2 };

/** The feedback repository's promises, run on every dialect. */
export function feedbackContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`feedback repository (${name})`, () => {
    let opened: OpenedStore;
    let store: Store;
    const T = 1_800_000_000_000;
    beforeEach(async () => {
      opened = await open();
      store = opened.store;
      await store.migrate();
      for (const id of ['U1', 'U2']) await store.users.create({ id, email: `${id}@example.org`, name: id, password_hash: 'x', created_at: T });
      await store.groups.create({ id: 'G1', name: 'G', slug: 'g', created_by: 'U1', created_at: T }, T);
    });
    afterEach(async () => {
      await opened.cleanup();
    });

    const event = (mail: string, at: number, severity: 'hard' | 'soft' = 'hard') => ({ mail_id: mail, outbox_id: 'O1', user_id: 'U1', severity, status: '5.1.1', at });

    test('a DSN raises the score once a day, a re-run changes nothing, the threshold pauses once', async () => {
      const first = await store.feedback.recordDsn(event('M1', T), POLICY);
      assert.deepEqual([first.recorded, first.raised, first.newlyPaused, first.standing.score], [true, true, false, 1]);
      const rerun = await store.feedback.recordDsn(event('M1', T + 2 * DAY), POLICY);
      assert.deepEqual([rerun.recorded, rerun.raised, rerun.standing.score], [false, false, 1]);
      const sameDay = await store.feedback.recordDsn(event('M2', T + DAY - 1), POLICY);
      assert.deepEqual([sameDay.recorded, sameDay.raised, sameDay.standing.score], [true, false, 1]);
      const soft = await store.feedback.recordDsn(event('M3', T + DAY, 'soft'), POLICY);
      assert.deepEqual([soft.raised, soft.newlyPaused, soft.standing.score], [true, false, 1.5]);
      const pausing = await store.feedback.recordDsn(event('M4', T + 2 * DAY, 'soft'), POLICY);
      assert.deepEqual([pausing.raised, pausing.newlyPaused, pausing.standing.score, pausing.standing.paused_at], [true, true, 2, T + 2 * DAY]);
      const after = await store.feedback.recordDsn(event('M5', T + 3 * DAY), POLICY);
      assert.deepEqual([after.raised, after.newlyPaused, after.standing.score], [true, false, 3]);
      assert.deepEqual(await store.feedback.pausedAmong(['U1', 'U2']), new Set(['U1']));
      assert.equal(await store.feedback.decay(T + 100 * DAY), 0, 'a paused member keeps the score');
      assert.equal(await store.feedback.unpause('U1', T + 4 * DAY), true);
      assert.equal(await store.feedback.unpause('U1', T + 4 * DAY), false);
      assert.deepEqual(await store.feedback.pausedAmong(['U1']), new Set());
    });

    test('decay forgets scores not raised since the cutoff', async () => {
      await store.feedback.recordDsn(event('M1', T), POLICY);
      assert.equal(await store.feedback.decay(T - 1), 0);
      assert.equal(await store.feedback.decay(T), 1);
      assert.equal((await store.feedback.standings(['U1']))[0]?.score, 0);
    });

    test('join requests: one open per address and group, found again by mail; moves are conditional', async () => {
      const request = (id: string, mail: string, address = 'New@Example.org'): JoinRequest => ({
        id, group_id: 'G1', address, status: 'unconfirmed', source_mail_id: mail, user_id: null, created_at: T, confirmed_at: null, decided_at: null, decided_by: null,
      });
      const a = await store.feedback.openJoinRequest(request('R1', 'M1'));
      assert.equal(a.created, true);
      const b = await store.feedback.openJoinRequest(request('R2', 'M2', 'new@example.org'));
      assert.deepEqual([b.created, b.request.id], [false, 'R1']);
      assert.equal((await store.feedback.moveJoinRequest('R1', ['pending'], { status: 'joined' })), undefined);
      assert.equal((await store.feedback.moveJoinRequest('R1', ['unconfirmed'], { status: 'rejected', decided_at: T }))?.status, 'rejected');
      const c = await store.feedback.openJoinRequest(request('R3', 'M3'));
      assert.deepEqual([c.created, c.request.id], [true, 'R3'], 'a closed request does not block a new one');
      const d = await store.feedback.openJoinRequest(request('R4', 'M1'));
      assert.deepEqual([d.created, d.request.id], [false, 'R1'], 'the same mail finds its own request');
      assert.deepEqual((await store.feedback.listJoinRequests('G1', 'unconfirmed')).map((r) => r.id), ['R3']);
      assert.equal(await store.feedback.joinsDirectly('G1'), false);
      await store.feedback.setJoinsDirectly('G1', true, T);
      assert.equal(await store.feedback.joinsDirectly('G1'), true);
      await store.feedback.setJoinsDirectly('G1', false, T);
      assert.equal(await store.feedback.joinsDirectly('G1'), false);
    });
  });
}

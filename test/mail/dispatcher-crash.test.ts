import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { LIMITS } from '../../src/config/limits.ts';
import { startSmtpSink } from '../support/smtp-sink.ts';
import { mails, openMailWorld, tally } from './mail-harness.ts';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

function startChild(file: string, relayUrl: string, clockOffsetMs: number): { child: ChildProcess; output: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file, relayUrl, String(clockOffsetMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return { child, output: once(child, 'exit').then(() => out) };
}

test('a dispatcher killed mid-batch and restarted sends every mail exactly once', async () => {
  const world = await openMailWorld(Date.now());
  const sink = await startSmtpSink();
  try {
    await world.outbox.enqueue(mails(100));
    // The relay takes 30 mails, then leaves every later one unanswered: once all three of the
    // child's connections wait on such a mail, each has committed everything it sent before.
    sink.onData = () => (sink.received.length >= 30 ? 'hold' : 'accept');
    const first = startChild(world.file, sink.url, 0);
    await sink.waitForHeld(3, 60_000);
    first.child.kill('SIGKILL');
    await first.output;
    assert.equal(first.child.signalCode, 'SIGKILL');

    const afterKill = await world.store.outbox.countByStatus();
    assert.equal(afterKill.sent, 30, 'every mail the relay accepted was committed as sent before the next send');
    // Batches of 20: the second (rows 21–40) was cut after 10 sent, 3 in flight, 7 not yet tried.
    assert.equal(afterKill.sending, 10, 'the killed dispatcher left the rest of its batch claimed');

    // Restarted with its clock past the dead one's leases (instead of waiting ten minutes).
    sink.onData = () => 'accept';
    const second = startChild(world.file, sink.url, LIMITS.mailLeaseMs + 1000);
    const report = JSON.parse(await second.output) as { sent: number };
    assert.equal(second.child.exitCode, 0);
    assert.equal(report.sent, 70);

    assert.equal(sink.received.length, 100);
    const perRecipient = tally(sink.received.flatMap((m) => m.to));
    assert.deepEqual([...perRecipient.keys()].sort(), mails(100).map((m) => m.to).sort());
    assert.ok([...perRecipient.values()].every((n) => n === 1), 'nobody got a mail twice');
    assert.deepEqual(await world.store.outbox.countByStatus(), { queued: 0, sending: 0, sent: 100, bounced: 0, failed: 0 });
    const retaken = (await world.store.outbox.listByMessageKey('ann:1:send')).filter((r) => r.attempts === 2);
    assert.equal(retaken.length, 10, 'the cut batch was claimed again after its lease, and sent once');
  } finally {
    await sink.close();
    await world.close();
  }
});

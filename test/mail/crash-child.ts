/**
 * A dispatcher in its own process, for the crash test: it drains the outbox of the SQLite
 * file at argv[2] through the relay at argv[3] (3 connections, batches of 20), with its clock
 * set argv[4] ms ahead (so a restart can find the dead one's leases expired without waiting),
 * then prints its report. The test kills it with SIGKILL mid-batch.
 */
import { dirname } from 'node:path';
import { createSmtpTransport } from '../../src/adapters/mail/smtp-transport.ts';
import { createStore } from '../../src/adapters/store/create-store.ts';
import { Dispatcher } from '../../src/mail/dispatcher.ts';
import { VerpAddresses } from '../../src/mail/verp.ts';
import { drain, LIST_DOMAIN, SECRET } from './mail-harness.ts';

const [file, relayUrl, offset] = process.argv.slice(2);
if (file === undefined || relayUrl === undefined || offset === undefined) throw new Error('usage: crash-child.ts <sqlite file> <relay url> <clock offset ms>');
const quiet = () => {};
const store = await createStore({ databaseUrl: `sqlite:${file}`, dataDir: dirname(file) });
const dispatcher = new Dispatcher({
  repository: store.outbox,
  transport: createSmtpTransport({ relayUrl, maxConnections: 3 }),
  verp: new VerpAddresses(SECRET, LIST_DOMAIN),
  clock: { now: () => Date.now() + Number(offset) },
  logger: { info: quiet, warn: quiet, error: quiet },
  limits: { batchSize: 20, concurrency: 3 },
  name: `child-${process.pid}`,
});
const report = await drain(dispatcher);
await dispatcher.stop();
await store.close();
process.stdout.write(JSON.stringify(report));

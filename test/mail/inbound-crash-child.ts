/**
 * The inbound SMTP server in its own process, for the crash test: over the SQLite store in
 * the data dir argv[2], listening on 127.0.0.1:argv[3] for the list domain argv[4], with the
 * real list handler. It kills itself with SIGKILL right after a message is committed and
 * before the 250 is written: the moment the guarantee is about. Prints "ready" once listening.
 */
import pino from 'pino';
import { createStore } from '../../src/adapters/store/create-store.ts';
import { systemClock } from '../../src/domain/clock.ts';
import { IdGenerator } from '../../src/domain/ids.ts';
import { TalkService } from '../../src/domain/talk-service.ts';
import { createMailingList } from '../../src/app/create-mailing-list.ts';
import { InboundSmtpServer } from '../../src/mail/inbound/inbound-smtp-server.ts';
import { Outbox } from '../../src/mail/outbox.ts';
import { MemoryBus, MemoryBusHub } from '../../src/pubsub/memory-bus.ts';
import { PubSub } from '../../src/pubsub/pubsub.ts';
import { Scheduler } from '../../src/scheduler/scheduler.ts';

const [dataDir, port, listDomain] = process.argv.slice(2);
if (dataDir === undefined || port === undefined || listDomain === undefined) throw new Error('usage: inbound-crash-child.ts <data dir> <port> <list domain>');
const logger = pino({ level: 'silent' });
const clock = systemClock;
const ids = new IdGenerator();
const store = await createStore({ dataDir });
const talk = new TalkService({ store, notifier: new PubSub({ bus: new MemoryBus(new MemoryBusHub()), logger }), clock, ids });
const mail = new Outbox({ repository: store.outbox, ids, clock, listDomain });
const scheduler = new Scheduler({ store, clock, logger, nodeId: 'crash-child' });
const lists = createMailingList({ store, talk, mail, scheduler, ids, clock, logger, secret: 'crash-child-secret-at-least-32-characters', listDomain, publicUrl: 'http://localhost', dataDir });
const smtp = new InboundSmtpServer({
  handlers: [lists.handler], repository: store.inbound, ids, clock, logger, maxBytes: 1024 * 1024, hostname: listDomain,
  afterCommit: () => process.kill(process.pid, 'SIGKILL'),
});
await smtp.listen(Number(port), '127.0.0.1');
process.stdout.write('ready\n');

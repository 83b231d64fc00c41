import { onSqlite } from './dialect-suites.ts';
import { outboxContract } from './outbox-contract.ts';

onSqlite(outboxContract);

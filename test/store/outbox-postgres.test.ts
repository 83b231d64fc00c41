import { onPostgres } from './dialect-suites.ts';
import { outboxContract } from './outbox-contract.ts';

onPostgres('postgres outbox repository', 'outbox', outboxContract);

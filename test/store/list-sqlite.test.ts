import { onSqlite } from './dialect-suites.ts';
import { listContract } from './list-contract.ts';

onSqlite(listContract);

import { onPostgres } from './dialect-suites.ts';
import { listContract } from './list-contract.ts';

onPostgres('postgres list and inbound repositories', 'lists', listContract);

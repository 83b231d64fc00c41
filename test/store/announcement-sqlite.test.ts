import { announcementContract } from './announcement-contract.ts';
import { onSqlite } from './dialect-suites.ts';

onSqlite(announcementContract);

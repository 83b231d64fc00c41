import { announcementContract } from './announcement-contract.ts';
import { onPostgres } from './dialect-suites.ts';

onPostgres('postgres announcement repository', 'announcements', announcementContract);

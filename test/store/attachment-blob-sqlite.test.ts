import { attachmentBlobContract } from './attachment-blob-contract.ts';
import { onSqlite } from './dialect-suites.ts';

onSqlite(attachmentBlobContract);

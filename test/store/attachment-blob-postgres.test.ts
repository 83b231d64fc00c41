import { attachmentBlobContract } from './attachment-blob-contract.ts';
import { onPostgres } from './dialect-suites.ts';

onPostgres('postgres attachment bytes', 'blobs', attachmentBlobContract);

import type { Migration, MigrationProvider } from 'kysely';
import { core } from './0001-core.ts';
import { jobs } from './0002-jobs.ts';
import { outbox } from './0003-outbox.ts';
import { announcements } from './0004-announcements.ts';
import { mailingList } from './0005-mailing-list.ts';
import { mailFeedback } from './0006-mail-feedback.ts';
import { attachmentBlobs } from './0007-attachment-blobs.ts';
import { accounts, ACCOUNTS_MIGRATION_NOTE } from './0008-accounts.ts';
import { memberEmailVisibility } from './0009-member-email-visibility.ts';

/**
 * Every migration, in the order it runs (Kysely orders by name, so names start with a
 * zero-padded number). Static rather than read from a folder: the list is fixed at build
 * time and works the same under tsx, a bundle or tests. Add new files; never edit old ones.
 */
const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '0001-core': core,
  '0002-jobs': jobs,
  '0003-outbox': outbox,
  '0004-announcements': announcements,
  '0005-mailing-list': mailingList,
  '0006-mail-feedback': mailFeedback,
  '0007-attachment-blobs': attachmentBlobs,
  '0008-accounts': accounts,
  '0009-member-email-visibility': memberEmailVisibility,
});

export const migrationProvider: MigrationProvider = Object.freeze({
  getMigrations: async (): Promise<Record<string, Migration>> => ({ ...MIGRATIONS }),
});

/** What an operator must be told when a migration runs (printed by `renraku migrate`, logged at start). */
export const MIGRATION_NOTES: Readonly<Record<string, string>> = Object.freeze({
  '0008-accounts': ACCOUNTS_MIGRATION_NOTE,
});

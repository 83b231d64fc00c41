import { Migrator, sql, type Kysely } from 'kysely';
import type { QueryListener, QueryTimer } from './query-timer.ts';
import type { Store } from '../../domain/store.ts';
import { KyselyAccountDataRepository } from './account-data-repository.ts';
import { KyselyAccountTokenRepository } from './account-token-repository.ts';
import { KyselyAnnouncementRepository } from './announcement-repository.ts';
import { AttachmentBlobStorage } from './attachment-blob-storage.ts';
import { KyselyBulkRepository } from './bulk-repository.ts';
import { KyselyFeedbackRepository } from './feedback-repository.ts';
import { KyselyGroupRepository } from './group-repository.ts';
import { KyselyInviteRepository } from './invite-repository.ts';
import { KyselyJobRepository } from './job-repository.ts';
import { KyselyInboundRepository } from './inbound-repository.ts';
import { KyselyListRepository } from './list-repository.ts';
import { KyselyMessageRepository } from './message-repository.ts';
import { migrationProvider } from './migrations/index.ts';
import { KyselyOutboxRepository } from './outbox-repository.ts';
import { KyselyReadMarkerRepository } from './read-marker-repository.ts';
import { KyselyRoomRepository } from './room-repository.ts';
import type { Database } from './schema.ts';
import { KyselySessionRepository } from './session-repository.ts';
import type { StoreDatabase } from './store-database.ts';
import { KyselyUserRepository } from './user-repository.ts';

/** The Store, written once with Kysely for both dialects. Owns the Kysely instance: close() ends it. */
export class KyselyStore implements Store {
  readonly dialect: 'sqlite' | 'postgres';
  readonly sharedAcrossNodes: boolean;
  readonly users: KyselyUserRepository;
  readonly sessions: KyselySessionRepository;
  readonly accountTokens: KyselyAccountTokenRepository;
  readonly accountData: KyselyAccountDataRepository;
  readonly groups: KyselyGroupRepository;
  readonly invites: KyselyInviteRepository;
  readonly rooms: KyselyRoomRepository;
  readonly messages: KyselyMessageRepository;
  readonly reads: KyselyReadMarkerRepository;
  readonly bulk: KyselyBulkRepository;
  readonly announcements: KyselyAnnouncementRepository;
  readonly outbox: KyselyOutboxRepository;
  readonly jobs: KyselyJobRepository;
  readonly lists: KyselyListRepository;
  readonly inbound: KyselyInboundRepository;
  readonly feedback: KyselyFeedbackRepository;
  readonly attachments: AttachmentBlobStorage;
  private readonly db: Kysely<Database>;

  private readonly queries: QueryTimer | undefined;

  constructor(database: StoreDatabase) {
    this.queries = database.queries;
    const { db } = database;
    this.db = db;
    this.dialect = database.dialect;
    this.sharedAcrossNodes = database.sharedAcrossNodes;
    this.users = new KyselyUserRepository(db);
    this.sessions = new KyselySessionRepository(db);
    this.accountTokens = new KyselyAccountTokenRepository(db);
    this.accountData = new KyselyAccountDataRepository(db);
    this.groups = new KyselyGroupRepository(db);
    this.invites = new KyselyInviteRepository(db);
    this.rooms = new KyselyRoomRepository(db);
    this.messages = new KyselyMessageRepository(database);
    this.reads = new KyselyReadMarkerRepository(db);
    this.bulk = new KyselyBulkRepository(database);
    this.announcements = new KyselyAnnouncementRepository(database);
    this.outbox = new KyselyOutboxRepository(database);
    this.jobs = new KyselyJobRepository(database);
    this.lists = new KyselyListRepository(database);
    this.inbound = new KyselyInboundRepository(database);
    this.feedback = new KyselyFeedbackRepository(database);
    this.attachments = new AttachmentBlobStorage(db);
  }

  /** Runs pending migrations in order; on PostgreSQL under Kysely's advisory lock, so two
   *  servers starting together do not both migrate. Throws when one fails. */
  async migrate(): Promise<string[]> {
    const migrator = new Migrator({ db: this.db, provider: migrationProvider });
    const { error, results = [] } = await migrator.migrateToLatest();
    if (error !== undefined) {
      const failed = results.find((r) => r.status === 'Error')?.migrationName ?? '(before any migration ran)';
      throw new Error(`store migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
  }

  observeQueries(listener: QueryListener): void {
    this.queries?.observe(listener);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

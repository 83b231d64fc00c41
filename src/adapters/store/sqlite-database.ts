import { mkdirSync } from 'node:fs';
import { QueryTimer } from './query-timer.ts';
import { dirname, extname } from 'node:path';
import { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { StoreDatabase } from './store-database.ts';
import type { AppendThread } from './append-thread.ts';
import type { MessageColumns } from './message-columns.ts';
import type { SqliteAppendRequest, SqliteAppendResponse, SqliteAppendWorkerData } from './sqlite-append-worker.ts';
import { withStatementCache } from './statement-cache.ts';
import type { Database } from './schema.ts';

/** How long a statement waits for another connection's write lock before SQLITE_BUSY: longer
 *  than any of our transactions, short enough that a stuck lock surfaces as an error. */
const SQLITE_BUSY_TIMEOUT_MS = 5_000;

/** SQLite's default SQLITE_MAX_VARIABLE_NUMBER since 3.32 (better-sqlite3 ships 3.4x). */
const SQLITE_MAX_PARAMETERS = 32_766;

/**
 * The append thread's entry, beside this module with its extension: `.ts` when the sources
 * run under tsx (tests, development), `.js` in the compiled build that `renraku` runs.
 */
const APPEND_WORKER_URL = new URL(`./sqlite-append-worker${extname(new URL(import.meta.url).pathname)}`, import.meta.url);

/**
 * Starts the append thread. Compiled, it runs its `.js` entry with no node options of the main
 * thread (`execArgv: []`): an `--import` given to the process (a loader, the bench's probe) is the
 * main thread's business, and a worker that inherited it would load it without the loader it
 * needs. Under tsx, a worker does not inherit the loader hooks of the thread that starts it, so it
 * registers tsx itself before importing its `.ts` entry.
 */
function startAppendWorker(workerData: SqliteAppendWorkerData): Worker {
  if (!APPEND_WORKER_URL.pathname.endsWith('.ts')) return new Worker(APPEND_WORKER_URL, { workerData, execArgv: [] });
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => {
  tsx.register();
  return import(${JSON.stringify(APPEND_WORKER_URL.href)});
})`;
  return new Worker(boot, { eval: true, workerData });
}

/** A SQLite store database always has a thread for message appends (see sqlite-append-worker.ts). */
export interface SqliteStoreDatabase extends StoreDatabase {
  readonly dialect: 'sqlite';
  readonly appendThread: SqliteAppendThread;
}

/**
 * Opens (creating it and its directory if needed) a SQLite file for the store.
 * WAL lets readers proceed during a write; synchronous=FULL syncs the WAL at every commit,
 * so a message acknowledged after commit survives a power loss, not only a process crash.
 * Kysely drives its connection through a mutex, so its transactions never interleave; they
 * begin IMMEDIATE (statement-cache.ts), so one that reads before it writes waits for the
 * append thread's write lock instead of failing with SQLITE_BUSY_SNAPSHOT.
 */
export function openSqliteDatabase(file: string): SqliteStoreDatabase {
  mkdirSync(dirname(file), { recursive: true });
  const sqlite = new BetterSqlite3(file);
  try {
    const mode: unknown = sqlite.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`SQLite refused journal_mode=WAL for ${file} (got ${String(mode)})`);
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const appends = new SqliteAppendThread({ file: sqlite.name, busyTimeoutMs: SQLITE_BUSY_TIMEOUT_MS });
  const connection = withStatementCache(sqlite);
  const queries = new QueryTimer();
  return {
    db: new Kysely<Database>({
      log: queries.log,
      dialect: new SqliteDialect({
        database: {
          prepare: connection.prepare,
          close: () => {
            appends.close();
            connection.close();
          },
        },
      }),
    }),
    dialect: 'sqlite',
    maxParameters: SQLITE_MAX_PARAMETERS,
    supportsForUpdate: false,
    sharedAcrossNodes: false,
    appendThread: appends,
    queries,
  };
}

type Pending = { resolve: (response: SqliteAppendResponse) => void; reject: (error: unknown) => void };

/**
 * The main thread's side of the append thread: started by warmUp() or the first append, it
 * answers the batches in the order they were sent, and keeps the process alive only while one
 * is unanswered. If the thread dies, the batches it held fail and the next append starts a
 * new one. close() lets it answer what it holds, close its connection and end.
 */
export class SqliteAppendThread implements AppendThread {
  private readonly config: SqliteAppendWorkerData;
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(config: SqliteAppendWorkerData) {
    this.config = config;
  }

  /** Starts the thread unless it runs (or the store is closed). */
  warmUp(): void {
    if (!this.closed) this.worker ??= this.start();
  }

  append(candidates: MessageColumns): Promise<SqliteAppendResponse> {
    if (this.closed) return Promise.reject(new Error('The SQLite store is closed'));
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<SqliteAppendResponse>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, candidates } satisfies SqliteAppendRequest);
    });
  }

  close(): void {
    this.closed = true;
    this.worker?.postMessage('close' satisfies SqliteAppendRequest);
  }

  private start(): Worker {
    const worker = startAppendWorker(this.config);
    worker.unref();
    worker.on('message', (response: SqliteAppendResponse) => {
      const pending = this.pending.get(response.id);
      this.pending.delete(response.id);
      if (this.pending.size === 0) worker.unref();
      pending?.resolve(response);
    });
    worker.on('error', (error) => this.lost(worker, error));
    worker.on('exit', (code) => this.lost(worker, new Error(`The SQLite append thread ended (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private lost(worker: Worker, error: unknown): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

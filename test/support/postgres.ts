import { execFile, execFileSync } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before } from 'node:test';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort, requireServiceOrSkip } from './free-port.ts';

const run = promisify(execFile);

/** A private PostgreSQL server for one test file. */
export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:<port>/<db>`, trust auth, a database created for the caller */
  url: string;
  /** Connection URL of another database on the same server. */
  urlFor(database: string): string;
  /** Stops the server at once (`-m immediate`, as a crash), runs `whileDown`, starts it again on the same port. */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function hasServerBinaries(dir: string): boolean {
  return isExecutable(join(dir, 'initdb')) && isExecutable(join(dir, 'pg_ctl'));
}

/** The bin dir of the newest /usr/lib/postgresql/<version>, else the first PATH entry with both tools. */
function findBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const dir = join(root, version, 'bin');
      if (hasServerBinaries(dir)) return dir;
    }
  }
  return (process.env.PATH ?? '').split(delimiter).find((dir) => dir !== '' && hasServerBinaries(dir));
}

export function postgresAvailable(): { ok: true } | { ok: false; reason: string } {
  return findBinDir() === undefined
    ? { ok: false, reason: 'no initdb/pg_ctl under /usr/lib/postgresql/*/bin or on PATH' }
    : { ok: true };
}

/**
 * The policy for suites that need PostgreSQL, as `describe` options:
 * `describe(name, requirePostgresOrSkip(name), () => …)` (see requireServiceOrSkip).
 */
export function requirePostgresOrSkip(
  suite: string,
  probe: { available: ReturnType<typeof postgresAvailable>; ci: boolean } = { available: postgresAvailable(), ci: process.env.CI === 'true' },
): { skip: string | false } {
  return requireServiceOrSkip('PostgreSQL', suite, probe);
}

/** PostgreSQL refuses to run as root: then the tools run as the `postgres` user. */
function asServerUser(binary: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
}

/**
 * Starts a throwaway PostgreSQL from the installed binaries: a fresh cluster in a temp dir,
 * trust auth, listening on 127.0.0.1 on a free port with its socket inside the temp dir, and
 * fsync off (tests only: the data dies with the dir). `stop()` kills it and removes the dir;
 * a process that exits without calling it still stops the server.
 */
export async function startPostgres(): Promise<PrivatePostgres> {
  const binDir = findBinDir();
  if (binDir === undefined) throw new Error('startPostgres: PostgreSQL binaries not found (see postgresAvailable())');
  const dir = mkdtempSync(join(tmpdir(), 'renraku-pg-'));
  const dataDir = join(dir, 'data');
  const pgCtl = join(binDir, 'pg_ctl');
  if (process.getuid?.() === 0) {
    execFileSync('chown', ['postgres:', dir]);
    chmodSync(dir, 0o700);
  }
  const stopNow = (): void => {
    try {
      const [cmd, args] = asServerUser(pgCtl, ['stop', '-D', dataDir, '-m', 'immediate', '-w']);
      execFileSync(cmd, args, { stdio: 'ignore' });
    } catch {
      // not running
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopNow);
  try {
    const port = await freePort();
    await run(...asServerUser(join(binDir, 'initdb'), [
      '-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C',
    ]));
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    await run(...asServerUser(pgCtl, ['start', '-D', dataDir, '-l', join(dir, 'server.log'), '-w', '-o', options]));
    const urlFor = (database: string): string => `postgres://postgres@127.0.0.1:${port}/${database}`;
    await createDatabase(urlFor('postgres'), 'renraku_test');
    return {
      url: urlFor('renraku_test'),
      urlFor,
      restart: async (whileDown) => {
        await run(...asServerUser(pgCtl, ['stop', '-D', dataDir, '-m', 'immediate', '-w']));
        await whileDown?.();
        await run(...asServerUser(pgCtl, ['start', '-D', dataDir, '-l', join(dir, 'server.log'), '-w', '-o', options]));
      },
      stop: async () => {
        process.removeListener('exit', stopNow);
        try {
          await run(...asServerUser(pgCtl, ['stop', '-D', dataDir, '-m', 'immediate', '-w']));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    process.removeListener('exit', stopNow);
    stopNow();
    throw error;
  }
}

/** Creates `name` (an identifier made of [a-z0-9_]) through the admin database at `adminUrl`. */
export async function createDatabase(adminUrl: string, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`createDatabase: "${name}" is not a plain identifier`);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
}

/**
 * For a `describe` body: a private server started before the suite and stopped after it, and
 * a fresh, empty database per `freshDatabaseUrl()` call, so tests share nothing whatever
 * order they run in.
 */
export function privatePostgresForSuite(prefix: string): { freshDatabaseUrl(): Promise<string> } {
  let server: PrivatePostgres | undefined;
  let databases = 0;
  before(async () => {
    server = await startPostgres();
  });
  after(async () => {
    await server?.stop();
  });
  return {
    async freshDatabaseUrl() {
      if (server === undefined) throw new Error('privatePostgresForSuite: no server yet; call freshDatabaseUrl() from a test or hook');
      databases += 1;
      const name = `${prefix}_${databases}`;
      await createDatabase(server.url, name);
      return server.urlFor(name);
    },
  };
}

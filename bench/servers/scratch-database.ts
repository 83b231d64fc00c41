import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loopbackUrl } from '../core/loopback.ts';

/**
 * A PostgreSQL database made for one run and dropped after it, on a loopback server (the
 * machine's own, `postgres://postgres@127.0.0.1:5432/postgres` by default), so runs never see
 * each other's rows.
 */
export class ScratchDatabase {
  private constructor(
    private readonly adminUrl: string,
    readonly name: string,
    readonly url: string,
  ) {}

  static async create(adminUrl: string): Promise<ScratchDatabase> {
    loopbackUrl(adminUrl);
    // Two runs of one process may start in the same millisecond (the smoke test runs scenarios side by side).
    const name = `renraku_bench_${process.pid}_${Date.now()}_${randomBytes(4).toString('hex')}`;
    await ScratchDatabase.admin(adminUrl, `CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return new ScratchDatabase(adminUrl, name, url.toString());
  }

  drop(): Promise<void> {
    return ScratchDatabase.admin(this.adminUrl, `DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`);
  }

  private static async admin(adminUrl: string, sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}

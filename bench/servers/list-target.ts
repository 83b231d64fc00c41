import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '../../src/adapters/store/create-store.ts';
import { listAddress } from '../../src/lists/list-address.ts';
import type { ListRecipient } from '../../src/lists/types.ts';
import type { Store } from '../../src/domain/store.ts';
import { freePort } from '../core/free-port.ts';
import { loopbackUrl } from '../core/loopback.ts';
import { RENRAKU_START, REPO_ROOT, isSeed, runSeedCommand } from './renraku-target.ts';
import { ScratchDatabase } from './scratch-database.ts';
import { ServerProcess } from './server-process.ts';
import type { StoreKind } from './target.ts';

/** The list domain of the run: never a real one, the mail only ever goes to the local sink. */
export const BENCH_LIST_DOMAIN = 'lists.bench.test';

/** A Renraku with inbound SMTP on, relaying to a sink, and one group of `members` as a list. */
export interface ListTarget {
  readonly server: ServerProcess;
  readonly smtpPort: number;
  readonly groupId: string;
  /** `<slug>@lists.bench.test` */
  readonly listAddress: string;
  /** the group's owner (the seed's first user): an owner's post is published at once */
  readonly poster: ListRecipient;
  /** every member, the poster included, with their address and list choices */
  readonly recipients: readonly ListRecipient[];
  /** the same store the server uses, opened by the harness to see when a post reached the app */
  readonly store: Store;
  stop(): Promise<void>;
}

/**
 * Seeds `members` users into one group with `renraku seed` (no passwords; addresses
 * `bench-<tag>-<i>@example.invalid`, delivery *each* and self-copy on by default), reads the
 * group's slug and the members' addresses back through the store, then starts
 * `renraku start` with inbound SMTP on a free loopback port and `RENRAKU_SMTP_RELAY_URL` the
 * sink. Seeding before the start leaves the server's memory and caches untouched by it.
 */
export async function startListTarget(opts: { members: number; store: StoreKind; postgresUrl: string; relayUrl: string }): Promise<ListTarget> {
  loopbackUrl(opts.relayUrl);
  const dir = await mkdtemp(join(tmpdir(), 'renraku-bench-mail-'));
  let db: ScratchDatabase | null = null;
  let store: Store | undefined;
  let server: ServerProcess | undefined;
  const stop = async () => {
    await server?.stop();
    await store?.close().catch(() => undefined);
    await db?.drop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    db = opts.store === 'postgres' ? await ScratchDatabase.create(opts.postgresUrl) : null;
    const [httpPort, smtpPort] = [await freePort(), await freePort()];
    const env: Record<string, string> = {
      RENRAKU_HOST: '127.0.0.1',
      RENRAKU_HTTP_PORT: String(httpPort),
      RENRAKU_DATA_DIR: dir,
      RENRAKU_SMTP_PORT: String(smtpPort),
      RENRAKU_SMTP_RELAY_URL: opts.relayUrl,
      RENRAKU_LIST_DOMAIN: BENCH_LIST_DOMAIN,
      RENRAKU_LOG_LEVEL: 'warn',
      ...(db ? { RENRAKU_DATABASE_URL: db.url } : {}),
    };
    const out = join(dir, 'seed.json');
    const seeded = await runSeedCommand(env, { users: opts.members, rooms: 1, membersPerRoom: 1 }, out);
    if (!seeded.ok) throw new Error(`renraku seed failed:\n${seeded.output}`);
    const seed: unknown = JSON.parse(await readFile(out, 'utf8'));
    if (!isSeed(seed)) throw new Error(`renraku seed wrote an unexpected shape to ${out}`);

    store = await createStore({ databaseUrl: db?.url ?? '', dataDir: dir });
    const group = await store.groups.findById(seed.group_id);
    if (group === undefined) throw new Error(`renraku seed's group ${seed.group_id} is not in the store`);
    const recipients = await store.lists.listRecipients(group.id);
    const ownerId = seed.users[0]?.id;
    const poster = recipients.find((r) => r.user_id === ownerId);
    if (poster === undefined) throw new Error('the seeded owner is not a member of the seeded group');

    server = await ServerProcess.start({ name: 'renraku', args: [...RENRAKU_START], env, port: httpPort, cwd: REPO_ROOT });
    return { server, smtpPort, groupId: group.id, listAddress: listAddress(group.slug, BENCH_LIST_DOMAIN), poster, recipients, store, stop };
  } catch (e) {
    const log = server?.log();
    await stop();
    throw log ? new Error(`${e instanceof Error ? e.message : String(e)}\n--- renraku output ---\n${log}`) : e;
  }
}

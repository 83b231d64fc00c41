import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Histogram } from '../core/histogram.ts';
import { BENCH_LIMITS } from '../core/limits.ts';
import { RESULTS_DIR } from '../core/results.ts';
import { freePort } from '../core/free-port.ts';
import { loopbackUrl } from '../core/loopback.ts';
import type { OptionSpecs, Options } from '../core/options.ts';
import { rangeCount } from '../core/seq-ranges.ts';
import { Fleet, workersFor } from '../load/fleet.ts';
import type { ClientSpec, OpenResult, PublishJob } from '../load/worker-api.ts';
import type { ProbeSample } from '../servers/probe-api.ts';
import { RedisProcess, procRssBytes } from '../servers/redis-process.ts';
import { REPO_ROOT, RENRAKU_START, UNLIMITED_MESSAGES, isSeed, runSeedCommand } from '../servers/renraku-target.ts';
import { ScratchDatabase } from '../servers/scratch-database.ts';
import { roomTopic, type Seed } from '../servers/seed.ts';
import { ServerProcess } from '../servers/server-process.ts';
import { clientKindOf } from '../load/client-socket.ts';
import { LOAD_OPTIONS } from './common-options.ts';
import { Problems, round, type RunRecord } from './run-record.ts';
import { defineScenario } from './scenario.ts';

const cpu = (s: ProbeSample) => s.cpuUserUs + s.cpuSystemUs;

/** One Renraku node of the cluster, the clients connected to it and the fleet driving them. */
interface Node {
  server: ServerProcess;
  /** this node's clients, re-indexed 0… (a fleet's index picks its worker and source port) */
  clients: ClientSpec[];
  /** global seed index → index within this node's fleet */
  local: Map<number, number>;
  fleet?: Fleet;
  before?: ProbeSample;
}

/** Which node client `i` connects to: round robin. */
const nodeOf = (i: number, nodes: number) => i % nodes;

const CLUSTER_OPTIONS = {
  ...LOAD_OPTIONS,
  nodes: { kind: 'int', default: 6, doc: 'Renraku processes (each under the 20,000-open-files limit)' },
  connections: { kind: 'int', default: 100_000, doc: 'connections over all nodes (one user each)' },
  members: { kind: 'int', default: 100, doc: 'members per room' },
  rooms: { kind: 'int', default: 0, doc: 'rooms (0: connections ÷ members, every user in one room)' },
  rate: { kind: 'number', default: 500, doc: 'messages per second over all rooms' },
  duration: { kind: 'number', default: 20, doc: 'seconds of publishing' },
  'redis-server': { kind: 'string', default: 'redis-server', doc: 'the redis-server binary to start a private Redis with' },
} as const satisfies OptionSpecs;

/**
 * `cluster`: N Renraku nodes on this machine sharing one PostgreSQL database (a scratch one)
 * and a private `redis-server`; C connections spread round robin over the nodes, R rooms × S
 * members; each room's publisher is a member connected to node 1, so every other node gets its
 * messages over Redis. A fixed total rate for D seconds: cross-node latency (deliveries on
 * nodes 2…N) and local latency (node 1), missing and duplicated, memory per connection of each
 * node (RSS after a full GC, through the probe), Redis CPU per message and share of a core.
 */
export const clusterScenario = defineScenario({
  name: 'cluster',
  summary: 'chat with publishers on node 1 and subscribers on the other nodes over Redis: memory per connection, Redis CPU, cross-node latency',
  options: CLUSTER_OPTIONS,
  async run(o) {
    const nodes = o.nodes;
    const rooms = o.rooms > 0 ? o.rooms : Math.floor(o.connections / o.members);
    if (nodes < 2) throw new Error('--nodes must be at least 2 (publishers on node 1, subscribers on the others)');
    if (rooms * o.members > o.connections) throw new Error(`${rooms} rooms × ${o.members} members needs ${rooms * o.members} connections, got ${o.connections}`);
    if (!(o.rate > 0) || !(o.duration > 0)) throw new Error('--rate and --duration want positive numbers');
    if (o.profile) throw new Error('cluster: --profile is not supported yet (it profiles one server; this scenario runs several)');
    const perNode = Math.ceil(o.connections / nodes);
    if (perNode > 19_000) throw new Error(`${perNode} connections per node is above what one process can hold (open files 20,000): use more --nodes`);
    loopbackUrl(o['postgres-url']);

    const secret = randomBytes(32).toString('base64url');
    const dirs: string[] = [];
    const cleanup: (() => Promise<void>)[] = [];
    const list: Node[] = [];
    let redis: RedisProcess | undefined;
    try {
      const db = await ScratchDatabase.create(o['postgres-url']);
      cleanup.push(() => db.drop().catch(() => undefined));
      redis = await RedisProcess.start(o['redis-server']);
      const shared = {
        RENRAKU_HOST: '127.0.0.1',
        RENRAKU_SECRET: secret,
        RENRAKU_DATABASE_URL: db.url,
        RENRAKU_REDIS_URL: redis.url,
        RENRAKU_SMTP_PORT: '0',
        RENRAKU_LOG_LEVEL: 'warn',
        RENRAKU_MESSAGE_RATE: UNLIMITED_MESSAGES,
        RENRAKU_MESSAGE_BURST: UNLIMITED_MESSAGES,
        // The bench seeds and signs in hundreds of people from this one address.
        RENRAKU_THROTTLE_EXEMPT: '127.0.0.1',
      };
      const seedDir = await mkdtemp(join(tmpdir(), 'renraku-bench-seed-'));
      dirs.push(seedDir);
      // seeding migrates the database, so the nodes start on a ready schema
      const out = join(seedDir, 'seed.json');
      const seeded = await runSeedCommand({ ...shared, RENRAKU_DATA_DIR: seedDir }, { users: o.connections, rooms, membersPerRoom: o.members }, out);
      if (!seeded.ok) throw new Error(`renraku seed failed:\n${seeded.output}`);
      const seed: unknown = JSON.parse(await readFile(out, 'utf8'));
      if (!isSeed(seed)) throw new Error(`renraku seed wrote an unexpected shape to ${out}`);

      const startNode = async (n: number): Promise<ServerProcess> => {
        const dir = await mkdtemp(join(tmpdir(), `renraku-bench-node${n + 1}-`));
        dirs.push(dir);
        const port = await freePort();
        const server = await ServerProcess.start({
          name: `renraku node ${n + 1}`,
          args: [...RENRAKU_START],
          env: { ...shared, RENRAKU_HTTP_PORT: String(port), RENRAKU_DATA_DIR: dir, RENRAKU_PUBLIC_URL: `http://127.0.0.1:${port}` },
          port,
          cwd: REPO_ROOT,
        });
        cleanup.push(() => server.stop());
        return server;
      };
      const servers = await Promise.all(Array.from({ length: nodes }, (_, n) => startNode(n)));
      for (const server of servers) list.push({ server, clients: [], local: new Map() });
      return { runs: [await measure(o, seed, list, redis, rooms)], save: true };
    } catch (e) {
      const logs = list.filter((n) => n.server.exited).map((n) => `--- ${n.server.name} output ---\n${n.server.log()}`);
      if (logs.length === 0) throw e;
      throw new Error(`${e instanceof Error ? e.message : String(e)}\n${logs.join('\n')}`);
    } finally {
      await Promise.all(list.map((n) => n.fleet?.close()));
      for (const step of cleanup.reverse()) await step();
      await redis?.stop();
      for (const d of dirs) await rm(d, { recursive: true, force: true });
    }
  },
});

type ClusterOptions = Options<typeof CLUSTER_OPTIONS>;

async function measure(o: ClusterOptions, seed: Seed, list: Node[], redis: RedisProcess, rooms: number): Promise<RunRecord> {
  const nodes = list.length;
  const first = list[0] as Node;
  // clients: round robin over the nodes; every room's publisher is a member on node 1
  seed.users.forEach((u, i) => {
    const node = list[nodeOf(i, nodes)] as Node;
    node.local.set(i, node.clients.length);
    node.clients.push({ index: node.clients.length, token: u.socket_token, topics: [] });
  });
  const jobs: PublishJob[] = [];
  for (const room of seed.rooms) {
    const topic = roomTopic(room.id);
    for (const i of room.members) {
      const node = list[nodeOf(i, nodes)] as Node;
      node.clients[node.local.get(i) as number]?.topics.push(topic);
    }
    const publisher = room.members.find((i) => nodeOf(i, nodes) === 0);
    if (publisher === undefined) throw new Error(`room ${room.id} has no member on node 1 to publish from`);
    jobs.push({ client: first.local.get(publisher) as number, topic, count: 0, durationMs: o.duration * 1000, ratePerSec: o.rate / rooms, window: 0, bodyBytes: o['body-bytes'] });
  }
  // baselines: memory after a full GC before the first connect
  for (const node of list) node.before = await node.server.sample(true);
  for (const [k, node] of list.entries()) {
    const client = clientKindOf(o.client);
    const workers = workersFor(node.clients.length, o.workers, client);
    node.fleet = await Fleet.start({ workers, wire: 'phoenix', client, base: `ws://127.0.0.1:${node.server.port}`, profileDir: o['profile-clients'] ? join(RESULTS_DIR, 'profiles', `clients-cluster-node${k + 1}-${Date.now()}`) : null });
  }
  const fleets = list.map((n) => n.fleet as Fleet);
  // node after node: six nodes joining at once on a 2-core machine each fall below the
  // harness's minimum join rate per worker; one at a time each gets the machine
  const t0 = Date.now();
  const opens: OpenResult[] = [];
  for (const [k, n] of list.entries()) opens.push(await (fleets[k] as Fleet).open(n.clients, o.concurrency));
  const joinSeconds = (Date.now() - t0) / 1000;
  const settled = await Promise.all(fleets.map((f) => f.settle()));
  const after = await Promise.all(list.map((n) => n.server.sample(true)));

  // the publish phase
  const statsBefore = await Promise.all(fleets.map((f) => f.stats(true)));
  const cpuBefore = await Promise.all(list.map((n) => n.server.sample(false)));
  const redisBefore = redis.cpuUs();
  const pub = await (first.fleet as Fleet).publish(jobs);
  const expected = opens.map((open) => Object.entries(pub.seqs).reduce((sum, [topic, ranges]) => sum + rangeCount(ranges) * (open.topics[topic]?.members ?? 0), 0));
  const drains = await Promise.all(fleets.map((f, k) => f.drain(expected[k] as number)));
  const redisAfter = redis.cpuUs();
  const cpuAfter = await Promise.all(list.map((n) => n.server.sample(false)));
  const stats = await Promise.all(fleets.map((f) => f.stats(true)));
  const verifies = await Promise.all(fleets.map((f) => f.verify(pub.seqs)));
  const redisRss = procRssBytes(redis.pid);

  const deliveries = drains.reduce((n, d) => n + d.deliveries, 0);
  const lastUs = Math.max(pub.lastAckUs, ...drains.map((d) => d.lastDeliveryUs));
  // no acknowledged push: no span to divide by, the rates below are null
  const seconds = pub.acked > 0 && pub.firstSendUs > 0 ? Math.max(1e-6, (lastUs - pub.firstSendUs) / 1e6) : NaN;
  const cross = Histogram.from(stats.slice(1).map((s) => s.latency)).percentiles();
  const local = Histogram.from([(stats[0] as (typeof stats)[number]).latency]).percentiles();
  const redisCpuUs = redisBefore !== null && redisAfter !== null ? redisAfter - redisBefore : null;
  const nodeCpuUs = cpuAfter.reduce((n, s, k) => n + cpu(s) - cpu(cpuBefore[k] as ProbeSample), 0);
  const memKb = list.map((n, k) => ((after[k] as ProbeSample).rss - (n.before as ProbeSample).rss) / 1024 / Math.max(1, (opens[k] as OpenResult).joined));
  const heapKb = list.map((n, k) => ((after[k] as ProbeSample).heapUsed - (n.before as ProbeSample).heapUsed) / 1024 / Math.max(1, (opens[k] as OpenResult).joined));
  const joined = opens.reduce((n, r) => n + r.joined, 0);
  const totalRssDelta = list.reduce((n, node, k) => n + (after[k] as ProbeSample).rss - (node.before as ProbeSample).rss, 0);

  const problems = new Problems();
  const failed = opens.reduce((n, r) => n + r.failed, 0);
  problems.none(failed, `connections failed: ${JSON.stringify(opens.map((r) => r.errors))}`);
  problems.none(pub.sent - pub.acked, `pushes not acknowledged (${JSON.stringify(pub.errors)}, ${pub.timeouts} timed out)`);
  const missing = verifies.reduce((n, v) => n + v.missing, 0);
  const duplicated = verifies.reduce((n, v) => n + v.duplicates, 0);
  problems.none(missing, 'deliveries missing');
  problems.none(duplicated, 'deliveries duplicated');
  drains.forEach((d, k) => {
    if (!d.complete) problems.add(`node ${k + 1}: drain incomplete after ${BENCH_LIMITS.drainIdleMs} ms without progress: ${d.deliveries} of ${expected[k]} deliveries`);
  });
  const dropped = stats.reduce((n, s) => n + Object.values(s.dropped).reduce((a, b) => a + b, 0), 0);
  problems.none(dropped, 'connections dropped by a node');
  if (settled.some((s) => !s.quiet)) problems.add('presence traffic had not settled before memory was sampled');

  const perNode: Record<string, number | null> = {};
  list.forEach((_, k) => {
    perNode[`node${k + 1}_conns`] = (opens[k] as OpenResult).joined;
    perNode[`node${k + 1}_mem_per_conn_kb`] = round(memKb[k], 1);
  });
  return {
    scenario: 'cluster',
    server: 'renraku',
    params: { store: 'postgres', client: o.client, nodes, connections: o.connections, rooms, members: o.members, rate: o.rate, duration_s: o.duration },
    metrics: {
      joined,
      joins_per_s: round(joined / joinSeconds, 0),
      mem_per_conn_kb: round(totalRssDelta / 1024 / Math.max(1, joined), 1),
      mem_per_conn_kb_max: round(Math.max(...memKb), 1),
      heap_per_conn_kb: round(heapKb.reduce((a, b) => a + b, 0) / heapKb.length, 1),
      ...perNode,
      messages: pub.acked,
      deliveries_per_s: round(deliveries / seconds, 0),
      cross_p50_ms: cross.p50_ms,
      cross_p99_ms: cross.p99_ms,
      cross_max_ms: cross.max_ms,
      local_p50_ms: local.p50_ms,
      local_p99_ms: local.p99_ms,
      ack_p99_ms: Histogram.from([pub.ackLatency]).percentiles().p99_ms,
      redis_cpu_us_per_msg: redisCpuUs === null || pub.acked === 0 ? null : round(redisCpuUs / pub.acked, 1),
      redis_cpu_ms: redisCpuUs === null ? null : round(redisCpuUs / 1000, 0),
      redis_cpu_pct: redisCpuUs === null ? null : round((redisCpuUs / (seconds * 1e6)) * 100, 1),
      redis_rss_mb: redisRss === null ? null : round(redisRss / 1024 / 1024, 1),
      nodes_cpu_us_per_delivery: deliveries > 0 ? round(nodeCpuUs / deliveries, 2) : null,
      client_cpu_us_per_delivery: deliveries > 0 ? round(stats.reduce((n, s, k) => n + s.cpuUs - (statsBefore[k] as (typeof stats)[number]).cpuUs, 0) / deliveries, 2) : null,
      missing,
      duplicated,
    },
    ok: problems.list.length === 0,
    problems: problems.list,
  };
}

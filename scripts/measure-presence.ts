// Measures presence replication over a real Redis (the figures in docs/architecture.md):
// Redis commands per join, bytes on the bus, time until every node lists a join storm, and
// replica memory per presence. Starts a private redis-server; three nodes in this process.
//   node --import tsx scripts/measure-presence.ts [joins=10000]
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { systemClock, systemTimers } from '../src/domain/clock.ts';
import { PresenceReplication } from '../src/presence/presence-replication.ts';
import { PresenceTracker } from '../src/presence/presence-tracker.ts';
import { RedisBus } from '../src/pubsub/redis-bus.ts';
import { startRedis } from '../test/support/redis.ts';

const joins = Number(process.argv[2] ?? 10_000);
const redis = await startRedis();
const admin = new Redis(redis.url);

async function node(name: string, onKeys: (topic: string, count: number) => void) {
  const bus = await RedisBus.connect({ url: redis.url, nodeId: name });
  const replication: PresenceReplication = new PresenceReplication({
    bus, nodeId: name, clock: systemClock, timers: systemTimers,
    localSnapshot: () => tracker.snapshot(),
    onRemoteDiff: (topic) => onKeys(topic, Object.keys(replication.list(topic)).length),
  });
  const tracker = new PresenceTracker({ timers: systemTimers, remote: replication, show: () => {}, replicate: (topic, diff) => replication.publishLocal(topic, diff) });
  await replication.start();
  return { bus, tracker, replication };
}

async function commandStats(): Promise<{ publish: number; total: number; netIn: number }> {
  const info = await admin.info('all');
  const publish = Number(/cmdstat_publish:calls=(\d+)/.exec(info)?.[1] ?? 0);
  const total = [...info.matchAll(/cmdstat_\w+:calls=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
  const netIn = Number(/total_net_input_bytes:(\d+)/.exec(info)?.[1] ?? 0);
  return { publish, total, netIn };
}

let seen = 0;
let converged: () => void = () => {};
const done = new Promise<void>((resolve) => (converged = resolve));
const watch = (topic: string, count: number) => {
  if (topic === 'room:storm' && count === joins && ++seen === 2) converged();
};
const a = await node('A', () => {});
const b = await node('B', watch);
const c = await node('C', watch);
await new Promise((resolve) => setTimeout(resolve, 1500)); // let the start-up state exchange settle
const heapBefore = (globalThis.gc?.(), process.memoryUsage().heapUsed);
await admin.config('RESETSTAT');
const before = await commandStats();

const t0 = performance.now();
for (let i = 0; i < joins; i++) a.tracker.track('room:storm', `user-${i}`, { online_at: Date.now(), name: `User ${i}` });
await done;
const convergeMs = performance.now() - t0;
const storm = await commandStats();

// Steady joins: one every 2 ms into 100 rooms, as people open the app.
const steady = 1000;
for (let i = 0; i < steady; i++) {
  a.tracker.track(`room:${i % 100}`, `steady-${i}`, {});
  await new Promise((resolve) => setTimeout(resolve, 2));
}
await new Promise((resolve) => setTimeout(resolve, 200));
const after = await commandStats();
globalThis.gc?.();
const heapAfter = process.memoryUsage().heapUsed;

console.log(JSON.stringify({
  joins_in_storm: joins,
  storm: { redis_commands: storm.total - before.total, publishes: storm.publish - before.publish, bytes_to_redis: storm.netIn - before.netIn, converge_ms: Math.round(convergeMs) },
  steady: { joins: steady, redis_commands: after.total - storm.total, publishes: after.publish - storm.publish, commands_per_join: (after.total - storm.total) / steady },
  heartbeats_per_node_per_s: 1,
  replica_heap_bytes_per_presence_3_nodes_in_one_process: Math.round((heapAfter - heapBefore) / (joins + steady) / 3),
}, null, 2));

for (const n of [a, b, c]) {
  await n.replication.stop();
  await n.bus.close();
}
admin.disconnect();
await redis.stop();

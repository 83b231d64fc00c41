import { loadConfig } from '../config/config.ts';
import type { NodeInfo } from '../cluster/node-directory.ts';
import { RedisNodeDirectory } from '../cluster/redis-node-directory.ts';

/** `renraku nodes [--json]`: the live members of the cluster, from the registry in Redis. */
export async function nodesCommand(args: string[]): Promise<number> {
  const unknown = args.filter((a) => a !== '--json');
  if (unknown.length > 0) {
    console.error(`renraku nodes: unknown option ${unknown[0]}; the only option is --json`);
    return 64; // EX_USAGE
  }
  const config = loadConfig();
  if (config.redisUrl === '') {
    console.error('renraku nodes: RENRAKU_REDIS_URL is not set: this is a single node, not a cluster');
    return 1;
  }
  const directory = await RedisNodeDirectory.connect(config.redisUrl);
  try {
    const nodes = await directory.list();
    console.log(args.includes('--json') ? JSON.stringify(nodes, null, 2) : formatNodes(nodes, Date.now()));
    return 0;
  } finally {
    await directory.close();
  }
}

/** A table, oldest node first: id, address, start time (UTC), uptime, connections, last heartbeat. */
export function formatNodes(nodes: NodeInfo[], now: number): string {
  if (nodes.length === 0) return 'no live nodes';
  const rows = [...nodes]
    .sort((a, b) => a.started_at - b.started_at || a.id.localeCompare(b.id))
    .map((n) => [n.id, n.address, new Date(n.started_at).toISOString(), duration(now - n.started_at), String(n.connections), `${Math.max(0, now - n.heartbeat_at)} ms ago`]);
  const table = [['NODE', 'ADDRESS', 'STARTED', 'UP', 'CONNECTIONS', 'HEARTBEAT'], ...rows];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const lines = table.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
  return `${lines.join('\n')}\n${nodes.length} live node${nodes.length === 1 ? '' : 's'}`;
}

function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const [d, h, m] = [Math.floor(s / 86_400), Math.floor((s % 86_400) / 3600), Math.floor((s % 3600) / 60)];
  return d > 0 ? `${d}d${h}h` : h > 0 ? `${h}h${m}m` : m > 0 ? `${m}m${s % 60}s` : `${s}s`;
}

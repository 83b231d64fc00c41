import { Redis } from 'ioredis';
import { LIMITS } from '../config/limits.ts';
import type { NodeDirectory, NodeInfo } from './node-directory.ts';

/** Keys read per SCAN step when listing nodes. */
const SCAN_COUNT = 200;

/**
 * The NodeDirectory in Redis: one key `<prefix>nodes:<id>` per node holding its JSON, set with
 * a TTL (`SET … PX`), so a node that stops refreshing it disappears by itself. Listing is
 * SCAN + MGET (no KEYS: it would block Redis). Commands fail fast while Redis is down.
 */
export class RedisNodeDirectory implements NodeDirectory {
  private readonly redis: Redis;
  private readonly prefix: string;

  static async connect(url: string, prefix = 'renraku:'): Promise<RedisNodeDirectory> {
    const directory = new RedisNodeDirectory(url, prefix);
    try {
      await directory.redis.connect();
    } catch (err) {
      directory.redis.disconnect();
      throw err;
    }
    return directory;
  }

  private constructor(url: string, prefix: string) {
    this.prefix = prefix;
    this.redis = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (attempt) => Math.min(attempt * LIMITS.busReconnectStepMs, LIMITS.busReconnectMaxDelayMs),
      connectionName: 'renraku-registry',
    });
    // Failed heartbeats are reported by the registry; connection errors are only noise here.
    this.redis.on('error', () => {});
  }

  async put(node: NodeInfo, ttlMs: number): Promise<void> {
    await this.redis.set(this.key(node.id), JSON.stringify(node), 'PX', ttlMs);
  }

  async remove(nodeId: string): Promise<void> {
    await this.redis.del(this.key(nodeId));
  }

  async list(): Promise<NodeInfo[]> {
    const keys = new Set<string>();
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}nodes:*`, 'COUNT', SCAN_COUNT);
      for (const key of batch) keys.add(key);
      cursor = next;
    } while (cursor !== '0');
    if (keys.size === 0) return [];
    const values = await this.redis.mget(...keys);
    const nodes: NodeInfo[] = [];
    for (const value of values) {
      if (value === null) continue; // expired between SCAN and MGET
      try {
        nodes.push(JSON.parse(value) as NodeInfo);
      } catch {
        // not ours: skip it
      }
    }
    return nodes;
  }

  async close(): Promise<void> {
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }

  private key(nodeId: string): string {
    return `${this.prefix}nodes:${nodeId}`;
  }
}

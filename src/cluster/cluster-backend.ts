import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { Bus } from '../pubsub/bus.ts';
import { MemoryBusHub } from '../pubsub/memory-bus.ts';
import { RedisBus } from '../pubsub/redis-bus.ts';
import type { NodeDirectory } from './node-directory.ts';
import { RedisNodeDirectory } from './redis-node-directory.ts';

/** What a node talks to the others through: the bus, and (in a cluster) the node directory. */
export interface ClusterBackend {
  bus: Bus;
  directory: NodeDirectory | undefined;
}

/**
 * `RENRAKU_REDIS_URL` set: the Redis bus and directory (a cluster node). Unset: a private
 * in-memory bus and no directory (a single node). Fails when Redis cannot be reached.
 */
export async function openClusterBackend(config: Pick<Config, 'redisUrl'>, nodeId: string, logger: Logger): Promise<ClusterBackend> {
  if (config.redisUrl === '') return { bus: new MemoryBusHub().connect(), directory: undefined };
  const bus = await RedisBus.connect({ url: config.redisUrl, nodeId, logger });
  try {
    return { bus, directory: await RedisNodeDirectory.connect(config.redisUrl) };
  } catch (err) {
    await bus.close();
    throw err;
  }
}

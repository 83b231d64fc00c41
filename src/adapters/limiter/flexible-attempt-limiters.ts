import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AttemptLimiter, AttemptLimiters, AttemptPolicy, AttemptVerdict } from '../../accounts/attempt-limiter.ts';
import type { Config } from '../../config/config.ts';
import { LIMITS } from '../../config/limits.ts';

const KEY_PREFIX = 'renraku:attempts:';

/** An AttemptLimiter over one rate-limiter-flexible limiter (memory or Redis: same semantics). */
class FlexibleAttemptLimiter implements AttemptLimiter {
  readonly policy: AttemptPolicy;
  private readonly limiter: RateLimiterAbstract;

  constructor(policy: AttemptPolicy, limiter: RateLimiterAbstract) {
    this.policy = policy;
    this.limiter = limiter;
  }

  async check(key: string): Promise<AttemptVerdict> {
    const res = await this.limiter.get(key);
    return res !== null && res.consumedPoints >= this.policy.points ? refused(res) : ALLOWED;
  }

  async consume(key: string): Promise<AttemptVerdict> {
    try {
      await this.limiter.consume(key);
      return ALLOWED;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return refused(rejection);
      throw rejection;
    }
  }

  async reset(key: string): Promise<void> {
    await this.limiter.delete(key);
  }
}

const ALLOWED: AttemptVerdict = Object.freeze({ allowed: true, retryAfterMs: 0 });

function refused(res: RateLimiterRes): AttemptVerdict {
  return { allowed: false, retryAfterMs: Math.max(1, res.msBeforeNext) };
}

function options(policy: AttemptPolicy): { keyPrefix: string; points: number; duration: number } {
  return { keyPrefix: `${KEY_PREFIX}${policy.name}`, points: policy.points, duration: Math.ceil(policy.durationMs / 1000) };
}

/** Counters in this process's memory: a single node. */
export function memoryAttemptLimiters(): AttemptLimiters {
  return {
    create: (policy) => new FlexibleAttemptLimiter(policy, new RateLimiterMemory(options(policy))),
    close: async () => {},
  };
}

/**
 * Counters in Redis, shared by every node of the cluster (atomic per key: one Lua script per
 * attempt). While Redis cannot be reached each node counts in its own memory instead (the
 * library's insurance limiter), so sign-in keeps working and stays limited per node.
 */
export async function redisAttemptLimiters(url: string): Promise<AttemptLimiters> {
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(attempt * LIMITS.busReconnectStepMs, LIMITS.busReconnectMaxDelayMs),
    connectionName: 'renraku-attempts',
  });
  // Commands fail fast while Redis is down and fall back to memory; connection errors are only noise here.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    throw err;
  }
  return {
    create: (policy) => new FlexibleAttemptLimiter(policy, new RateLimiterRedis({
      ...options(policy), storeClient: client, insuranceLimiter: new RateLimiterMemory(options(policy)),
    })),
    close: async () => {
      await client.quit().catch(() => client.disconnect());
    },
  };
}

/** `RENRAKU_REDIS_URL` set: cluster-wide counters in Redis; unset: this node's memory. */
export async function attemptLimitersFromConfig(config: Pick<Config, 'redisUrl'>): Promise<AttemptLimiters> {
  return config.redisUrl === '' ? memoryAttemptLimiters() : redisAttemptLimiters(config.redisUrl);
}

import type { Logger } from 'pino';
import { LIMITS } from '../config/limits.ts';
import type { Clock, Timers } from '../domain/clock.ts';
import type { NodeDirectory, NodeInfo } from './node-directory.ts';

export interface MembershipChange {
  joined: NodeInfo[];
  left: string[];
}

export interface NodeRegistryDeps {
  directory: NodeDirectory;
  clock: Clock;
  timers: Timers;
  logger?: Logger;
  /** This node as it is now (called at each heartbeat, for the connection count). */
  self(): Omit<NodeInfo, 'heartbeat_at'>;
}

/**
 * Cluster membership (what `peerage` did for the seed): this node's entry in the directory,
 * refreshed every LIMITS.nodeHeartbeatMs and expiring LIMITS.nodeTtlMs after the last refresh,
 * and the live set read at each heartbeat — so a node that starts is seen within one heartbeat
 * and one that crashes is gone within the TTL plus one heartbeat. `stop()` removes the entry
 * at once. While the directory is unreachable the last live set is kept (and said so).
 */
export class NodeRegistry {
  private readonly deps: NodeRegistryDeps;
  private members = new Map<string, NodeInfo>();
  private readonly listeners = new Set<(change: MembershipChange) => void>();
  private timer: unknown = undefined;
  private failing = false;
  private running: Promise<void> | undefined;

  constructor(deps: NodeRegistryDeps) {
    this.deps = deps;
  }

  /** Registers this node and reads the live set; then keeps both fresh. */
  async start(): Promise<void> {
    await this.beat();
    this.timer = this.deps.timers.setInterval(() => void this.heartbeat(), LIMITS.nodeHeartbeatMs);
  }

  /** The live nodes (this one included), by id. */
  live(): NodeInfo[] {
    return [...this.members.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  onChange(listener: (change: MembershipChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One heartbeat now (also what the timer does); resolves when it is done. */
  heartbeat(): Promise<void> {
    // One at a time: a slow directory must not pile heartbeats up.
    this.running ??= this.beat().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Leaves the membership at once. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) this.deps.timers.clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    await this.deps.directory.remove(this.deps.self().id).catch((err: unknown) => this.deps.logger?.warn({ err }, 'registry: could not remove this node; its entry expires by itself'));
  }

  private async beat(): Promise<void> {
    const { directory, clock, logger } = this.deps;
    try {
      await directory.put({ ...this.deps.self(), heartbeat_at: clock.now() }, LIMITS.nodeTtlMs);
      const nodes = await directory.list();
      if (this.failing) logger?.info('registry: the node directory is reachable again');
      this.failing = false;
      this.update(nodes);
    } catch (err) {
      if (!this.failing) logger?.warn({ err }, 'registry: cannot reach the node directory; keeping the last known members');
      this.failing = true;
    }
  }

  private update(nodes: NodeInfo[]): void {
    const next = new Map(nodes.map((n) => [n.id, n]));
    const joined = nodes.filter((n) => !this.members.has(n.id));
    const left = [...this.members.keys()].filter((id) => !next.has(id));
    this.members = next;
    if (joined.length === 0 && left.length === 0) return;
    this.deps.logger?.info({ joined: joined.map((n) => n.id), left, live: next.size }, 'registry: membership changed');
    for (const listener of this.listeners) listener({ joined, left });
  }
}

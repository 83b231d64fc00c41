import type { Clock } from '../domain/clock.ts';
import type { NodeDirectory, NodeInfo } from './node-directory.ts';

/** A NodeDirectory in memory with an injected clock: several nodes of one process (tests). */
export class MemoryNodeDirectory implements NodeDirectory {
  private readonly clock: Clock;
  private readonly entries = new Map<string, { node: NodeInfo; expiresAt: number }>();

  constructor(clock: Clock) {
    this.clock = clock;
  }

  async put(node: NodeInfo, ttlMs: number): Promise<void> {
    this.entries.set(node.id, { node, expiresAt: this.clock.now() + ttlMs });
  }

  async remove(nodeId: string): Promise<void> {
    this.entries.delete(nodeId);
  }

  async list(): Promise<NodeInfo[]> {
    const now = this.clock.now();
    return [...this.entries.values()].filter((e) => e.expiresAt > now).map((e) => e.node);
  }

  async close(): Promise<void> {}
}

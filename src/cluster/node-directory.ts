/** One node of the cluster as the registry shows it. */
export interface NodeInfo {
  readonly id: string;
  /** The URL the node serves HTTP on. */
  readonly address: string;
  /** Epoch ms. */
  readonly started_at: number;
  /** Open client connections (WebSocket and LongPoll) at the last heartbeat. */
  readonly connections: number;
  /** Epoch ms of the last heartbeat, by the node's own clock. */
  readonly heartbeat_at: number;
}

/**
 * Where nodes announce themselves: an entry per node that disappears by itself `ttlMs` after
 * its last `put` (so a crashed node drops out), and can be removed at once (graceful leave).
 */
export interface NodeDirectory {
  put(node: NodeInfo, ttlMs: number): Promise<void>;
  remove(nodeId: string): Promise<void>;
  /** Every entry not yet expired, in no particular order. */
  list(): Promise<NodeInfo[]>;
  close(): Promise<void>;
}

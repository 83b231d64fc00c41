import type { Logger } from 'pino';
import { LIMITS } from '../config/limits.ts';
import type { Clock, Timers } from '../domain/clock.ts';
import type { Bus, BusMessage } from '../pubsub/bus.ts';
import { PresenceReplicas, type TopicDiff } from './presence-replicas.ts';
import { DiffAccumulator, type PresenceDiff, type Presences } from './presence-state.ts';

/** The bus topic every node's presence replication shares; never a channel topic (no `:`). */
export const PRESENCE_TOPIC = 'renraku.presence';

/** What nodes tell each other: heartbeat, delta, state request, state chunk, goodbye. */
type ReplicationMessage =
  | { t: 'hb'; n: string; v: number }
  | { t: 'd'; n: string; v: number; d: Record<string, PresenceDiff> }
  | { t: 'rq'; n: string; to: string }
  | { t: 'st'; n: string; v: number; p: number; ps: number; s: Record<string, Presences> }
  | { t: 'bye'; n: string };

export interface PresenceReplicationDeps {
  bus: Bus;
  nodeId: string;
  clock: Clock;
  timers: Timers;
  logger?: Logger;
  /** This node's own presences, every topic (for a state transfer). */
  localSnapshot(): Map<string, Presences>;
  /** Another node's presences changed: show `diff` to this node's subscribers of `topic`. */
  onRemoteDiff(topic: string, diff: PresenceDiff): void;
}

/**
 * Presence across nodes, as Phoenix.Tracker does it, over the Bus: every node broadcasts the
 * batched diffs of its own presences as numbered deltas (one bus message per batch window, all
 * topics together) and a heartbeat with its version every LIMITS.presenceHeartbeatMs. Every
 * node keeps a replica of every other node (PresenceReplicas) and shows their changes to its
 * local subscribers. A gap (lost message, bus outage) is repaired by a full state transfer, in
 * chunks of LIMITS.presenceStateChunkBytes. A node silent for LIMITS.presenceDownMs is down:
 * its presences leave everywhere. `stop()` says goodbye, so a graceful shutdown's presences
 * leave at once.
 */
export class PresenceReplication {
  private readonly deps: PresenceReplicationDeps;
  private readonly replicas = new PresenceReplicas({ retryMs: LIMITS.presenceHeartbeatMs });
  private version = 0;
  private outgoing = new Map<string, DiffAccumulator>();
  private flushQueued = false;
  private stateQueued = false;
  private timer: unknown = undefined;
  private stopped = false;
  decodeErrors = 0;

  constructor(deps: PresenceReplicationDeps) {
    this.deps = deps;
  }

  /** Subscribes, asks every node for its state, and starts heartbeats and the down sweep. */
  async start(): Promise<void> {
    await this.deps.bus.subscribe(PRESENCE_TOPIC, (message) => this.receive(message));
    this.send({ t: 'hb', n: this.deps.nodeId, v: this.version });
    this.send({ t: 'rq', n: this.deps.nodeId, to: '*' });
    this.timer = this.deps.timers.setInterval(() => this.tick(), LIMITS.presenceHeartbeatMs);
  }

  /** A batched diff of this node's presences on `topic`: sent to the others with the next delta. */
  publishLocal(topic: string, diff: PresenceDiff): void {
    if (this.stopped) return;
    // Each batch window emits its topics in one synchronous loop: one delta carries them all.
    let pending = this.outgoing.get(topic);
    if (!pending) this.outgoing.set(topic, (pending = new DiffAccumulator()));
    pending.add(diff);
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => this.flush());
  }

  /** The other nodes' presences on `topic`. */
  list(topic: string): Presences {
    return this.replicas.list(topic);
  }

  /** How many keys the other nodes have on `topic` (see PresenceReplicas.count). */
  count(topic: string): number {
    return this.replicas.count(topic);
  }

  /** Adds the other nodes' keys on `topic` to `into` (see PresenceReplicas.addKeys). */
  addKeys(topic: string, into: Set<string>): void {
    this.replicas.addKeys(topic, into);
  }

  /** Nodes this one has heard from within the down period. */
  peers(): string[] {
    return this.replicas.nodes();
  }

  /** Says goodbye (the others drop this node's presences at once) and stops. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.flush();
    this.stopped = true;
    if (this.timer !== undefined) this.deps.timers.clearInterval(this.timer);
    this.send({ t: 'bye', n: this.deps.nodeId });
    await this.deps.bus.unsubscribe(PRESENCE_TOPIC).catch(() => {});
  }

  private tick(): void {
    this.send({ t: 'hb', n: this.deps.nodeId, v: this.version });
    const { nodes, diffs } = this.replicas.expire(this.deps.clock.now(), LIMITS.presenceDownMs);
    if (nodes.length > 0) this.deps.logger?.warn({ nodes }, 'presence: nodes silent for the down period; their presences leave');
    this.show(diffs);
  }

  private flush(): void {
    this.flushQueued = false;
    if (this.outgoing.size === 0 || this.stopped) return;
    const d = Object.fromEntries([...this.outgoing].map(([topic, acc]) => [topic, acc.take()]));
    this.outgoing = new Map();
    this.send({ t: 'd', n: this.deps.nodeId, v: ++this.version, d });
  }

  private receive(message: BusMessage): void {
    let m: ReplicationMessage;
    try {
      m = JSON.parse(message.frame.toString()) as ReplicationMessage;
      if (typeof m !== 'object' || m === null || typeof m.n !== 'string') throw new Error('no node id');
    } catch (err) {
      this.decodeErrors++;
      this.deps.logger?.error({ err }, 'presence: dropped an unreadable replication message');
      return;
    }
    if (this.stopped || m.n === this.deps.nodeId) return;
    const now = this.deps.clock.now();
    switch (m.t) {
      case 'hb':
        if (this.replicas.heartbeat(m.n, m.v, now).needState) this.askState(m.n);
        return;
      case 'd': {
        const result = this.replicas.delta(m.n, m.v, m.d, now);
        this.show(result.diffs);
        if (result.needState) this.askState(m.n);
        return;
      }
      case 'rq':
        if (m.to === this.deps.nodeId || m.to === '*') this.queueState();
        return;
      case 'st':
        this.show(this.replicas.state(m.n, m.v, m.p, m.ps, m.s, now));
        return;
      case 'bye':
        this.deps.logger?.info({ node: m.n }, 'presence: a node said goodbye; its presences leave');
        this.show(this.replicas.remove(m.n));
        return;
      default:
        this.decodeErrors++;
    }
  }

  private show(diffs: TopicDiff[]): void {
    for (const [topic, diff] of diffs) this.deps.onRemoteDiff(topic, diff);
  }

  private askState(node: string): void {
    this.send({ t: 'rq', n: this.deps.nodeId, to: node });
  }

  /** Several asks in one turn get one state transfer (it goes to every node). */
  private queueState(): void {
    if (this.stateQueued) return;
    this.stateQueued = true;
    queueMicrotask(() => {
      this.stateQueued = false;
      if (!this.stopped) this.sendState();
    });
  }

  private sendState(): void {
    this.flush(); // deltas so far go first, so the state's version covers them
    const chunks: Array<Record<string, Presences>> = [];
    let chunk: Record<string, Presences> = {};
    let bytes = 0;
    for (const [topic, presences] of this.deps.localSnapshot()) {
      const size = JSON.stringify(presences).length + topic.length;
      if (bytes > 0 && bytes + size > LIMITS.presenceStateChunkBytes) {
        chunks.push(chunk);
        chunk = {};
        bytes = 0;
      }
      chunk[topic] = presences;
      bytes += size;
    }
    chunks.push(chunk);
    chunks.forEach((s, p) => this.send({ t: 'st', n: this.deps.nodeId, v: this.version, p, ps: chunks.length, s }));
  }

  private send(message: ReplicationMessage): void {
    this.deps.bus.publish(PRESENCE_TOPIC, { frame: JSON.stringify(message) }).catch((err: unknown) => {
      this.deps.logger?.debug({ err, type: message.t }, 'presence: publish failed');
    });
  }
}

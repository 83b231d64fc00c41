import { isEmptyDiff, PresenceState, type PresenceDiff, type PresenceMeta, type Presences } from './presence-state.ts';

/** A change to show this node's clients: `diff` on `topic`. */
export type TopicDiff = readonly [topic: string, diff: PresenceDiff];

interface Replica {
  /** The last delta applied (or the state's version); -1 while waiting for a first state. */
  version: number;
  lastSeen: number;
  topics: Map<string, PresenceState>;
  /** When we last asked this node for its state (throttles the asking). */
  stateRequestedAt: number;
  /** A state transfer being received, chunk by chunk. */
  incoming: { version: number; nextPart: number; topics: Map<string, PresenceState> } | undefined;
}

/**
 * What this node knows of every other node's presences — one replica per node, as
 * Phoenix.Tracker keeps them — as a value: messages go in with the receiver's clock, the
 * diffs to show local clients come out. No I/O and no timers.
 *
 * Each node numbers its deltas 1, 2, 3…; a delta that does not follow the last one applied
 * (a message was lost), or a heartbeat announcing a version we do not have, asks for the
 * node's full state (at most once per `retryMs`); the state replaces the replica and yields
 * the difference. A node not heard from for the down period is removed, as is one that says
 * goodbye: every presence it held leaves.
 */
export class PresenceReplicas {
  private readonly replicas = new Map<string, Replica>();
  private readonly retryMs: number;

  constructor(opts: { retryMs: number }) {
    this.retryMs = opts.retryMs;
  }

  /** Applies `node`'s delta number `version` when it is the next one. */
  delta(node: string, version: number, diffs: Record<string, PresenceDiff>, now: number): { diffs: TopicDiff[]; needState: boolean } {
    const replica = this.seen(node, now);
    if (version <= replica.version) return { diffs: [], needState: false };
    if (version !== replica.version + 1 || replica.incoming) return { diffs: [], needState: this.askState(replica, now) };
    replica.version = version;
    const out: TopicDiff[] = [];
    for (const [topic, diff] of Object.entries(diffs)) {
      let state = replica.topics.get(topic);
      if (!state) replica.topics.set(topic, (state = new PresenceState()));
      state.apply(diff);
      if (state.size === 0) replica.topics.delete(topic);
      out.push([topic, diff]);
    }
    return { diffs: out, needState: false };
  }

  /** `node` is alive at `version`: asks for its state when we are behind. A new node at version 0 has nothing to send. */
  heartbeat(node: string, version: number, now: number): { needState: boolean } {
    const replica = this.seen(node, now, version === 0);
    return { needState: version !== replica.version && !replica.incoming ? this.askState(replica, now) : false };
  }

  /**
   * One chunk (`part` of `parts`) of `node`'s full state at `version`. When the last chunk is
   * in, the state replaces the replica; returns what changed for local clients.
   */
  state(node: string, version: number, part: number, parts: number, topics: Record<string, Presences>, now: number): TopicDiff[] {
    const replica = this.seen(node, now);
    if (part === 0) replica.incoming = { version, nextPart: 0, topics: new Map() };
    const incoming = replica.incoming;
    if (!incoming || incoming.version !== version || incoming.nextPart !== part) {
      replica.incoming = undefined; // a chunk went missing: start again at the next ask
      return [];
    }
    for (const [topic, presences] of Object.entries(topics)) {
      const state = new PresenceState();
      state.apply({ joins: presences, leaves: {} });
      if (state.size > 0) incoming.topics.set(topic, state);
    }
    incoming.nextPart++;
    if (incoming.nextPart < parts) return [];
    replica.incoming = undefined;
    if (version < replica.version) return [];
    const changes = diffTopics(replica.topics, incoming.topics);
    replica.topics = incoming.topics;
    replica.version = version;
    return changes;
  }

  /** `node` left (goodbye) or is gone: all its presences leave. */
  remove(node: string): TopicDiff[] {
    const replica = this.replicas.get(node);
    if (!replica) return [];
    this.replicas.delete(node);
    return diffTopics(replica.topics, new Map());
  }

  /** Removes every node not heard from since `now - downMs`. */
  expire(now: number, downMs: number): { nodes: string[]; diffs: TopicDiff[] } {
    const nodes = [...this.replicas].filter(([, r]) => r.lastSeen <= now - downMs).map(([node]) => node);
    return { nodes, diffs: nodes.flatMap((node) => this.remove(node)) };
  }

  /** Every other node's presences on `topic`, merged. */
  list(topic: string): Presences {
    const out: Presences = {};
    for (const replica of this.replicas.values()) {
      const state = replica.topics.get(topic);
      if (state) mergePresencesInto(out, state.list());
    }
    return out;
  }

  /** Keys present on `topic`, summed over the other nodes (a key on two nodes counts twice): no list is built. */
  count(topic: string): number {
    let n = 0;
    for (const replica of this.replicas.values()) n += replica.topics.get(topic)?.size ?? 0;
    return n;
  }

  /** Adds the keys the other nodes have on `topic` to `into` (a key on two nodes once). */
  addKeys(topic: string, into: Set<string>): void {
    for (const replica of this.replicas.values()) {
      const state = replica.topics.get(topic);
      if (state) for (const key of state.keys()) into.add(key);
    }
  }

  /** The nodes heard from within the down period (as of the last `expire`). */
  nodes(): string[] {
    return [...this.replicas.keys()];
  }

  private seen(node: string, now: number, fresh = false): Replica {
    let replica = this.replicas.get(node);
    if (!replica) {
      replica = { version: fresh ? 0 : -1, lastSeen: now, topics: new Map(), stateRequestedAt: -Infinity, incoming: undefined };
      this.replicas.set(node, replica);
    }
    replica.lastSeen = now;
    return replica;
  }

  private askState(replica: Replica, now: number): boolean {
    if (now - replica.stateRequestedAt < this.retryMs) return false;
    replica.stateRequestedAt = now;
    return true;
  }
}

/** Adds `from`'s metas to `into` (same key: metas concatenated). */
export function mergePresencesInto(into: Presences, from: Presences): Presences {
  for (const [key, { metas }] of Object.entries(from)) {
    if (Object.hasOwn(into, key)) (into[key] as { metas: PresenceMeta[] }).metas.push(...metas);
    else setOwn(into, key, { metas: [...metas] });
  }
  return into;
}

/** `target[key] = value` as an own property, even for a key such as "__proto__". */
function setOwn(target: Presences, key: string, value: { metas: PresenceMeta[] }): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The diff that turns `before` into `after`: metas only in `after` (or changed) join, metas only in `before` leave. */
export function diffPresences(before: Presences, after: Presences): PresenceDiff {
  const diff: PresenceDiff = { joins: {}, leaves: {} };
  const add = (side: Presences, key: string, meta: PresenceMeta) => mergePresencesInto(side, Object.fromEntries([[key, { metas: [meta] }]]));
  const index = (p: Presences) => new Map(Object.entries(p).map(([key, { metas }]) => [key, new Map(metas.map((m) => [m.phx_ref, m]))]));
  const was = index(before);
  const now = index(after);
  for (const [key, metas] of now) {
    for (const [ref, meta] of metas) {
      const old = was.get(key)?.get(ref);
      if (!old || JSON.stringify(old) !== JSON.stringify(meta)) add(diff.joins, key, meta);
    }
  }
  for (const [key, metas] of was) {
    for (const [ref, meta] of metas) if (!now.get(key)?.has(ref)) add(diff.leaves, key, meta);
  }
  return diff;
}

function diffTopics(before: Map<string, PresenceState>, after: Map<string, PresenceState>): TopicDiff[] {
  const out: TopicDiff[] = [];
  for (const topic of new Set([...before.keys(), ...after.keys()])) {
    const diff = diffPresences(before.get(topic)?.list() ?? {}, after.get(topic)?.list() ?? {});
    if (!isEmptyDiff(diff)) out.push([topic, diff]);
  }
  return out;
}

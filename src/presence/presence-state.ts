/** One presence of a key (a user's device, tab or connection); `phx_ref` is unique cluster-wide. */
export interface PresenceMeta {
  readonly phx_ref: string;
  readonly [field: string]: unknown;
}

/** The phoenix.js shape: `{ "<key>": { metas: [...] } }`. */
export type Presences = Record<string, { metas: PresenceMeta[] }>;

/** `presence_diff` payload; clients apply joins first, then leaves (phoenix.js syncDiff). */
export interface PresenceDiff {
  joins: Presences;
  leaves: Presences;
}

type MetaTable = Map<string, Map<string, PresenceMeta>>;
/** A key's metas in a PresenceState: the meta itself while there is one (most keys: one
 *  connection), a Map by phx_ref from the second on — a Map per present user costs ~300 bytes. */
type StateMetas = PresenceMeta | Map<string, PresenceMeta>;

/** Property names JavaScript orders before all others (integer indices). */
const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

export function emptyDiff(): PresenceDiff {
  return { joins: {}, leaves: {} };
}

export function isEmptyDiff(diff: PresenceDiff): boolean {
  return Object.keys(diff.joins).length === 0 && Object.keys(diff.leaves).length === 0;
}

/**
 * The presences of one topic, as a value: join and leave return the diff they caused, and a
 * diff from elsewhere (another node) can be applied, so replicas built from the same diffs
 * agree. No I/O and no clock.
 */
export class PresenceState {
  private readonly table = new Map<string, StateMetas>();
  /** `"key":{"metas":[…]}` per key, serialized once per change of that key (see `json`). */
  private readonly fragments = new Map<string, string>();
  /** `json()` as last made, until the next change. */
  private whole: string | undefined;

  /** Adds (or replaces, same phx_ref) one meta of `key`. */
  join(key: string, meta: PresenceMeta): PresenceDiff {
    this.put(key, meta);
    return { joins: { [key]: { metas: [meta] } }, leaves: {} };
  }

  /** `join` without making its diff (PresenceTracker queues the join itself: DiffAccumulator.addJoin).
   *  Nothing is serialized here: a room filling up is serialized once per window (`json`), not per join. */
  put(key: string, meta: PresenceMeta): void {
    putState(this.table, key, meta);
    this.fragments.delete(key);
    this.whole = undefined;
  }

  /** Removes the meta `phxRef` of `key`; an empty diff when it is not present. */
  leave(key: string, phxRef: string): PresenceDiff {
    const meta = takeState(this.table, key, phxRef);
    if (!meta) return emptyDiff();
    this.fragments.delete(key);
    this.whole = undefined;
    return { joins: {}, leaves: toPresences(new Map([[key, new Map([[phxRef, meta]])]])) };
  }

  /** Applies a diff as phoenix.js does: joins first (replacing equal phx_refs), then leaves. */
  apply(diff: PresenceDiff): void {
    for (const [key, { metas }] of Object.entries(diff.joins)) for (const meta of metas) putState(this.table, key, meta);
    for (const [key, { metas }] of Object.entries(diff.leaves)) for (const meta of metas) takeState(this.table, key, meta.phx_ref);
    this.fragments.clear();
    this.whole = undefined;
  }

  list(): Presences {
    return Object.fromEntries([...this.table].map(([key, metas]) => [key, { metas: metaList(metas) }]));
  }

  /** Forgets the serialized fragments (a room nobody joins any more need not keep them). */
  dropFragments(): void {
    this.fragments.clear();
    this.whole = undefined;
  }

  /**
   * `JSON.stringify(this.list())`, byte for byte, from per-key fragments kept between changes:
   * a joiner's `presence_state` costs a concatenation, not a walk and serialization of every
   * presence. (Keys that look like array indices are ordered first by JSON.stringify; for those
   * the plain way is taken.)
   */
  json(): string {
    if (this.whole !== undefined) return this.whole;
    let out = '{';
    for (const [key, metas] of this.table) {
      if (ARRAY_INDEX.test(key)) return JSON.stringify(this.list());
      const fragment = this.fragments.get(key) ?? this.fragment(key, metas);
      out += out.length === 1 ? fragment : `,${fragment}`;
    }
    return (this.whole = `${out}}`);
  }

  private fragment(key: string, metas: StateMetas): string {
    const fragment = `${JSON.stringify(key)}:${JSON.stringify({ metas: metaList(metas) })}`;
    this.fragments.set(key, fragment);
    return fragment;
  }

  /** Number of keys present. */
  get size(): number {
    return this.table.size;
  }

  /** The keys present. */
  keys(): IterableIterator<string> {
    return this.table.keys();
  }
}

/**
 * Folds diffs in order into one diff with the same effect on a client that applies it:
 * a join then a leave of the same phx_ref inside the batch cancel out (the client never saw
 * it); a leave then a join of the same phx_ref becomes the join (it replaces the old meta).
 */
export class DiffAccumulator {
  /**
   * With `keepLeaves`, a join then a leave of one phx_ref inside the batch is sent as the leave:
   * for subscribers who were shown the join in between by a `presence_state` (a joiner gets the
   * current list), and a no-op for the others (phoenix.js ignores a leave of a ref it lacks).
   */
  private readonly keepLeaves: boolean;
  private joins: MetaTable = new Map();
  private leaves: MetaTable = new Map();
  /** Refs that were present before the batch, left, and joined again inside it. */
  private rejoined = new Set<string>();

  constructor(opts: { keepLeaves?: boolean } = {}) {
    this.keepLeaves = opts.keepLeaves ?? false;
  }

  add(diff: PresenceDiff): this {
    for (const [key, { metas }] of Object.entries(diff.joins)) for (const meta of metas) this.addJoin(key, meta);
    for (const [key, { metas }] of Object.entries(diff.leaves)) {
      for (const meta of metas) {
        const joined = take(this.joins, key, meta.phx_ref);
        if (!joined || this.rejoined.delete(meta.phx_ref) || this.keepLeaves) put(this.leaves, key, meta);
      }
    }
    return this;
  }

  /** `add` of a diff joining one meta, without making the diff. */
  addJoin(key: string, meta: PresenceMeta): this {
    const left = take(this.leaves, key, meta.phx_ref);
    if (left) this.rejoined.add(meta.phx_ref);
    put(this.joins, key, meta);
    return this;
  }

  get isEmpty(): boolean {
    return this.joins.size === 0 && this.leaves.size === 0;
  }

  /** Keys joined plus keys left so far (a key in both counts twice). */
  get changes(): number {
    return this.joins.size + this.leaves.size;
  }

  /** The merged diff so far; the accumulator starts again empty. */
  take(): PresenceDiff {
    const diff = { joins: toPresences(this.joins), leaves: toPresences(this.leaves) };
    this.joins = new Map();
    this.leaves = new Map();
    this.rejoined = new Set();
    return diff;
  }
}

/** One diff with the effect of `diffs` applied in order. */
export function mergeDiffs(...diffs: PresenceDiff[]): PresenceDiff {
  const acc = new DiffAccumulator();
  for (const diff of diffs) acc.add(diff);
  return acc.take();
}

function metaList(metas: StateMetas): PresenceMeta[] {
  return metas instanceof Map ? [...metas.values()] : [metas];
}

function putState(table: Map<string, StateMetas>, key: string, meta: PresenceMeta): void {
  const metas = table.get(key);
  if (metas === undefined || (!(metas instanceof Map) && metas.phx_ref === meta.phx_ref)) table.set(key, meta);
  else if (metas instanceof Map) metas.set(meta.phx_ref, meta);
  else table.set(key, new Map([[metas.phx_ref, metas], [meta.phx_ref, meta]]));
}

function takeState(table: Map<string, StateMetas>, key: string, phxRef: string): PresenceMeta | undefined {
  const metas = table.get(key);
  if (metas === undefined) return undefined;
  if (!(metas instanceof Map)) {
    if (metas.phx_ref !== phxRef) return undefined;
    table.delete(key);
    return metas;
  }
  const meta = metas.get(phxRef);
  if (!meta) return undefined;
  metas.delete(phxRef);
  if (metas.size === 1) table.set(key, metas.values().next().value as PresenceMeta);
  return meta;
}

function put(table: MetaTable, key: string, meta: PresenceMeta): void {
  let metas = table.get(key);
  if (!metas) table.set(key, (metas = new Map()));
  metas.set(meta.phx_ref, meta);
}

function take(table: MetaTable, key: string, phxRef: string): PresenceMeta | undefined {
  const metas = table.get(key);
  const meta = metas?.get(phxRef);
  if (!metas || !meta) return undefined;
  metas.delete(phxRef);
  if (metas.size === 0) table.delete(key);
  return meta;
}

/** Object.fromEntries, so a key such as "__proto__" stays an own property. */
function toPresences(table: MetaTable): Presences {
  return Object.fromEntries([...table].map(([key, metas]) => [key, { metas: [...metas.values()] }]));
}

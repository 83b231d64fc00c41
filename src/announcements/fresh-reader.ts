interface Pending<V> {
  promise: Promise<V>;
  resolve: (value: V) => void;
  reject: (error: unknown) => void;
}

interface KeyState<V> {
  running: Promise<V>;
  next: Pending<V> | undefined;
}

/**
 * Reads that are always fresh, yet coalesced per key: `read(key)` resolves with a load that
 * STARTED after the call (so it sees every write committed before), but while one load of a
 * key runs, all further callers share the single load that follows it. A burst of N answers
 * to one announcement costs at most two tally queries in flight, not N.
 */
export class FreshReader<K, V> {
  private readonly load: (key: K) => Promise<V>;
  private readonly states = new Map<K, KeyState<V>>();

  constructor(load: (key: K) => Promise<V>) {
    this.load = load;
  }

  read(key: K): Promise<V> {
    const state = this.states.get(key);
    if (!state) return this.start(key);
    if (!state.next) {
      let resolve!: (value: V) => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<V>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      state.next = { promise, resolve, reject };
    }
    return state.next.promise;
  }

  /** Keys with a load in flight (for tests and stats). */
  get size(): number {
    return this.states.size;
  }

  private start(key: K): Promise<V> {
    const running = Promise.resolve().then(() => this.load(key));
    const state: KeyState<V> = { running, next: undefined };
    this.states.set(key, state);
    const settle = (): void => {
      const next = state.next;
      this.states.delete(key);
      if (next) this.start(key).then(next.resolve, next.reject);
    };
    running.then(settle, settle);
    return running;
  }
}

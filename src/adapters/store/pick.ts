/**
 * A copy of `source` holding exactly `keys`. Repositories write and return objects built this
 * way, so a caller's extra runtime fields never reach SQL or leak back out.
 */
export function pick<T extends object, const K extends keyof T>(source: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) out[key] = source[key];
  return out;
}

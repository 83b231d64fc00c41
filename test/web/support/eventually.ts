import assert from 'node:assert/strict';

/**
 * Retries an assertion until it passes or `timeoutMs` runs out, then throws its last failure
 * (as Playwright's `expect.poll`): a bounded wait for a state, never a fixed sleep.
 */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** `eventually` for a value: polls `read` until it deep-equals `expected`. */
export function eventuallyEqual<T>(read: () => Promise<T> | T, expected: T, timeoutMs?: number): Promise<T> {
  return eventually(async () => {
    const actual = await read();
    assert.deepEqual(actual, expected);
    return actual;
  }, timeoutMs);
}

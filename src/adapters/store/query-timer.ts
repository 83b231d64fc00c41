import type { LogEvent } from 'kysely';

/** Told of each store query: how long it took and whether it failed. */
export type QueryListener = (seconds: number, failed: boolean) => void;

/**
 * Kysely's `log` hook, turned into a listener the store's owner sets later (operations' metrics
 * are built after the store). Kysely measures every query it runs when a `log` is set; until a
 * listener is set this only drops the event. SQLite appends on the append thread do not pass
 * through Kysely and are not counted here.
 */
export class QueryTimer {
  private listener: QueryListener | undefined;

  readonly log = (event: LogEvent): void => {
    this.listener?.(event.queryDurationMillis / 1000, event.level === 'error');
  };

  observe(listener: QueryListener): void {
    this.listener = listener;
  }
}

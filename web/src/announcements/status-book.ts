import { Observable } from '../lib/observable.ts';
import type { Status, StatusEvent } from './types.ts';

/**
 * A sender's live view of who read and answered. The full list comes over HTTP; each change
 * arrives as an `announcement:status` event with the recipient's new state and the new
 * totals. Events received while the list is being fetched are kept and applied on top of it
 * in order (each sets a recipient's state, so applying one the list already holds changes
 * nothing), so no change between the fetch and its answer is lost or undone.
 */
export class StatusBook {
  readonly status = new Observable<Status | undefined>(undefined);
  private pending: StatusEvent[] | undefined;

  /** Call before fetching the list: from now on events are kept for `snapshot`. */
  begin(): void {
    this.pending = [];
  }

  snapshot(status: Status): void {
    const replay = this.pending ?? [];
    this.pending = undefined;
    this.status.set(replay.reduce(applyEvent, status));
  }

  apply(event: StatusEvent): void {
    this.pending?.push(event);
    const held = this.status.get();
    if (held && event.announcement_id === held.announcement_id) this.status.set(applyEvent(held, event));
  }
}

/** The status with one recipient's state and the totals from the event. Pure. */
export function applyEvent(status: Status, e: StatusEvent): Status {
  return {
    ...status,
    recipients: status.recipients.map((r) => (r.user_id === e.user_id ? { ...r, read_at: e.read_at, answer: e.answer, answered_at: e.answered_at } : r)),
    tally: e.tally,
    recipient_count: e.recipient_count,
    read_count: e.read_count,
    answered_count: e.answered_count,
  };
}

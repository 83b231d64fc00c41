/**
 * Mailing-list shapes as the server sends them, from its own modules (type-only: nothing of
 * the server reaches the bundle), so a change there is a type error here.
 */
import type { BounceStanding, JoinRequest, JoinRequestStatus } from '../../../src/mail/feedback/feedback-repository.ts';
import type { ListAttachment, ListMode, ListPost as StoredListPost, ListPostReason, ListSettings } from '../../../src/lists/types.ts';
import type { MailDelivery } from '../../../src/shared/mail-delivery.ts';

export type { JoinRequest, JoinRequestStatus, ListMode, ListPostReason };

/** `GET /api/groups/:id/list` (ListView of src/lists/list-service.ts, whose module is server-only). */
export interface List extends ListSettings {
  address: string;
  list_id: string;
}

/** A post with its attachments, as the moderation queue lists it. */
export interface ListPost extends StoredListPost {
  attachments: ListAttachment[];
}

/** `GET /api/groups/:id/list/me`. */
export interface MyList {
  delivery: MailDelivery;
  self_copy: boolean;
}

/** What an owner may change (`PATCH /api/groups/:id/list`). */
export type ListPatch = Partial<Pick<List, 'mode' | 'from_rewrite' | 'time_zone'>>;

/** One member in `GET /api/groups/:id/mail-bounces`: their standing, named. */
export interface BouncingMember extends BounceStanding {
  name: string;
  email: string;
}

/** `GET /api/groups/:id/mail-bounces`: the score at which mail pauses, and who has a score. */
export interface Bounces {
  threshold: number;
  members: BouncingMember[];
}

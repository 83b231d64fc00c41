import type { Role } from '../domain/types.ts';

/** Everything stored about one person, as `GET /api/me/export` hands it over (APPI disclosure, GDPR Art. 15/20). */
export interface AccountExport {
  memberships: { group_id: string; group_name: string; role: Role; joined_at: number; mail_delivery: string; list_self_copy: boolean | null }[];
  subgroups: { subgroup_id: string; group_id: string; name: string; leader: boolean }[];
  messages: { id: string; room_id: string; room_name: string | null; seq: number; body: string; reply_to: string | null; created_at: number; edited_at: number | null; deleted: boolean }[];
  announcements: { id: string; group_id: string; title: string; body: string; status: string; created_at: number; sent_at: number | null; deadline: number | null }[];
  receipts: { announcement_id: string; group_id: string; title: string | null; read_at: number | null; answer: unknown; answered_at: number | null }[];
  list_posts: { id: string; group_id: string; subject: string; text_body: string; status: string; created_at: number }[];
  mail_bounces: { code: number; detail: string; created_at: number }[];
}

/** What leaving the service did: the groups the person was taken out of (their channels close). */
export interface Anonymized {
  group_ids: string[];
}

/**
 * Reading and erasing one person's data across the tables of every feature, each in one place so
 * nothing is forgotten: `exportUser` reads it all, `anonymize` removes the personal parts in one
 * transaction and keeps, under an anonymous row, what the others need (their messages, answers and
 * tallies). docs/privacy.md lists both.
 */
export interface AccountDataRepository {
  exportUser(userId: string): Promise<AccountExport>;
  /** Groups the user is the only owner of (they must be handed over or deleted before leaving). */
  soleOwnerGroups(userId: string): Promise<{ id: string; name: string }[]>;
  anonymize(userId: string, at: number): Promise<Anonymized>;
}

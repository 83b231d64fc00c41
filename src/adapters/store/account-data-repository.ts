import type { Kysely } from 'kysely';
import type { AccountDataRepository, AccountExport, Anonymized } from '../../accounts/account-data-repository.ts';
import type { Database } from './schema.ts';

/** Tables of 0006 this repository erases from (declared where their repository declares them too). */
type FeedbackTables = {
  mail_bounce_standings: { user_id: string };
  mail_dsn_events: { user_id: string };
  mail_reply_tokens: { user_id: string };
  mail_join_requests: { user_id: string | null; address_lower: string };
};

type Db = Kysely<Database & FeedbackTables>;

/** The address a departed account keeps: unique (the email key stays unique), undeliverable (RFC 2606 `.invalid`). */
export function departedAddress(userId: string): string {
  return `departed-${userId.toLowerCase()}@departed.invalid`;
}

export class KyselyAccountDataRepository implements AccountDataRepository {
  private readonly db: Db;

  constructor(db: Kysely<Database>) {
    this.db = db.withTables<FeedbackTables>();
  }

  async exportUser(userId: string): Promise<AccountExport> {
    const db = this.db;
    const [memberships, subgroups, messages, announcements, receipts, listPosts, bounces] = await Promise.all([
      db.selectFrom('memberships as m')
        .innerJoin('groups as g', 'g.id', 'm.group_id')
        .leftJoin('list_member_settings as l', (j) => j.onRef('l.group_id', '=', 'm.group_id').onRef('l.user_id', '=', 'm.user_id'))
        .select(['m.group_id', 'g.name as group_name', 'm.role', 'm.joined_at', 'm.mail_delivery', 'l.self_copy'])
        .where('m.user_id', '=', userId).orderBy('m.joined_at').execute(),
      db.selectFrom('subgroup_members as s')
        .innerJoin('subgroups as g', 'g.id', 's.subgroup_id')
        .select(['s.subgroup_id', 'g.group_id', 'g.name', 's.leader'])
        .where('s.user_id', '=', userId).execute(),
      db.selectFrom('messages as m')
        .leftJoin('rooms as r', 'r.id', 'm.room_id')
        .select(['m.id', 'm.room_id', 'r.name as room_name', 'm.seq', 'm.body', 'm.reply_to', 'm.created_at', 'm.edited_at', 'm.deleted_at'])
        .where('m.author_id', '=', userId).orderBy('m.created_at').orderBy('m.id').execute(),
      db.selectFrom('announcements')
        .select(['id', 'group_id', 'title', 'body', 'status', 'created_at', 'sent_at', 'deadline'])
        .where('author_id', '=', userId).orderBy('created_at').execute(),
      db.selectFrom('announcement_recipients as r')
        .leftJoin('announcements as a', 'a.id', 'r.announcement_id')
        .select(['r.announcement_id', 'r.group_id', 'a.title', 'r.read_at', 'r.answer', 'r.answered_at'])
        .where('r.user_id', '=', userId).orderBy('r.announcement_id').execute(),
      db.selectFrom('list_posts')
        .select(['id', 'group_id', 'subject', 'text_body', 'status', 'created_at'])
        .where('user_id', '=', userId).orderBy('created_at').execute(),
      db.selectFrom('mail_bounces').select(['code', 'detail', 'created_at']).where('user_id', '=', userId).orderBy('created_at').execute(),
    ]);
    const num = (v: number | string | null): number | null => (v === null ? null : Number(v));
    return {
      memberships: memberships.map((m) => ({
        group_id: m.group_id, group_name: m.group_name, role: m.role, joined_at: Number(m.joined_at),
        mail_delivery: m.mail_delivery, list_self_copy: m.self_copy === null ? null : m.self_copy === 1,
      })),
      subgroups: subgroups.map((s) => ({ subgroup_id: s.subgroup_id, group_id: s.group_id, name: s.name, leader: s.leader === 1 })),
      messages: messages.map((m) => ({
        id: m.id, room_id: m.room_id, room_name: m.room_name, seq: Number(m.seq), body: m.body, reply_to: m.reply_to,
        created_at: Number(m.created_at), edited_at: num(m.edited_at), deleted: m.deleted_at !== null,
      })),
      announcements: announcements.map((a) => ({
        id: a.id, group_id: a.group_id, title: a.title, body: a.body, status: a.status,
        created_at: Number(a.created_at), sent_at: num(a.sent_at), deadline: num(a.deadline),
      })),
      receipts: receipts.map((r) => ({
        announcement_id: r.announcement_id, group_id: r.group_id, title: r.title, read_at: num(r.read_at),
        answer: r.answer === null ? null : (JSON.parse(r.answer) as unknown), answered_at: num(r.answered_at),
      })),
      list_posts: listPosts.map((p) => ({ id: p.id, group_id: p.group_id, subject: p.subject, text_body: p.text_body, status: p.status, created_at: Number(p.created_at) })),
      mail_bounces: bounces.map((b) => ({ code: Number(b.code), detail: b.detail, created_at: Number(b.created_at) })),
    };
  }

  async soleOwnerGroups(userId: string): Promise<{ id: string; name: string }[]> {
    return this.db
      .selectFrom('memberships as m')
      .innerJoin('groups as g', 'g.id', 'm.group_id')
      .select(['g.id', 'g.name'])
      .where('m.user_id', '=', userId)
      .where('m.role', '=', 'owner')
      .where((eb) => eb.not(eb.exists(
        eb.selectFrom('memberships as o').select('o.user_id')
          .whereRef('o.group_id', '=', 'm.group_id').where('o.role', '=', 'owner').where('o.user_id', '<>', userId),
      )))
      .orderBy('g.name')
      .execute();
  }

  async anonymize(userId: string, at: number): Promise<Anonymized> {
    return this.db.transaction().execute(async (trx) => {
      const user = await trx.selectFrom('users').select('email_lower').where('id', '=', userId).executeTakeFirstOrThrow();
      const groups = await trx.selectFrom('memberships').select('group_id').where('user_id', '=', userId).execute();
      const address = departedAddress(userId);
      await trx.updateTable('users').set({
        email: address, email_lower: address, name: '', password_hash: 'none', email_verified_at: null, language: null, deleted_at: at,
      }).where('id', '=', userId).execute();
      await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
      await trx.deleteFrom('account_tokens').where('user_id', '=', userId).execute();
      await trx.deleteFrom('subgroup_members').where('user_id', '=', userId).execute();
      await trx.deleteFrom('memberships').where('user_id', '=', userId).execute();
      await trx.deleteFrom('read_markers').where('user_id', '=', userId).execute();
      await trx.deleteFrom('list_member_settings').where('user_id', '=', userId).execute();
      await trx.deleteFrom('mail_bounce_standings').where('user_id', '=', userId).execute();
      await trx.deleteFrom('mail_dsn_events').where('user_id', '=', userId).execute();
      await trx.deleteFrom('mail_reply_tokens').where('user_id', '=', userId).execute();
      await trx.deleteFrom('mail_bounces').where('user_id', '=', userId).execute();
      await trx.deleteFrom('mail_join_requests').where((eb) => eb.or([eb('user_id', '=', userId), eb('address_lower', '=', user.email_lower)])).execute();
      // Mail not yet sent to them is dropped; the delivery log of what was sent no longer names their address.
      await trx.deleteFrom('outbox').where('user_id', '=', userId).where('status', '<>', 'sent').execute();
      await trx.updateTable('outbox').set({ recipient: address }).where('user_id', '=', userId).execute();
      await trx.updateTable('list_posts').set({ from_address: address, from_name: '' }).where('user_id', '=', userId).execute();
      await trx.updateTable('invites').set({ revoked_at: at }).where('created_by', '=', userId).where('revoked_at', 'is', null).execute();
      return { group_ids: groups.map((g) => g.group_id) };
    });
  }
}

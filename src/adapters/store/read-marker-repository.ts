import type { Kysely } from 'kysely';
import type { ReadMarkerRepository } from '../../domain/store.ts';
import type { RoomReadState } from '../../domain/types.ts';
import type { Database } from './schema.ts';

/** Read markers only move forward: an older seq (a slow device catching up) changes nothing. */
export class KyselyReadMarkerRepository implements ReadMarkerRepository {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  /** One upsert that updates only when the new seq is higher; a marker left as it was is read back. */
  async advance(roomId: string, userId: string, seq: number, at: number): Promise<number> {
    const moved = await this.db
      .insertInto('read_markers')
      .values({ room_id: roomId, user_id: userId, last_read_seq: seq, updated_at: at })
      .onConflict((oc) =>
        oc
          .columns(['room_id', 'user_id'])
          .doUpdateSet((eb) => ({
            last_read_seq: eb.ref('excluded.last_read_seq'),
            updated_at: eb.ref('excluded.updated_at'),
          }))
          .where((eb) => eb('read_markers.last_read_seq', '<', eb.ref('excluded.last_read_seq'))),
      )
      .returning('last_read_seq')
      .executeTakeFirst();
    return moved ? moved.last_read_seq : this.get(roomId, userId);
  }

  async get(roomId: string, userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('read_markers')
      .select('last_read_seq')
      .where('room_id', '=', roomId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.last_read_seq ?? 0;
  }

  /** Ordered by group, then room. */
  async listForUser(userId: string): Promise<RoomReadState[]> {
    return this.db
      .selectFrom('memberships')
      .innerJoin('rooms', 'rooms.group_id', 'memberships.group_id')
      .leftJoin('read_markers', (join) =>
        join.onRef('read_markers.room_id', '=', 'rooms.id').on('read_markers.user_id', '=', userId),
      )
      .select((eb) => [
        'rooms.id as room_id',
        'rooms.group_id',
        'rooms.last_seq',
        eb.fn.coalesce('read_markers.last_read_seq', eb.lit(0)).as('last_read_seq'),
      ])
      .where('memberships.user_id', '=', userId)
      .orderBy('rooms.group_id')
      .orderBy('rooms.id')
      .execute();
  }
}

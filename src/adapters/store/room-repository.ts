import type { Kysely } from 'kysely';
import type { RoomRepository } from '../../domain/store.ts';
import type { Room } from '../../domain/types.ts';
import { pick } from './pick.ts';
import type { Database } from './schema.ts';

const ROOM_COLUMNS = ['id', 'group_id', 'name', 'created_by', 'created_at', 'last_seq'] as const;

/** Rooms; `last_seq` is advanced only by the message repository, in the append transaction. */
export class KyselyRoomRepository implements RoomRepository {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  /** A new room is empty: a last_seq other than 0 is a caller bug and refused. */
  async create(room: Room): Promise<Room> {
    if (room.last_seq !== 0) throw new Error(`rooms.create: a new room has last_seq 0, got ${room.last_seq}`);
    const row = pick(room, ROOM_COLUMNS);
    await this.db.insertInto('rooms').values(row).execute();
    return row;
  }

  async findById(id: string): Promise<Room | undefined> {
    return this.db.selectFrom('rooms').select(ROOM_COLUMNS).where('id', '=', id).executeTakeFirst();
  }

  /** Oldest first. */
  async listForGroup(groupId: string): Promise<Room[]> {
    return this.db
      .selectFrom('rooms')
      .select(ROOM_COLUMNS)
      .where('group_id', '=', groupId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }
}

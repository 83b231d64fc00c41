import type { NewMessage } from '../../domain/types.ts';

/**
 * New messages as columns, one array per field: eight parameters for PostgreSQL whatever the
 * batch size, and cheaper to copy to SQLite's append thread than one object per message.
 */
export interface MessageColumns {
  readonly ids: string[];
  readonly rooms: string[];
  readonly authors: string[];
  readonly bodies: string[];
  readonly replies: (string | null)[];
  /** JSON arrays, as stored */
  readonly mentions: string[];
  readonly clientIds: (string | null)[];
  readonly createdAts: number[];
}

/** The columns of a batch, in its order; mentions as their stored JSON. */
export function toColumns(messages: readonly NewMessage[]): MessageColumns {
  const n = messages.length;
  const columns: MessageColumns = {
    ids: new Array<string>(n),
    rooms: new Array<string>(n),
    authors: new Array<string>(n),
    bodies: new Array<string>(n),
    replies: new Array<string | null>(n),
    mentions: new Array<string>(n),
    clientIds: new Array<string | null>(n),
    createdAts: new Array<number>(n),
  };
  for (let i = 0; i < n; i++) {
    const m = messages[i]!;
    columns.ids[i] = m.id;
    columns.rooms[i] = m.room_id;
    columns.authors[i] = m.author_id;
    columns.bodies[i] = m.body;
    columns.replies[i] = m.reply_to;
    columns.mentions[i] = m.mentions.length === 0 ? '[]' : JSON.stringify(m.mentions);
    columns.clientIds[i] = m.client_id;
    columns.createdAts[i] = m.created_at;
  }
  return columns;
}

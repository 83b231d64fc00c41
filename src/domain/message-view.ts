import type { Message } from './types.ts';

/** A message as it travels to clients (broadcasts, join replies, history). */
export interface MessageView {
  id: string;
  seq: number;
  room_id: string;
  author_id: string;
  body: string;
  reply_to: string | null;
  mentions: string[];
  client_id: string | null;
  at: number;
  edited_at: number | null;
  deleted: boolean;
}

export function toMessageView(m: Message): MessageView {
  return {
    id: m.id,
    seq: m.seq,
    room_id: m.room_id,
    author_id: m.author_id,
    body: m.body,
    reply_to: m.reply_to,
    mentions: m.mentions,
    client_id: m.client_id,
    at: m.created_at,
    edited_at: m.edited_at,
    deleted: m.deleted_at !== null,
  };
}

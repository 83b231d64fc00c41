/**
 * The users, group and rooms a run works with, in the shape `renraku seed --out` writes:
 * every user with a real socket token, every room with the indices of its members.
 */
export interface Seed {
  group_id: string;
  rooms: { id: string; members: number[] }[];
  users: { id: string; socket_token: string }[];
}

export interface Layout {
  users: number;
  rooms: number;
  membersPerRoom: number;
}

/**
 * Room r holds users r·S … r·S+S−1 (wrapping when there are fewer users than seats), so R × S
 * distinct users give every user exactly one room: the shape of `renraku seed`.
 */
export function roomMembers(layout: Layout): number[][] {
  const { users, rooms, membersPerRoom } = layout;
  if (users < 1 || rooms < 1 || membersPerRoom < 1) throw new Error(`a layout needs users, rooms and members ≥ 1, got ${JSON.stringify(layout)}`);
  if (membersPerRoom > users) throw new Error(`${membersPerRoom} members per room needs at least that many users (got ${users})`);
  return Array.from({ length: rooms }, (_, r) => Array.from({ length: membersPerRoom }, (_, k) => (r * membersPerRoom + k) % users));
}

export const roomTopic = (roomId: string): string => `room:${roomId}`;

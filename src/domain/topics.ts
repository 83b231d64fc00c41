/** Topic names, built in one place. */
export const topics = {
  user: (userId: string) => `user:${userId}`,
  group: (groupId: string) => `group:${groupId}`,
  room: (roomId: string) => `room:${roomId}`,
} as const;

/** Topic names, built in one place. */
export const topics = {
  user: (userId: string) => `user:${userId}`,
  group: (groupId: string) => `group:${groupId}`,
  room: (roomId: string) => `room:${roomId}`,
  /** an announcement's live read/answer status, for those who may see it */
  announcement: (announcementId: string) => `announcement:${announcementId}`,
} as const;

import { randomBytes } from 'node:crypto';

/**
 * A new node id: 12 base64url characters (72 random bits), new for every process, so a
 * restarted node is a new member and nothing of its previous life is mistaken for it. It goes
 * into bus envelopes, Redis keys and LongPoll session tokens, hence no `.` or `:`.
 */
export function newNodeId(): string {
  return randomBytes(9).toString('base64url');
}

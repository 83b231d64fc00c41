import type { Role } from '../domain/types.ts';
import type { ListMode } from './types.ts';

/** Who may post to the list without moderation: owners and senders always; members in discussion mode. */
export function mayPost(role: Role, mode: ListMode): boolean {
  return role === 'owner' || role === 'sender' || mode === 'discussion';
}

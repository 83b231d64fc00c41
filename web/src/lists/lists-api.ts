import type { ApiClient } from '../api/api-client.ts';
import type { Bounces, JoinRequest, JoinRequestStatus, List, ListPatch, ListPost, MyList } from './types.ts';

/**
 * The mailing-list routes (src/http/routes/list-routes.ts) and the owners' mail feedback
 * routes (src/http/routes/feedback-routes.ts), over the app's ApiClient.
 */
export class ListsApi {
  private readonly api: ApiClient;

  constructor(api: ApiClient) {
    this.api = api;
  }

  list(groupId: string): Promise<{ list: List }> {
    return this.api.request('GET', `/api/groups/${enc(groupId)}/list`);
  }
  updateList(groupId: string, patch: ListPatch): Promise<{ list: List }> {
    return this.api.request('PATCH', `/api/groups/${enc(groupId)}/list`, patch);
  }
  mine(groupId: string): Promise<MyList> {
    return this.api.request('GET', `/api/groups/${enc(groupId)}/list/me`);
  }
  updateMine(groupId: string, patch: Partial<MyList>): Promise<MyList> {
    return this.api.request('PATCH', `/api/groups/${enc(groupId)}/list/me`, patch);
  }

  /** Held posts, newest first; `before` pages on to older ones. */
  moderation(groupId: string, before?: string): Promise<{ posts: ListPost[] }> {
    return this.api.request('GET', `/api/groups/${enc(groupId)}/list/moderation${before ? `?before=${enc(before)}` : ''}`);
  }
  approve(postId: string): Promise<{ post: ListPost }> {
    return this.api.request('POST', `/api/list-posts/${enc(postId)}/approve`);
  }
  reject(postId: string): Promise<{ post: ListPost }> {
    return this.api.request('POST', `/api/list-posts/${enc(postId)}/reject`);
  }

  joinRequests(groupId: string, status?: JoinRequestStatus): Promise<{ requests: JoinRequest[] }> {
    return this.api.request('GET', `/api/groups/${enc(groupId)}/mail-joins${status ? `?status=${enc(status)}` : ''}`);
  }
  decideJoin(groupId: string, requestId: string, approve: boolean): Promise<{ request: JoinRequest }> {
    return this.api.request('POST', `/api/groups/${enc(groupId)}/mail-joins/${enc(requestId)}/${approve ? 'approve' : 'reject'}`);
  }
  joinPolicy(groupId: string): Promise<{ joins_directly: boolean }> {
    return this.api.request('GET', `/api/groups/${enc(groupId)}/mail-join-policy`);
  }
  setJoinPolicy(groupId: string, joinsDirectly: boolean): Promise<{ joins_directly: boolean }> {
    return this.api.request('PUT', `/api/groups/${enc(groupId)}/mail-join-policy`, { joins_directly: joinsDirectly });
  }

  bounces(groupId: string): Promise<Bounces> {
    return this.api.request('GET', `/api/groups/${enc(groupId)}/mail-bounces`);
  }
  unpause(groupId: string, userId: string): Promise<{ unpaused: boolean }> {
    return this.api.request('POST', `/api/groups/${enc(groupId)}/mail-bounces/${enc(userId)}/unpause`);
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

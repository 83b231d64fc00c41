import type { ApiClient } from '../api/api-client.ts';
import type { Announcement, AnnouncementInput, AnswerInput, Attachment, MailDelivery, Mine, Status } from './types.ts';

/** The announcement routes (src/http/routes/announcement-routes.ts), over the app's ApiClient. */
export class AnnouncementsApi {
  private readonly api: ApiClient;

  constructor(api: ApiClient) {
    this.api = api;
  }

  list(groupId: string): Promise<{ announcements: Announcement[] }> {
    return this.api.request('GET', `/api/groups/${enc(groupId)}/announcements`);
  }
  get(id: string): Promise<{ announcement: Announcement }> {
    return this.api.request('GET', `/api/announcements/${enc(id)}`);
  }
  create(groupId: string, input: AnnouncementInput): Promise<{ announcement: Announcement }> {
    return this.api.request('POST', `/api/groups/${enc(groupId)}/announcements`, input);
  }
  update(id: string, input: Partial<AnnouncementInput>): Promise<{ announcement: Announcement }> {
    return this.api.request('PATCH', `/api/announcements/${enc(id)}`, input);
  }
  cancel(id: string): Promise<void> {
    return this.api.request('DELETE', `/api/announcements/${enc(id)}`);
  }
  markRead(id: string): Promise<{ me: Mine }> {
    return this.api.request('POST', `/api/announcements/${enc(id)}/read`);
  }
  answer(id: string, input: AnswerInput): Promise<{ me: Mine }> {
    return this.api.request('PUT', `/api/announcements/${enc(id)}/answer`, input);
  }
  status(id: string): Promise<Status> {
    return this.api.request('GET', `/api/announcements/${enc(id)}/status`);
  }
  remind(id: string): Promise<{ reminded: number }> {
    return this.api.request('POST', `/api/announcements/${enc(id)}/remind`);
  }
  /** Where the CSV downloads (the session cookie authenticates the GET). */
  csvUrl(id: string, timeZone: string): string {
    return `/api/announcements/${enc(id)}/status.csv?tz=${enc(timeZone)}`;
  }
  mailDelivery(groupId: string): Promise<{ delivery: MailDelivery }> {
    return this.api.request('GET', `/api/groups/${enc(groupId)}/me/mail`);
  }
  setMailDelivery(groupId: string, delivery: MailDelivery): Promise<{ delivery: MailDelivery }> {
    return this.api.request('PUT', `/api/groups/${enc(groupId)}/me/mail`, { delivery });
  }

  /** Uploads a file to attach: the body is the file, its name percent-encoded in X-Filename. */
  async upload(groupId: string, file: File): Promise<Attachment> {
    const { attachment } = await this.api.upload<{ attachment: Attachment }>(`/api/groups/${enc(groupId)}/attachments`, file, { 'x-filename': encodeURIComponent(file.name) });
    return attachment;
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

/**
 * How mail from a group reaches one member: every message as it is sent, one digest a day, or
 * none. One setting per membership, read by announcements and the mailing list alike.
 */
export type MailDelivery = 'each' | 'digest' | 'none';
export const MAIL_DELIVERIES: readonly MailDelivery[] = ['each', 'digest', 'none'];

import type { Store } from '../../domain/store.ts';
import type { InboundHandler, InboundMail, InboundRecipient } from '../inbound/inbound-handler.ts';
import { fromAddress, isAutomatic } from './auto-reply.ts';
import type { MailJoins } from './mail-joins.ts';

const SUFFIX = '+join';

/**
 * `<slug>+join@<list domain>`: a request to join the group by mail (MailJoins). An address
 * whose slug names no group is not ours, so the SMTP server refuses it at RCPT with 550. Mail
 * without a usable From, from the null sender, or automatic (auto-replies, bulk) gets no
 * confirmation mail: that would be backscatter.
 */
export class JoinHandler implements InboundHandler {
  readonly kind = 'join' as const;
  private readonly store: Pick<Store, 'groups'>;
  private readonly joins: Pick<MailJoins, 'request'>;
  private readonly domain: string;

  constructor(deps: { store: Pick<Store, 'groups'>; joins: Pick<MailJoins, 'request'>; listDomain: string }) {
    this.store = deps.store;
    this.joins = deps.joins;
    this.domain = deps.listDomain.toLowerCase();
  }

  async resolve(address: string): Promise<InboundRecipient | undefined> {
    const at = address.lastIndexOf('@');
    if (at < 0 || address.slice(at + 1).toLowerCase() !== this.domain) return undefined;
    const local = address.slice(0, at).toLowerCase();
    if (!local.endsWith(SUFFIX)) return undefined;
    const group = await this.store.groups.findBySlug(local.slice(0, -SUFFIX.length));
    return group ? { kind: 'join', address: address.toLowerCase(), groupId: group.id } : undefined;
  }

  async process(mail: InboundMail): Promise<void> {
    if (isAutomatic(mail.parsed, mail.envelopeFrom)) return;
    const from = fromAddress(mail.parsed);
    const groupId = mail.recipient.groupId ?? (await this.resolve(mail.recipient.address))?.groupId;
    const group = groupId === undefined ? undefined : await this.store.groups.findById(groupId);
    if (from === undefined || !group) return;
    await this.joins.request(group, from, mail.id, mail.parsed.messageId);
  }
}

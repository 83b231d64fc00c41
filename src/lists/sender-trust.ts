import type { Config } from '../config/config.ts';

/**
 * How far a list post's From is believed, decided once at start-up:
 * - `authserv`: only when our MTA's Authentication-Results vouches for it (sender-authentication.ts);
 * - `from`: as written — the listener is reachable only from this host (a local MTA in front
 *   does the checking), or the operator said RENRAKU_SMTP_TRUST_FROM=true;
 * - `hold`: never — anyone can reach the port and write any From, so members' posts wait for
 *   an owner as unauthenticated.
 */
export type SenderTrust = { readonly mode: 'authserv'; readonly authservId: string } | { readonly mode: 'from' } | { readonly mode: 'hold' };

/** The trust the configuration gives, and the warning start-up logs when From is forgeable by others. */
export function senderTrustOf(config: Pick<Config, 'host' | 'smtpPort' | 'smtpAuthservId' | 'smtpTrustFrom'>): { trust: SenderTrust; warning?: string } {
  if (config.smtpAuthservId !== '') return { trust: { mode: 'authserv', authservId: config.smtpAuthservId } };
  if (config.smtpPort === 0 || isLoopback(config.host)) return { trust: { mode: 'from' } };
  const exposed = `inbound SMTP listens on ${config.host} (beyond loopback) without RENRAKU_SMTP_AUTHSERV_ID: anyone who reaches port ${config.smtpPort} can write any member's address in From`;
  return config.smtpTrustFrom
    ? { trust: { mode: 'from' }, warning: `${exposed}; RENRAKU_SMTP_TRUST_FROM=true publishes such posts as the member's` }
    : { trust: { mode: 'hold' }, warning: `${exposed}; members' list posts wait for an owner as unauthenticated (set RENRAKU_SMTP_AUTHSERV_ID behind a checking MTA, or RENRAKU_SMTP_TRUST_FROM=true to accept the risk)` };
}

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and `localhost`: only this host can connect. */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(h);
}

import { parseMail, type SmtpSink } from '../../support/smtp-sink.ts';
import { eventually } from './eventually.ts';

/**
 * The tokens of the account links (`#/verify-email/<token>`, `#/reset-password/<token>`) in the
 * mails the sink received for `to`, oldest first; waits until there are at least `count`.
 */
export async function mailedLinkTokens(sink: SmtpSink, to: string, kind: 'verify-email' | 'reset-password', count = 1): Promise<string[]> {
  const pattern = new RegExp(`#/${kind}/([A-Za-z0-9_.-]+)`);
  return eventually(async () => {
    const tokens: string[] = [];
    for (const mail of sink.received.filter((m) => m.to.includes(to))) {
      const token = pattern.exec((await parseMail(mail)).text ?? '')?.[1];
      if (token) tokens.push(token);
    }
    if (tokens.length < count) throw new Error(`${tokens.length} of ${count} ${kind} links mailed to ${to}`);
    return tokens;
  }, 15_000);
}

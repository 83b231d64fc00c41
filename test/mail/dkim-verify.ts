import { createHash, verify, type KeyObject } from 'node:crypto';

/**
 * Checks a DKIM-Signature (rsa-sha256, relaxed/relaxed: what nodemailer writes) against a
 * public key, from the raw message as the relay received it (RFC 6376 §3.4, §3.7). Enough of
 * a verifier to prove a signature is real, not a general one.
 */
export function verifyDkim(raw: Buffer, publicKey: KeyObject): { ok: boolean; domain: string; selector: string; reason?: string } {
  const text = raw.toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  const head = text.slice(0, split);
  const body = text.slice(split + 4);
  const headers = head.split(/\r\n(?![ \t])/).map((line) => {
    const colon = line.indexOf(':');
    return { name: line.slice(0, colon), value: line.slice(colon + 1), line };
  });
  const signature = headers.find((h) => h.name.toLowerCase() === 'dkim-signature');
  if (signature === undefined) return { ok: false, domain: '', selector: '', reason: 'no DKIM-Signature' };
  const tags = new Map(
    signature.value.split(';').map((part) => part.trim()).filter(Boolean).map((part) => {
      const eq = part.indexOf('=');
      return [part.slice(0, eq).trim(), part.slice(eq + 1).replace(/\s+/g, '')] as const;
    }),
  );
  const domain = tags.get('d') ?? '';
  const selector = tags.get('s') ?? '';
  if (tags.get('a') !== 'rsa-sha256' || tags.get('c') !== 'relaxed/relaxed') return { ok: false, domain, selector, reason: `a=${tags.get('a')} c=${tags.get('c')}` };

  const bodyLines = body.split('\r\n').map((line) => line.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (bodyLines.length > 0 && bodyLines[bodyLines.length - 1] === '') bodyLines.pop();
  const canonicalBody = bodyLines.length === 0 ? '' : `${bodyLines.join('\r\n')}\r\n`;
  const bodyHash = createHash('sha256').update(canonicalBody, 'latin1').digest('base64');
  if (bodyHash !== tags.get('bh')) return { ok: false, domain, selector, reason: 'body hash differs' };

  const relaxed = (name: string, value: string) => `${name.toLowerCase()}:${value.replace(/\r\n/g, '').replace(/[ \t]+/g, ' ').trim()}`;
  const unused = headers.filter((h) => h !== signature);
  const signed = (tags.get('h') ?? '').split(':').map((name) => {
    const index = unused.map((h) => h.name.toLowerCase()).lastIndexOf(name.toLowerCase());
    if (index < 0) return '';
    const [h] = unused.splice(index, 1);
    return `${relaxed(h!.name, h!.value)}\r\n`;
  });
  const withoutB = signature.value.replace(/(^|;)(\s*b\s*=)[^;]*/, '$1$2');
  const data = signed.join('') + relaxed(signature.name, withoutB);
  const ok = verify('sha256', Buffer.from(data, 'latin1'), publicKey, Buffer.from(tags.get('b') ?? '', 'base64'));
  return ok ? { ok, domain, selector } : { ok, domain, selector, reason: 'signature does not verify' };
}

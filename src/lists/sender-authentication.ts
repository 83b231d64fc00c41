/**
 * Whether a list post's From is vouched for by our own MTA: the `Authentication-Results` header
 * (RFC 8601) that the MTA in front of Renraku adds under its authserv-id
 * (`RENRAKU_SMTP_AUTHSERV_ID`). Only the topmost header with that id counts — the MTA prepends
 * its own, and one further down came with the message (a sender can write any header; a
 * conforming MTA also deletes those). The From domain is authenticated when that header says
 * `dmarc=pass` for it, or `dkim=pass` with a signing domain `header.d` it is aligned with, or
 * `spf=pass` for an envelope sender `smtp.mailfrom` of an aligned domain. Alignment here is the
 * From domain equal to that domain or a subdomain of it (stricter than DMARC's relaxed mode,
 * which needs the public suffix list; a post that this misses is held, not lost).
 */
export function senderAuthenticated(
  headerLines: readonly { key: string; line: string }[],
  authservId: string,
  fromAddress: string,
): boolean {
  const fromDomain = domainOf(fromAddress);
  if (fromDomain === undefined) return false;
  const wanted = authservId.toLowerCase();
  const ours = headerLines
    .filter((h) => h.key.toLowerCase() === 'authentication-results')
    .map((h) => valueOf(h.line).split(';'))
    .find(([id]) => (id ?? '').trim().split(/\s+/)[0]?.toLowerCase() === wanted);
  if (!ours) return false;
  for (const result of results(ours.slice(1))) {
    if (result.verdict !== 'pass') continue;
    if (result.method === 'dmarc') {
      const checked = result.props.get('header.from');
      if (checked === undefined || domainIn(checked) === fromDomain) return true;
    } else if (result.method === 'dkim') {
      const signer = result.props.get('header.d') ?? result.props.get('header.i');
      const d = signer === undefined ? undefined : domainIn(signer);
      if (d !== undefined && aligned(fromDomain, d)) return true;
    } else if (result.method === 'spf') {
      const mailfrom = result.props.get('smtp.mailfrom');
      const d = mailfrom === undefined ? undefined : domainIn(mailfrom);
      if (d !== undefined && aligned(fromDomain, d)) return true;
    }
  }
  return false;
}

interface MethodResult {
  method: string;
  verdict: string;
  props: Map<string, string>;
}

/** The header's value, unfolded and without comments (`(…)`, nested ones too). */
function valueOf(line: string): string {
  const value = line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ');
  let out = '';
  let depth = 0;
  for (const ch of value) {
    if (ch === '(') depth++;
    else if (ch === ')' && depth > 0) depth--;
    else if (depth === 0) out += ch;
  }
  return out;
}

/** `method=result ptype.prop=value …` per `;`-separated part after the authserv-id. */
function results(parts: readonly string[]): MethodResult[] {
  const out: MethodResult[] = [];
  for (const part of parts) {
    const tokens = part.trim().split(/\s+/).filter((t) => t.includes('='));
    const [head, ...rest] = tokens;
    if (head === undefined) continue;
    const [method, verdict] = head.split('=', 2) as [string, string];
    const props = new Map<string, string>();
    for (const t of rest) {
      const at = t.indexOf('=');
      props.set(t.slice(0, at).toLowerCase(), unquote(t.slice(at + 1)));
    }
    out.push({ method: method.toLowerCase().replace(/\/.*$/, ''), verdict: verdict.toLowerCase(), props });
  }
  return out;
}

function unquote(v: string): string {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

function domainOf(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  const domain = (at < 0 ? '' : address.slice(at + 1)).trim().replace(/>$/, '').toLowerCase();
  return domain === '' ? undefined : domain;
}

/** The domain of `user@domain`, `@domain` or a bare `domain`. */
function domainIn(value: string): string | undefined {
  return value.includes('@') ? domainOf(value) : value.trim().toLowerCase() || undefined;
}

function aligned(fromDomain: string, authenticated: string): boolean {
  const d = authenticated.toLowerCase().replace(/\.$/, '');
  return d !== '' && (fromDomain === d || fromDomain.endsWith(`.${d}`));
}

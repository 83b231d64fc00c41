import type { DsnSeverity } from './feedback-repository.ts';

/** One per-recipient block of a delivery status notification (RFC 3464 §2.3). */
export interface DsnRecipient {
  finalRecipient: string | undefined;
  /** failed | delayed | delivered | relayed | expanded (lower case). */
  action: string;
  /** RFC 3463 `class.subject.detail`, e.g. `5.1.1`; '' when absent or malformed. */
  status: string;
  /** The remote MTA's reply, e.g. `smtp; 550 5.1.1 User unknown`. */
  diagnostic: string | undefined;
}

export interface DeliveryReport {
  recipients: DsnRecipient[];
  /** The strongest judgement over all recipients: hard beats soft; undefined when none bounced. */
  severity: DsnSeverity | undefined;
  /** The recipient that decided `severity`. */
  decisive: DsnRecipient | undefined;
}

const REPORT_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);
const STATUS = /^([245])\.\d{1,3}\.\d{1,3}$/;

/**
 * How one recipient's block counts against a member: `failed` with a 5.x.x status is a hard
 * bounce (the address does not take mail); `failed` with 4.x.x (the MTA gave up on a temporary
 * problem) and `delayed` are soft; delivered, relayed and expanded are not bounces. A `failed`
 * block without a usable status counts as hard, since the MTA says it gave up for good.
 */
export function classify(recipient: DsnRecipient): DsnSeverity | undefined {
  if (recipient.action === 'delayed') return 'soft';
  if (recipient.action !== 'failed') return undefined;
  return recipient.status.startsWith('4.') ? 'soft' : 'hard';
}

/** Header-like fields of one block: continuation lines unfolded, names lower-cased; the first of a name wins. */
function fields(block: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!out.has(name)) out.set(name, line.slice(colon + 1).trim());
  }
  return out;
}

/** `rfc822; aiko@example.org` → `aiko@example.org`. */
function typedValue(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const semi = value.indexOf(';');
  return (semi >= 0 ? value.slice(semi + 1) : value).trim() || undefined;
}

/**
 * Reads the body of a `message/delivery-status` part: the per-message block, then one block
 * per recipient (blocks are separated by blank lines). Pure.
 */
export function parseDeliveryStatus(body: string): DeliveryReport {
  const blocks = body.replace(/\r\n/g, '\n').split(/\n[ \t]*\n/).map((b) => b.trim()).filter((b) => b !== '');
  const recipients: DsnRecipient[] = [];
  for (const block of blocks) {
    const f = fields(block);
    if (!f.has('action') && !f.has('final-recipient')) continue;
    const status = (f.get('status') ?? '').split(/[\s(]/)[0] ?? '';
    recipients.push({
      finalRecipient: typedValue(f.get('final-recipient')),
      action: (f.get('action') ?? '').split(/[\s(]/)[0]?.toLowerCase() ?? '',
      status: STATUS.test(status) ? status : '',
      diagnostic: f.get('diagnostic-code'),
    });
  }
  let severity: DsnSeverity | undefined;
  let decisive: DsnRecipient | undefined;
  for (const recipient of recipients) {
    const s = classify(recipient);
    if (s === 'hard' && severity !== 'hard') [severity, decisive] = ['hard', recipient];
    else if (s === 'soft' && severity === undefined) [severity, decisive] = ['soft', recipient];
  }
  return { recipients, severity, decisive };
}

/** The SMTP reply code in a Diagnostic-Code (`smtp; 550 5.1.1 …` → 550); 0 when there is none. */
export function diagnosticCode(diagnostic: string | undefined): number {
  const match = /(?:^|;)\s*([245]\d\d)\b/.exec(diagnostic ?? '');
  return match ? Number(match[1]) : 0;
}

/** A part's headers and body, split at the first empty line. */
function splitPart(part: string): { headers: Map<string, string>; body: string } {
  const match = /\r?\n\r?\n/.exec(part);
  const head = match ? part.slice(0, match.index) : part;
  const body = match ? part.slice(match.index + match[0].length) : '';
  return { headers: fields(head), body };
}

function parameter(contentType: string, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(contentType);
  return match ? (match[1] ?? match[2]) : undefined;
}

/** A transfer-encoded body, decoded to bytes kept one per character (latin1), like the raw text. */
function decode(body: string, encoding: string | undefined): string {
  switch ((encoding ?? '').toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('latin1');
    case 'quoted-printable':
      return body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    default:
      return body;
  }
}

/**
 * The delivery report in a raw message: its `message/delivery-status` (or RFC 6533
 * `message/global-delivery-status`) part, found by walking the MIME tree. mailparser folds
 * that part into the text body, so it is read here from the raw bytes. Undefined when the
 * message holds no report (many auto-replies and non-standard bounces): those change nothing.
 */
export function findDeliveryReport(raw: Buffer | string): DeliveryReport | undefined {
  const text = typeof raw === 'string' ? raw : raw.toString('latin1');
  const walk = (part: string, depth: number): string | undefined => {
    const { headers, body } = splitPart(part);
    const contentType = headers.get('content-type') ?? 'text/plain';
    const type = contentType.split(';')[0]!.trim().toLowerCase();
    if (REPORT_TYPES.has(type)) return decode(body, headers.get('content-transfer-encoding'));
    if (!type.startsWith('multipart/') || depth > 5) return undefined;
    const boundary = parameter(contentType, 'boundary');
    if (boundary === undefined) return undefined;
    const delimiter = `--${boundary}`;
    const pieces = body.split(new RegExp(`(?:^|\\r?\\n)${delimiter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*(?:\\r?\\n|$)`));
    for (const piece of pieces.slice(1)) {
      const found = walk(piece, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  const body = walk(text, 0);
  return body === undefined ? undefined : parseDeliveryStatus(Buffer.from(body, 'latin1').toString('utf8'));
}

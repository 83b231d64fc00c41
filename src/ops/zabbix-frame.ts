/**
 * The Zabbix wire format, pure: `ZBXD`, flags 0x01 (the Zabbix protocol, uncompressed), the
 * data length as 8 bytes little-endian (since Zabbix 4.0 read as two 4-byte fields: length
 * and a reserved 0), then the data. Senders and agents speak it over plain TCP.
 */
const MAGIC = Buffer.from('ZBXD', 'latin1');
const FLAG_ZABBIX = 0x01;
export const ZABBIX_HEADER_BYTES = 13;

export function encodeZabbixFrame(data: string | Buffer): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const header = Buffer.alloc(ZABBIX_HEADER_BYTES);
  MAGIC.copy(header, 0);
  header[4] = FLAG_ZABBIX;
  header.writeBigUInt64LE(BigInt(body.length), 5);
  return Buffer.concat([header, body]);
}

/**
 * One frame from the start of `buffer`: its data and the bytes after it; `undefined` while
 * incomplete. Throws on anything else (another magic, compression, a length over `maxBytes`).
 */
export function readZabbixFrame(buffer: Buffer, maxBytes: number): { data: Buffer; rest: Buffer } | undefined {
  const head = Math.min(buffer.length, 4);
  if (!buffer.subarray(0, head).equals(MAGIC.subarray(0, head))) throw new Error('not a Zabbix frame (no ZBXD header)');
  if (buffer.length < ZABBIX_HEADER_BYTES) return undefined;
  if (buffer[4] !== FLAG_ZABBIX) throw new Error(`unsupported Zabbix frame flags 0x${buffer[4]!.toString(16)} (compression is not spoken here)`);
  const length = buffer.readBigUInt64LE(5);
  if (length > BigInt(maxBytes)) throw new Error(`Zabbix frame of ${length} bytes is over the ${maxBytes}-byte limit`);
  const end = ZABBIX_HEADER_BYTES + Number(length);
  if (buffer.length < end) return undefined;
  return { data: buffer.subarray(ZABBIX_HEADER_BYTES, end), rest: buffer.subarray(end) };
}

/** One value for a trapper item. `clock` in epoch seconds. */
export interface SenderItem {
  host: string;
  key: string;
  value: string;
  clock: number;
}

/**
 * The `sender data` request exactly as `zabbix_sender -T` writes it: items with their own
 * clock, then the send time as `clock` (seconds) and `ns` (nanoseconds within the second).
 */
export function senderRequest(items: readonly SenderItem[], sentAt: { clock: number; ns: number }): string {
  const data = items.map(({ host, key, value, clock }) => ({ host, key, value, clock }));
  return JSON.stringify({ request: 'sender data', data, clock: sentAt.clock, ns: sentAt.ns });
}

/** The passive agent's answer to an item key it does not know or cannot read. */
export function notSupported(reason: string): Buffer {
  return Buffer.concat([Buffer.from('ZBX_NOTSUPPORTED\u0000', 'latin1'), Buffer.from(reason, 'utf8')]);
}

import * as phoenix from 'phoenix';

/** A message as phoenix.js's serializer sees it. */
export interface PhoenixMessage {
  join_ref: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: unknown;
}

/** phoenix.js's own serializer (exported at runtime; absent from @types/phoenix). */
export const phoenixSerializer = (phoenix as unknown as {
  Serializer: {
    encode(message: PhoenixMessage, callback: (encoded: string | ArrayBuffer) => unknown): unknown;
    decode(raw: string | ArrayBuffer, callback: (message: PhoenixMessage) => unknown): unknown;
  };
}).Serializer;

export function phoenixEncode(message: PhoenixMessage): string | ArrayBuffer {
  let out: string | ArrayBuffer = '';
  phoenixSerializer.encode(message, (encoded) => (out = encoded));
  return out;
}

export function phoenixDecode(raw: string | ArrayBuffer): PhoenixMessage {
  let out: PhoenixMessage | undefined;
  phoenixSerializer.decode(raw, (message) => (out = message));
  return out!;
}

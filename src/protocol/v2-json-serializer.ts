import { envelopeProblems, replyAddress } from './envelope.ts';
import { EVENTS, type Frame, type ReplyStatus } from './frame.ts';
import { ProtocolError } from './protocol-error.ts';

/**
 * Phoenix V2 JSON frames: `[join_ref, ref, topic, event, payload]`. `decode` is the one place a
 * client's text frame is validated; everything after it trusts the Frame's types. The encoders
 * produce exactly what Phoenix's V2.JSONSerializer writes.
 */
export const v2JsonSerializer = {
  /** Throws ProtocolError naming what is wrong; see ProtocolError for when it can be answered. */
  decode(text: string): Frame {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new ProtocolError('invalid_frame', 'frame is not valid JSON');
    }
    if (!Array.isArray(value) || value.length !== 5) {
      throw new ProtocolError('invalid_frame', 'frame must be a JSON array [join_ref, ref, topic, event, payload]');
    }
    const [joinRef, ref, topic, event, payload] = value as unknown[];
    const address = replyAddress(joinRef, ref, topic);
    const problems = envelopeProblems(joinRef, ref, topic, event);
    if (problems.length > 0) throw new ProtocolError('invalid_frame', problems.join('; '), address);
    if (!isPlainObject(payload)) throw new ProtocolError('invalid_payload', 'payload must be a JSON object', address);
    return { joinRef: joinRef as string | null, ref: ref as string | null, topic: topic as string, event: event as string, payload };
  },

  encode(frame: Frame): string {
    return JSON.stringify([frame.joinRef, frame.ref, frame.topic, frame.event, frame.payload]);
  },

  /** `[join_ref, ref, topic, "phx_reply", {status, response}]`. */
  reply(joinRef: string | null, ref: string | null, topic: string, status: ReplyStatus, response: Record<string, unknown>): string {
    return JSON.stringify([joinRef, ref, topic, EVENTS.reply, { status, response }]);
  },

  /** A server push on one joined channel: `[join_ref, null, topic, event, payload]`. */
  push(joinRef: string | null, topic: string, event: string, payload: Record<string, unknown>): string {
    return JSON.stringify([joinRef, null, topic, event, payload]);
  },

  /** The same bytes for every subscriber: `[null, null, topic, event, payload]`. */
  broadcast(topic: string, event: string, payload: Record<string, unknown>): string {
    return JSON.stringify([null, null, topic, event, payload]);
  },

  /** `[join_ref, join_ref, topic, "phx_close", {}]`: the server closed that join. */
  close(joinRef: string | null, topic: string): string {
    return JSON.stringify([joinRef, joinRef, topic, EVENTS.close, {}]);
  },
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

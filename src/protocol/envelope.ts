import { LIMITS } from '../config/limits.ts';
import type { ReplyAddress } from './protocol-error.ts';

/**
 * The rules every frame envelope obeys, whatever its encoding: refs are short non-empty
 * strings or null, topic and event are non-empty strings within LIMITS. Shared by the JSON
 * and binary serializers so both refuse the same frames with the same words.
 */
export function envelopeProblems(joinRef: unknown, ref: unknown, topic: unknown, event: unknown): string[] {
  const problems: string[] = [];
  if (!isRef(joinRef)) problems.push(`join_ref must be null or a string of 1 to ${LIMITS.maxRefLength} characters`);
  if (!isRef(ref)) problems.push(`ref must be null or a string of 1 to ${LIMITS.maxRefLength} characters`);
  if (!isName(topic, LIMITS.maxTopicLength)) problems.push(`topic must be a string of 1 to ${LIMITS.maxTopicLength} characters`);
  if (!isName(event, LIMITS.maxEventLength)) problems.push(`event must be a string of 1 to ${LIMITS.maxEventLength} characters`);
  return problems;
}

/** The reply address of a frame, when its ref and topic are usable (whatever else is wrong). */
export function replyAddress(joinRef: unknown, ref: unknown, topic: unknown): ReplyAddress | undefined {
  if (typeof ref !== 'string' || !isRef(ref) || !isName(topic, LIMITS.maxTopicLength)) return undefined;
  return { joinRef: typeof joinRef === 'string' && isRef(joinRef) ? joinRef : null, ref, topic };
}

function isRef(value: unknown): value is string | null {
  return value === null || isName(value, LIMITS.maxRefLength);
}

function isName(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

/**
 * Every error Renraku reports, in one place: the HTTP status it maps to and the message a
 * client sees. HTTP answers `{error, code, message}`; channel replies answer
 * `{status: "error", response: {reason: code, message}}`. A test fails when a code here is
 * missing from docs/errors.md, so the list and its documentation cannot drift apart.
 */
export const ERROR_CODES = {
  // request shape
  validation_failed: { status: 400, message: 'The request does not match its schema.' },
  invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
  url_invalid: { status: 400, message: 'The URL path has a malformed percent escape.' },
  url_too_long: { status: 414, message: 'A segment of the URL path is too long.' },
  headers_too_large: { status: 431, message: 'The request headers (URL included) are too large.' },
  bad_request: { status: 400, message: 'The request is not well-formed HTTP.' },
  request_timeout: { status: 408, message: 'The request did not arrive in time.' },
  // authentication
  unauthenticated: { status: 401, message: 'Sign in first: no valid session token was given.' },
  invalid_credentials: { status: 401, message: 'Email or password is wrong.' },
  wrong_password: { status: 403, message: 'The current password is wrong.' },
  too_many_attempts: { status: 429, message: 'Too many attempts: wait before trying again.' },
  weak_password: { status: 422, message: 'The password is too easy to guess.' },
  invalid_token: { status: 403, message: 'The token is missing, expired or forged.' },
  origin_not_allowed: { status: 403, message: 'Cross-origin requests with a session cookie are refused.' },
  // authorization
  forbidden: { status: 403, message: 'Your role in this group does not allow this.' },
  not_member: { status: 403, message: 'You are not a member of this group.' },
  // existence
  not_found: { status: 404, message: 'No such route.' },
  user_not_found: { status: 404, message: 'No such user.' },
  session_not_found: { status: 404, message: 'No such session of yours.' },
  token_invalid: { status: 400, message: 'The link is not valid: it was mistyped, forged, or replaced by a newer one.' },
  group_not_found: { status: 404, message: 'No such group.' },
  room_not_found: { status: 404, message: 'No such room.' },
  message_not_found: { status: 404, message: 'No such message.' },
  invite_not_found: { status: 404, message: 'No such invitation.' },
  subgroup_not_found: { status: 404, message: 'No such sub-group.' },
  member_not_found: { status: 404, message: 'That user is not a member of this group.' },
  // conflicts and state
  email_taken: { status: 409, message: 'An account with this email already exists.' },
  sole_owner: { status: 409, message: 'You are the only owner of some groups: hand them over or delete them first (see groups).' },
  email_unchanged: { status: 409, message: 'That is already your email address.' },
  email_already_verified: { status: 409, message: 'Your email address is already verified.' },
  token_used: { status: 410, message: 'The link was already used.' },
  token_expired: { status: 410, message: 'The link has expired: ask for a new one.' },
  slug_taken: { status: 409, message: 'A group with this slug already exists.' },
  already_member: { status: 409, message: 'You are already a member of this group.' },
  last_owner: { status: 409, message: 'A group must keep at least one owner.' },
  client_id_conflict: { status: 409, message: 'This client_id was already used with a different body.' },
  message_deleted: { status: 409, message: 'The message was deleted.' },
  invite_expired: { status: 410, message: 'The invitation has expired.' },
  invite_revoked: { status: 410, message: 'The invitation was revoked.' },
  invite_used_up: { status: 410, message: 'The invitation has no uses left.' },
  // content
  body_empty: { status: 422, message: 'The message body is empty.' },
  body_too_long: { status: 422, message: 'The message body is too long.' },
  invalid_characters: { status: 422, message: 'Text may not contain NUL or control characters other than tab and newline.' },
  invalid_name: { status: 400, message: 'A name may not contain line breaks or bidirectional overrides and isolates.' },
  reply_to_invalid: { status: 422, message: 'reply_to names no message of this room.' },
  // limits
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  rate_limited: { status: 429, message: 'Too many requests: slow down.' },
  // channels (phx_reply reasons)
  unmatched_topic: { status: 404, message: 'unmatched topic' },
  too_many_channels: { status: 429, message: 'too many channels joined' },
  unknown_event: { status: 400, message: 'This channel has no such event.' },
  invalid_payload: { status: 400, message: 'The event payload does not match its schema.' },
  invalid_frame: { status: 400, message: 'The frame is not [join_ref, ref, topic, event, payload] with string refs, topic and event.' },
  // announcements
  announcement_not_found: { status: 404, message: 'No such announcement, or not one you may see.' },
  attachment_not_found: { status: 404, message: 'No such attachment, or not one you may use.' },
  not_recipient: { status: 403, message: 'You did not receive this announcement.' },
  deadline_passed: { status: 409, message: 'The deadline for answers has passed.' },
  answer_invalid: { status: 422, message: 'The answer does not fit the question.' },
  announcement_sent: { status: 409, message: 'The announcement has gone out: it can no longer be edited or cancelled.' },
  announcement_not_sent: { status: 409, message: 'The announcement has not gone out yet.' },
  send_at_in_past: { status: 422, message: 'send_at must lie in the future.' },
  deadline_invalid: { status: 422, message: 'The deadline must lie after the announcement goes out, and needs an answer request.' },
  recipients_invalid: { status: 422, message: 'The recipients name a sub-group or member not in this group, or nobody at all.' },
  attachment_too_large: { status: 413, message: 'The attachment is larger than the limit.' },
  attachment_type_refused: { status: 415, message: 'This file type may not be attached.' },
  read_link_invalid: { status: 400, message: 'The read link is malformed or forged.' },
  read_link_expired: { status: 410, message: 'The read link has expired.' },
  // mailing list
  list_post_not_found: { status: 404, message: 'No such list post, or not one you may see.' },
  list_post_decided: { status: 409, message: 'The list post was already approved or rejected.' },
  list_attachment_not_found: { status: 404, message: 'No such list attachment, or not one you may see.' },
  time_zone_invalid: { status: 422, message: 'time_zone must be an IANA time zone such as Asia/Tokyo.' },
  unsubscribe_link_invalid: { status: 400, message: 'The unsubscribe link is malformed or forged.' },
  // operations (metrics and diagnostics, docs/operations.md)
  operator_token_required: { status: 401, message: 'Send the operator token: Authorization: Bearer <RENRAKU_OPERATOR_TOKEN>.' },
  operator_token_invalid: { status: 403, message: 'The operator token is wrong.' },
  operations_disabled: { status: 404, message: 'Metrics and diagnostics are off on this node: RENRAKU_OPERATOR_TOKEN is not set.' },
  diag_unknown_command: { status: 404, message: 'No such diagnostics command.' },
  diag_invalid_arguments: { status: 400, message: 'The diagnostics command was given missing or out-of-range arguments.' },
  connection_not_found: { status: 404, message: 'No such connection on this node.' },
  heap_too_large: { status: 409, message: 'The heap is above the snapshot bound: a snapshot would pause the node too long. Force it to take one anyway.' },
  diag_busy: { status: 409, message: 'Another heap snapshot, CPU profile or too many traces are already running on this node.' },
  // mail feedback (joins by mail, docs/mail.md)
  mail_join_link_invalid: { status: 400, message: 'The join confirmation link is malformed or forged.' },
  mail_join_link_expired: { status: 410, message: 'The join confirmation link has expired: mail the join address again.' },
  mail_join_not_found: { status: 404, message: 'No such join request.' },
  mail_join_closed: { status: 409, message: 'The join request was already decided.' },
  mail_join_account_required: { status: 422, message: 'No account has this address yet: send name and password to create one.' },
  // server
  internal: { status: 500, message: 'Something went wrong on our side.' },
  unavailable: { status: 503, message: 'The server is shutting down, not ready, or cannot reach its database: try again.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Phoenix's own wording for two join refusals, which clients match on. */
export const PHOENIX_REASONS: Partial<Record<ErrorCode, string>> = {
  unmatched_topic: 'unmatched topic',
  too_many_channels: 'too many channels joined',
};

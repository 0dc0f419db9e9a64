/**
 * Every error Herald reports, over HTTP (as the `code` member of an RFC 9457
 * problem document) and over WebSocket (as the `code` of an `error` frame).
 * Codes are stable: clients may switch on them.
 */
export const ErrorCode = {
  InvalidTopic: 'invalid_topic',
  MissingTopics: 'missing_topics',
  TooManyTopics: 'too_many_topics',
  InvalidType: 'invalid_type',
  InvalidCursor: 'invalid_cursor',
  InvalidLimit: 'invalid_limit',
  InvalidTimeout: 'invalid_timeout',
  InvalidJson: 'invalid_json',
  InvalidBody: 'invalid_body',
  PayloadTooLarge: 'payload_too_large',
  UnsupportedMediaType: 'unsupported_media_type',
  NotFound: 'not_found',
  InvalidFrame: 'invalid_frame',
  UnknownEvent: 'unknown_event',
  NotSubscribed: 'not_subscribed',
  ShuttingDown: 'shutting_down',
  Unauthorized: 'unauthorized',
  TokenExpired: 'token_expired',
  Forbidden: 'forbidden',
  RateLimited: 'rate_limited',
  TooManyConnections: 'too_many_connections',
  Internal: 'internal_error',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Prefix of every problem `type` URI; the fragment is the error code. */
export const PROBLEM_TYPE_PREFIX = 'urn:herald:problem:';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 9457 problem details, with Herald's stable `code` extension member. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
}

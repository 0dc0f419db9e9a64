/** A topic name: starts with a letter or digit, then up to 127 of `A-Za-z0-9._:-`. */
export const TOPIC_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function isValidTopic(name: string): boolean {
  return TOPIC_PATTERN.test(name);
}

/**
 * An event type: 1..64 printable characters, no control characters (so it can
 * never break out of an SSE field or a log line).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const EVENT_TYPE_PATTERN = /^[^\u0000-\u001f\u007f]{1,64}$/u;

export const DEFAULT_EVENT_TYPE = 'message';

/** The `since` value that asks for every retained event instead of "from now". */
export const SINCE_EARLIEST = 'earliest';

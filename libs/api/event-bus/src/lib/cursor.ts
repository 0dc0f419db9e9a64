import { isValidTopic } from '@herald/contracts';
import { InvalidCursorError } from './errors';

/** A decoded cursor: the epoch it was issued in and the last delivered position per topic. */
export interface Cursor {
  readonly epoch: string;
  readonly positions: ReadonlyMap<string, number>;
}

const VERSION = 'h1';
const SEPARATOR = '|';
/** Room for a socket's 256 topics of 128 characters each. */
export const MAX_CURSOR_LENGTH = 65_536;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const EPOCH = /^[A-Za-z0-9_-]{1,64}$/;
const POSITION = /^(0|[1-9][0-9]{0,15})$/;

/**
 * Cursors are opaque to clients: base64url of `h1|epoch|topic|position|...`.
 * `|` can appear in neither an epoch nor a topic name, so the format is unambiguous.
 */
export function encodeCursor(epoch: string, positions: Iterable<readonly [string, number]>): string {
  let text = VERSION + SEPARATOR + epoch;
  for (const [topic, position] of positions) {
    text += SEPARATOR + topic + SEPARATOR + position;
  }
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** Decodes a cursor or throws `InvalidCursorError` saying what is wrong with it. */
export function decodeCursor(value: string): Cursor {
  if (value.length === 0 || value.length > MAX_CURSOR_LENGTH || !BASE64URL.test(value)) {
    throw new InvalidCursorError('the cursor is not one Herald issued (expected a base64url string)');
  }
  const parts = Buffer.from(value, 'base64url').toString('utf8').split(SEPARATOR);
  if (parts[0] !== VERSION || parts.length < 2 || parts.length % 2 !== 0) {
    throw new InvalidCursorError('the cursor is not one Herald issued (unknown format)');
  }
  const epoch = parts[1];
  if (!EPOCH.test(epoch)) {
    throw new InvalidCursorError('the cursor is not one Herald issued (bad epoch)');
  }
  const positions = new Map<string, number>();
  for (let i = 2; i < parts.length; i += 2) {
    const topic = parts[i];
    const position = parts[i + 1];
    if (!isValidTopic(topic) || !POSITION.test(position) || positions.has(topic)) {
      throw new InvalidCursorError('the cursor is not one Herald issued (bad topic position)');
    }
    const n = Number(position);
    if (!Number.isSafeInteger(n)) {
      throw new InvalidCursorError('the cursor is not one Herald issued (position out of range)');
    }
    positions.set(topic, n);
  }
  return { epoch, positions };
}

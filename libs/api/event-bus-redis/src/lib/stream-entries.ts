import type { PublishInput, StoredEvent } from '@herald/event-bus';
import { asArray, asString, UnexpectedReplyError } from './replies';

/** Field of a stream entry holding the envelope's JSON body. */
export const BODY_FIELD = 'e';

/**
 * The envelope serialized once by the publisher, minus its opening `{"id":…,`
 * (the id is the position, known only once appended). Every instance rebuilds
 * the envelope JSON from this string byte for byte.
 */
export function entryBody(topic: string, input: PublishInput, ts: number): string {
  return JSON.stringify({ topic, type: input.type, data: input.data, ts }).slice(1);
}

/** The stored event at `position` whose entry body is `body`; the same JSON `storedEvent()` produces. */
export function storedFromBody(topic: string, position: number, body: string, envelope?: StoredEvent['envelope']): StoredEvent {
  const json = `{"id":"${position}",${body}`;
  return { topic, position, envelope: envelope ?? (JSON.parse(json) as StoredEvent['envelope']), json };
}

/** Position held by stream id `<position>-0`. */
export function positionOfId(id: string): number {
  const position = Number(id.slice(0, id.indexOf('-')));
  if (!Number.isSafeInteger(position) || position < 1) throw new UnexpectedReplyError(`unexpected stream id ${id}`);
  return position;
}

/** Splits a raw stream entry `[id, [field, value, …]]` into its id and envelope body. */
export function splitEntry(entry: unknown): { id: string; body: string | undefined } {
  const [id, fields] = asArray(entry, 'a stream entry');
  const list = asArray(fields, 'stream entry fields');
  let body: string | undefined;
  for (let i = 0; i + 1 < list.length; i += 2) {
    if (asString(list[i], 'a field name') === BODY_FIELD) body = asString(list[i + 1], 'an entry body');
  }
  return { id: asString(id, 'a stream id'), body };
}

/** Decodes a raw stream entry of `topic`; throws on an entry this bus did not write. */
export function decodeEntry(topic: string, entry: unknown): StoredEvent {
  const { id, body } = splitEntry(entry);
  if (body === undefined) throw new UnexpectedReplyError(`stream entry ${id} of ${topic} has no envelope`);
  return storedFromBody(topic, positionOfId(id), body);
}

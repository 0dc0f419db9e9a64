import type { Delivery, Envelope } from '@herald/contracts';
import { isRecord, protocolError } from './parse-json';

/** Checks that `value` is an Envelope; throws a `protocol_error` HeraldError naming the first problem. */
export function parseEnvelope(value: unknown, where = 'envelope'): Envelope {
  if (!isRecord(value)) throw protocolError(`${where} is not an object`);
  const { id, topic, type, data, ts } = value;
  if (typeof id !== 'string' || id === '') throw protocolError(`${where}.id is not a non-empty string`);
  if (typeof topic !== 'string' || topic === '') throw protocolError(`${where}.topic is not a non-empty string`);
  if (typeof type !== 'string') throw protocolError(`${where}.type is not a string`);
  if (typeof ts !== 'number' || !Number.isFinite(ts)) throw protocolError(`${where}.ts is not a number`);
  if (!('data' in value)) throw protocolError(`${where}.data is missing`);
  return { id, topic, type, data, ts };
}

export function parseCursor(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw protocolError(`${where} is not a non-empty string`);
  return value;
}

/** Checks that `value` is a Delivery `{events, cursor, reset?}`; throws a `protocol_error` HeraldError otherwise. */
export function parseDelivery(value: unknown, where = 'delivery'): Delivery {
  if (!isRecord(value)) throw protocolError(`${where} is not an object`);
  const { events, cursor, reset } = value;
  if (!Array.isArray(events)) throw protocolError(`${where}.events is not an array`);
  if (reset !== undefined && typeof reset !== 'boolean') throw protocolError(`${where}.reset is not a boolean`);
  const delivery: Delivery = {
    events: events.map((event, i) => parseEnvelope(event, `${where}.events[${i}]`)),
    cursor: parseCursor(cursor, `${where}.cursor`),
  };
  if (reset) delivery.reset = true;
  return delivery;
}

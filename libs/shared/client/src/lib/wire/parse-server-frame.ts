import type { ServerFrame } from '@herald/contracts';
import { isServerErrorCode } from '../herald-error';
import { parseCursor, parseDelivery, parseEnvelope } from './parse-delivery';
import { isRecord, parseJson, protocolError } from './parse-json';

function optionalRef(data: Record<string, unknown>, event: string): string | undefined {
  const { ref } = data;
  if (ref === undefined) return undefined;
  if (typeof ref !== 'string') throw protocolError(`${event}.data.ref is not a string`);
  return ref;
}

function topics(data: Record<string, unknown>, event: string): string[] {
  const { topics: list } = data;
  if (!Array.isArray(list) || !list.every((topic) => typeof topic === 'string')) {
    throw protocolError(`${event}.data.topics is not an array of strings`);
  }
  return list as string[];
}

function timestamp(data: Record<string, unknown>, event: string): number {
  if (typeof data['ts'] !== 'number' || !Number.isFinite(data['ts'])) throw protocolError(`${event}.data.ts is not a number`);
  return data['ts'];
}

/**
 * Parses one WebSocket text frame into a ServerFrame, checking every field the
 * SDK relies on. Malformed JSON, a frame that is not `{event, data}`, an event
 * name Herald does not send, or a wrong shape throws a `protocol_error`
 * HeraldError — nothing is dropped silently.
 */
export function parseServerFrame(text: unknown): ServerFrame {
  const frame = parseJson(text, 'WebSocket frame');
  if (!isRecord(frame) || typeof frame['event'] !== 'string') {
    throw protocolError('WebSocket frame is not an object {event: string, data}');
  }
  const event = frame['event'];
  const data = frame['data'];
  if (!isRecord(data)) throw protocolError(`${event}.data is not an object`);
  switch (event) {
    case 'subscribed': {
      const ref = optionalRef(data, event);
      if (data['reset'] !== undefined && typeof data['reset'] !== 'boolean') throw protocolError('subscribed.data.reset is not a boolean');
      return {
        event,
        data: {
          topics: topics(data, event),
          cursor: parseCursor(data['cursor'], 'subscribed.data.cursor'),
          ...(ref === undefined ? {} : { ref }),
          ...(data['reset'] === true ? { reset: true } : {}),
        },
      };
    }
    case 'unsubscribed': {
      const ref = optionalRef(data, event);
      const parsed = { topics: topics(data, event), cursor: parseCursor(data['cursor'], `${event}.data.cursor`) };
      return { event, data: ref === undefined ? parsed : { ...parsed, ref } };
    }
    case 'delivery':
      return { event, data: parseDelivery(data, 'delivery.data') };
    case 'ack': {
      const ref = optionalRef(data, event);
      const envelope = parseEnvelope(data['envelope'], 'ack.data.envelope');
      return { event, data: ref === undefined ? { envelope } : { ref, envelope } };
    }
    case 'pong': {
      const ref = optionalRef(data, event);
      const ts = timestamp(data, event);
      return { event, data: ref === undefined ? { ts } : { ref, ts } };
    }
    case 'heartbeat':
      return { event, data: { ts: timestamp(data, event) } };
    case 'error': {
      const ref = optionalRef(data, event);
      const { code, message } = data;
      if (!isServerErrorCode(code)) throw protocolError(`error.data.code ${JSON.stringify(code)} is not a Herald error code`);
      if (typeof message !== 'string') throw protocolError('error.data.message is not a string');
      return { event, data: ref === undefined ? { code, message } : { code, message, ref } };
    }
    default:
      throw protocolError(`unknown WebSocket frame event ${JSON.stringify(event.slice(0, 64))}`);
  }
}

import type { ErrorCode } from '@herald/contracts';
import type { StoredEvent } from '@herald/event-bus';
import { deliveryJson } from '../delivery-json';

/** Server frames as JSON text, built from the events' single serialization. */
export function deliveryFrame(events: readonly StoredEvent[], cursor: string, reset: boolean): string {
  return '{"event":"delivery","data":' + deliveryJson(events, cursor, reset) + '}';
}

export function errorFrame(code: ErrorCode, message: string, ref?: string): string {
  return JSON.stringify({ event: 'error', data: ref === undefined ? { code, message } : { code, message, ref } });
}

export function errorFrameObject(code: ErrorCode, message: string, ref?: string) {
  return { event: 'error' as const, data: ref === undefined ? { code, message } : { code, message, ref } };
}

export function ackFrame(event: StoredEvent, ref?: string): string {
  return '{"event":"ack","data":{' + (ref === undefined ? '' : '"ref":' + JSON.stringify(ref) + ',') + '"envelope":' + event.json + '}}';
}

export function topicsFrame(event: 'subscribed' | 'unsubscribed', topics: readonly string[], cursor: string, ref?: string, reset = false): string {
  return JSON.stringify({ event, data: { topics, cursor, ...(ref === undefined ? {} : { ref }), ...(reset ? { reset: true } : {}) } });
}

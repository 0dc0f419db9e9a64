import type { ErrorCode } from '@herald/contracts';
import type { StoredEvent } from '@herald/event-bus';
import { deliveryJson } from '../delivery-json';

/** Server frames as JSON text, built from the events' single serialization. */
export function deliveryFrame(events: readonly StoredEvent[], cursor: string, reset: boolean): string {
  return '{"event":"delivery","data":' + deliveryJson(events, cursor, reset) + '}';
}

let lastSharedEvent: StoredEvent | undefined;
let lastSharedFrame: Buffer | undefined;

/**
 * The delivery frame of one live event for a socket subscribed to that event's topic alone:
 * `deliveryFrame([event], cursorAfter(event), false)`. It is the same bytes for every such socket,
 * and the bus hands an event to all its subscribers in one go, so it is built and UTF-8 encoded
 * once per event (a one-entry cache keeps nothing alive but the latest event).
 */
export function sharedDeliveryFrame(event: StoredEvent, reader: { cursorAfter(event: StoredEvent): string }): Buffer {
  if (event !== lastSharedEvent || lastSharedFrame === undefined) {
    lastSharedFrame = Buffer.from(deliveryFrame([event], reader.cursorAfter(event), false), 'utf8');
    lastSharedEvent = event;
  }
  return lastSharedFrame;
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

import type { StoredEvent } from '@herald/event-bus';

/** The Content-Type of every JSON answer (what Express's `res.type('application/json')` + `send` gives). */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Builds a Delivery's JSON from events serialized once at publish: no envelope
 * is re-serialized per subscriber. Cursors are base64url, safe to embed unescaped.
 */
export function deliveryJson(events: readonly StoredEvent[], cursor: string, reset: boolean): string {
  let body = '{"events":[';
  for (let i = 0; i < events.length; i++) {
    if (i > 0) body += ',';
    body += events[i].json;
  }
  body += '],"cursor":"' + cursor + '"';
  if (reset) body += ',"reset":true';
  return body + '}';
}

const HEAD = Buffer.from('{"events":[', 'latin1');
const COMMA = 0x2c; // ','

/** Most bytes of encoded event JSON kept for reuse (the oldest encodings are dropped first). */
export const ENCODED_CACHE_BYTES = 16 * 1024 * 1024;

/**
 * Recent events' JSON as UTF-8, encoded the first time an answer needs it and then shared by every
 * answer that carries the event (all the long polls a publish releases, a burst of polls). Bounded
 * in bytes, so at most ENCODED_CACHE_BYTES beyond the log itself, whatever the retention.
 */
const encoded = new Map<StoredEvent, Buffer>();
let encodedBytes = 0;

function bytesOf(event: StoredEvent): Buffer {
  let bytes = encoded.get(event);
  if (bytes === undefined) {
    bytes = Buffer.from(event.json, 'utf8');
    encoded.set(event, bytes);
    encodedBytes += bytes.length;
    for (const [oldest, old] of encoded) {
      if (encodedBytes <= ENCODED_CACHE_BYTES) break;
      encoded.delete(oldest);
      encodedBytes -= old.length;
    }
  }
  return bytes;
}

/**
 * The same Delivery as `deliveryJson`, byte for byte, as a Buffer assembled from each event's JSON
 * encoded once: an answer costs copying its bytes, not re-encoding (and measuring) every event's
 * text for every poll that carries it. What poll and long-poll answers are written from.
 */
export function deliveryBytes(events: readonly StoredEvent[], cursor: string, reset: boolean): Buffer {
  // Cursors are base64url: one byte per character.
  const tail = '],"cursor":"' + cursor + '"' + (reset ? ',"reset":true' : '') + '}';
  let length = HEAD.length + Math.max(0, events.length - 1) + tail.length;
  const parts = new Array<Buffer>(events.length);
  for (let i = 0; i < events.length; i++) {
    parts[i] = bytesOf(events[i]);
    length += parts[i].length;
  }
  // One allocation and one copy of each part (faster than Buffer.concat for many small parts).
  const body = Buffer.allocUnsafe(length);
  let at = HEAD.copy(body, 0);
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) body[at++] = COMMA;
    at += parts[i].copy(body, at);
  }
  body.write(tail, at, 'latin1');
  return body;
}

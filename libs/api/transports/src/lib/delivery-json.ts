/** The Content-Type of every JSON answer (what Express's `res.type('application/json')` + `send` gives). */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

import type { StoredEvent } from '@herald/event-bus';

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

import type { IncomingMessage } from 'node:http';

/**
 * The address limits are keyed on: the peer's, or — only when the operator says
 * a trusted proxy sits in front (`trustProxy`) — the first `X-Forwarded-For` hop.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? 'unknown';
}
